import Foundation
import Testing
import TrackCore
import TrackSQLite
import TrackStoreTesting

/// Runs the backend-agnostic store conformance suite against SQLite, one fresh database file in a
/// fresh temporary directory per check.
@Test(arguments: StoreConformance<SQLiteTrackingStore>.checks)
func conformance(_ check: String) async throws {
    try await runConformanceCheck(check, durability: .process)
}

/// The writes again through a store that syncs every commit, whose writes always commit on the
/// writer's thread (the default store commits a write alone on its caller's thread when the
/// writer is idle).
@Test(arguments: StoreConformance<SQLiteTrackingStore>.checks.filter { $0.hasPrefix("logging.") || $0.hasPrefix("freshness.") })
func conformanceOfDurableStore(_ check: String) async throws {
    try await runConformanceCheck(check, durability: .power)
}

private func runConformanceCheck(_ check: String, durability: SQLiteTrackingStore.Durability) async throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("track-conformance-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let suite = StoreConformance<SQLiteTrackingStore> {
        try SQLiteTrackingStore(path: directory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path, durability: durability)
    }
    do {
        try await suite.run(check)
    } catch let failure as ConformanceFailure {
        Issue.record(
            Comment(rawValue: failure.message),
            sourceLocation: SourceLocation(fileID: failure.fileID, filePath: failure.file, line: failure.line, column: failure.column)
        )
    }
}

@Test func conformanceCheckNamesAreUnique() {
    let names = StoreConformance<SQLiteTrackingStore>.checks
    let duplicates = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
    #expect(duplicates.isEmpty, "check names registered more than once: \(duplicates)")
    #expect(names.count > 50)
}
