import Foundation
import GRDB
import Testing
@testable import TrackSQLite

/// The settings every connection of a SQLite store runs with, on the writer's connection and on
/// readers: what durability promises, foreign keys for cascading deletes, and savepoint undo
/// pages and temporary sorts kept in memory rather than in temporary files.
@Suite("SQLite connection settings")
struct SQLiteConnectionSettingsTests {
    struct Settings: Equatable {
        var journalMode: String
        var synchronous: Int
        var foreignKeys: Int
        var tempStore: Int
        var cacheSize: Int

        static func read(_ db: Database) throws -> Settings {
            try Settings(
                journalMode: String.fetchOne(db, sql: "PRAGMA journal_mode")!,
                synchronous: Int.fetchOne(db, sql: "PRAGMA synchronous")!,
                foreignKeys: Int.fetchOne(db, sql: "PRAGMA foreign_keys")!,
                tempStore: Int.fetchOne(db, sql: "PRAGMA temp_store")!,
                cacheSize: Int.fetchOne(db, sql: "PRAGMA cache_size")!
            )
        }
    }

    @Test(arguments: [SQLiteTrackingStore.Durability.process, .power])
    func writerAndReadersRunWithTheStoresSettings(durability: SQLiteTrackingStore.Durability) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("track-settings-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteTrackingStore(path: directory.appendingPathComponent("s.sqlite").path, durability: durability)
        // synchronous: 1 is NORMAL (a commit survives the process), 2 is FULL (and power loss);
        // temp_store 2 is MEMORY.
        let expected = Settings(journalMode: "wal", synchronous: durability == .power ? 2 : 1, foreignKeys: 1, tempStore: 2, cacheSize: -16000)
        let onWriter = try await store.writer.write { db in try Settings.read(db) }
        #expect(onWriter == expected)
        #expect(try await store.pool.read { db in try Settings.read(db) } == expected)
    }
}
