import Foundation
import GRDB
import Testing
import TrackCore
@testable import TrackSQLite

/// Committed pages reach the database file itself shortly after commits, copied beside the writer,
/// long before the write-ahead log is large enough for the writer to copy them itself.
@Suite("WAL checkpointer")
struct WALCheckpointerTests {
    /// The runs a copy of the database file alone holds, without its write-ahead log.
    static func runsInDatabaseFile(_ path: String, directory: URL) throws -> [String] {
        let copy = directory.appendingPathComponent("copy-\(UUID().uuidString).sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: copy.path)
        defer { try? FileManager.default.removeItem(at: copy) }
        let queue = try DatabaseQueue(path: copy.path)
        return try queue.read { db in
            // Before the first copy the file does not even hold the schema.
            guard try db.tableExists("runs") else { return [] }
            return try String.fetchAll(db, sql: "SELECT run_id FROM runs ORDER BY run_id")
        }
    }

    @Test(arguments: [SQLiteTrackingStore.Durability.process, .power])
    func commitsReachTheDatabaseFileSoonAfter(durability: SQLiteTrackingStore.Durability) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("track-checkpoint-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("c.sqlite").path
        let store = try SQLiteTrackingStore(path: path, durability: durability)
        let experimentID = try await store.createExperiment(name: "checkpoints", artifactLocation: nil, tags: [])
        var runs: [String] = []
        for _ in 0..<3 {
            let run = try await store.createRun(RunCreation(experimentID: experimentID))
            try await store.logBatch(
                runID: run.info.runID, metrics: [Metric(key: "loss", value: 0.5, timestamp: 1, step: 0)], params: [], tags: []
            )
            runs.append(run.info.runID)
        }
        // A few pages: far below the 1,000 at which the writer checkpoints by itself.
        let deadline = ContinuousClock.now + .seconds(10)
        var copied: [String] = []
        while ContinuousClock.now < deadline {
            copied = try Self.runsInDatabaseFile(path, directory: directory)
            if copied == runs.sorted() { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(copied == runs.sorted())
        // The log is wholly copied, and the store reads and writes on.
        let state = try store.checkpointer.checkpointNow()
        #expect(state.copiedPages == state.logPages)
        try await store.logBatch(runID: runs[0], metrics: [Metric(key: "loss", value: 0.25, timestamp: 2, step: 1)], params: [], tags: [])
        #expect(try await store.run(id: runs[0]).data.metrics.first?.value == 0.25)
    }
}
