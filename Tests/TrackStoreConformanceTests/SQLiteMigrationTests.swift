import Foundation
import GRDB
import Testing
import TrackCore
import TrackStorageCodec
@testable import TrackSQLite

/// Databases written by every earlier schema version open with the current store, keep their
/// data and work fully.
@Suite("SQLite migrations")
struct SQLiteMigrationTests {
    static var migrations: [String] { SQLiteSchema.migrator().migrations }

    static func temporaryDatabase() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("track-migrations-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("track.db").path
    }

    @Test func thereIsMoreThanOneVersionToUpgradeFrom() {
        #expect(Self.migrations.count >= 2)
        #expect(Self.migrations.first == "v1-tracking")
    }

    @Test(arguments: SQLiteSchema.migrator().migrations.dropLast())
    func upgradesFromEveryEarlierVersion(version: String) async throws {
        let path = try Self.temporaryDatabase()
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator().migrate(queue, upTo: version)
            try await queue.write { db in
                // What the first version's server wrote: the default experiment, one experiment
                // with a tag, one finished run with a param and tags.
                try db.execute(sql: """
                    INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', 1, 1), (1, 'old', 'mlflow-artifacts:/1', 'active', 2, 3);
                    INSERT INTO experiment_tags (experiment_id, key, value) VALUES (1, 'team', 'vision');
                    INSERT INTO runs (run_key, run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                    VALUES (1, '0123456789abcdef0123456789abcdef', 1, 'legacy', 'ada', 'FINISHED', 10, 20,
                            'mlflow-artifacts:/1/0123456789abcdef0123456789abcdef/artifacts', 'active');
                    INSERT INTO params (run_key, key, value) VALUES (1, 'lr', '0.01');
                    INSERT INTO tags (run_key, key, value) VALUES (1, 'mlflow.runName', 'legacy'), (1, 'note', 'kept');
                    """)
            }
        }
        let store = try SQLiteTrackingStore(path: path)
        let experiment = try await store.experiment(id: "1")
        #expect(experiment.name == "old")
        #expect(experiment.tags == [Tag(key: "team", value: "vision")])
        let run = try await store.run(id: "0123456789abcdef0123456789abcdef")
        #expect(run.info.runName == "legacy" && run.info.status == .finished && run.info.endTime == 20)
        #expect(run.data.params == [Param(key: "lr", value: "0.01")])
        #expect(Set(run.data.tags.map(\.key)) == ["mlflow.runName", "note"])

        // Everything works on the upgraded file: logging, reading back, accounts.
        try await store.logBatch(runID: run.info.runID, metrics: [Metric(key: "loss", value: .nan, timestamp: 5, step: 1)], params: [], tags: [])
        #expect(try await store.run(id: run.info.runID).data.metrics.map(\.key) == ["loss"])
        try await store.createUser(UserAccount(username: "ada", role: .admin, passwordHash: "h", createdAt: 1))
        #expect(try await store.users().map(\.username) == ["ada"])

        let applied = try await DatabaseQueue(path: path).read { db in try SQLiteSchema.migrator().appliedMigrations(db) }
        #expect(applied == Self.migrations)
    }

    /// A store from before series rows counted their small chunks' points: the upgrade counts them
    /// from the chunks stored, so the next writes merge when due and every point stays.
    @Test func upgradeCountsThePointsOfStoredSmallChunks() async throws {
        let path = try Self.temporaryDatabase()
        let t0: Int64 = 1_700_000_000_000
        @Sendable func points(_ steps: Range<Int>) -> [MetricPoint] {
            steps.map { MetricPoint(step: Int64($0), timestamp: t0 + Int64($0), value: Double($0) / 7) }
        }
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator().migrate(queue, upTo: "v3-search-indexes")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', 1, 1);
                    INSERT INTO runs (run_key, run_id, experiment_id, name, user_id, status, start_time, artifact_uri, lifecycle_stage)
                    VALUES (1, 'abcdefabcdefabcdefabcdefabcdefab', 0, 'old', 'ada', 'RUNNING', 10,
                            'mlflow-artifacts:/0/abcdefabcdefabcdefabcdefabcdefab/artifacts', 'active');
                    """)
                // One large chunk of 4,096 points, then 30 small ones of 100 (3,000 points).
                var chunks = [points(0..<4096)]
                for start in stride(from: 4096, to: 7096, by: 100) { chunks.append(points(start..<start + 100)) }
                let last = chunks[chunks.count - 1][99]
                try db.execute(sql: """
                    INSERT INTO metric_series (series_key, run_key, key, last_step, last_timestamp, last_value_bits, last_value,
                        min_value, max_value, point_count, min_step, max_step, max_timestamp, small_chunks)
                    VALUES (1, 1, 'loss', ?, ?, ?, ?, 0, ?, 7096, 0, 7095, ?, 30)
                    """, arguments: [last.step, last.timestamp, last.value.orderPreservingBits, last.value, last.value, last.timestamp])
                for chunk in chunks {
                    let encoded = MetricChunkCodec.encode(chunk, compressed: chunk.count >= MetricWriter.largeChunkPoints)
                    try db.execute(sql: """
                        INSERT INTO metric_chunks (series_key, first_timestamp, first_step, first_value_bits,
                            last_timestamp, last_step, last_value_bits, min_step, max_step, point_count, data)
                        VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [
                            chunk[0].timestamp, chunk[0].step, chunk[0].value.orderPreservingBits,
                            chunk[chunk.count - 1].timestamp, chunk[chunk.count - 1].step, chunk[chunk.count - 1].value.orderPreservingBits,
                            chunk[0].step, chunk[chunk.count - 1].step, chunk.count, Data(encoded),
                        ])
                }
            }
        }
        let store = try SQLiteTrackingStore(path: path)
        let recorded = try await store.pool.read { db in try Row.fetchOne(db, sql: "SELECT small_chunks, small_points FROM metric_series")! }
        #expect(recorded[0] as Int == 30 && recorded[1] as Int == 3_000)

        // 1,100 more points in 11 requests: the small chunks reach 4,096 points and are merged.
        for start in stride(from: 7096, to: 8196, by: 100) {
            try await store.logBatch(
                runID: "abcdefabcdefabcdefabcdefabcdefab",
                metrics: points(start..<start + 100).map { Metric(key: "loss", value: $0.value, timestamp: $0.timestamp, step: $0.step) },
                params: [], tags: []
            )
        }
        await store.compactor.settle()
        let after = try await ChunkCompactionTests.chunkCounts(store, key: "loss")
        #expect(after.rowIsExact, "\(after)")
        #expect(after.large >= 2, "the small chunks were merged: \(after)")
        let history = try await ChunkCompactionTests.history(store, run: "abcdefabcdefabcdefabcdefabcdefab", key: "loss")
        #expect(history.map(\.step) == (0..<8196).map(Int64.init))
        #expect(history.allSatisfy { $0.value.bitPattern == (Double($0.step) / 7).bitPattern && $0.timestamp == t0 + $0.step })
    }
}
