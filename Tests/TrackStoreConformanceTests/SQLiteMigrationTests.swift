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

    /// A database file at schema `version`, with what `write` puts in it.
    static func database(at version: String, _ write: @escaping @Sendable (Database) throws -> Void) async throws -> String {
        let path = try temporaryDatabase()
        let queue = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator().migrate(queue, upTo: version)
        try await queue.write(write)
        return path
    }

    /// The default experiment and one running run in it, as every schema version stores them.
    static func insertRunningRun(_ db: Database, runID: String) throws {
        try db.execute(sql: """
            INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', 1, 1);
            INSERT INTO runs (run_key, run_id, experiment_id, name, user_id, status, start_time, artifact_uri, lifecycle_stage)
            VALUES (1, ?, 0, 'old', 'ada', 'RUNNING', 10, 'mlflow-artifacts:/0/' || ? || '/artifacts', 'active');
            """, arguments: [runID, runID])
    }

    @Test func thereIsMoreThanOneVersionToUpgradeFrom() {
        #expect(Self.migrations.count >= 2)
        #expect(Self.migrations.first == "v1-tracking")
    }

    @Test(arguments: SQLiteSchema.migrator().migrations.dropLast())
    func upgradesFromEveryEarlierVersion(version: String) async throws {
        let path = try await Self.database(at: version) { db in
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
        let t0: Int64 = 1_700_000_000_000
        @Sendable func points(_ steps: Range<Int>) -> [MetricPoint] {
            steps.map { MetricPoint(step: Int64($0), timestamp: t0 + Int64($0), value: Double($0) / 7) }
        }
        let path = try await Self.database(at: "v3-search-indexes") { db in
            try Self.insertRunningRun(db, runID: "abcdefabcdefabcdefabcdefabcdefab")
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

    /// Model metrics written when a model kept one point per key, run and dataset carry over, and
    /// the upgraded store keeps every point from then on.
    @Test func upgradeKeepsTheModelMetricsOfVersion8() async throws {
        let runID = "0123456789abcdef0123456789abcdef"
        let modelID = "m-0123456789abcdef0123456789abcdef"
        let path = try await Self.database(at: "v8-model-registry") { db in
            try Self.insertRunningRun(db, runID: runID)
            try db.execute(sql: """
                INSERT INTO logged_models (model_key, model_id, experiment_id, name, artifact_uri, status, source_run_id, creation_time, last_update_time)
                VALUES (1, '\(modelID)', 0, 'm', 'mlflow-artifacts:/0/models/\(modelID)/artifacts', 'LOGGED_MODEL_READY', '\(runID)', 1, 1);
                INSERT INTO logged_model_metrics (model_key, key, run_id, dataset_name, dataset_digest, timestamp, step, value_bits)
                VALUES (1, 'acc', '\(runID)', '', '', 200, 2, \(Int64(bitPattern: (0.75).bitPattern))),
                       (1, 'acc', '\(runID)', 'eval', 'd1', 150, 2, \(Int64(bitPattern: Double.nan.bitPattern)));
                """)
        }
        let store = try SQLiteTrackingStore(path: path)
        let kept = try await store.loggedModel(id: modelID).metrics
        #expect(kept.map(\.metric.timestamp) == [150, 200])
        #expect(kept[0].metric.value.isNaN && kept[0].datasetName == "eval" && kept[1].metric.value == 0.75)

        let next = Metric(key: "acc", value: 0.8, timestamp: 300, step: 3)
        try await store.logBatch(runID: runID, metrics: [next], params: [], tags: [], modelMetrics: [LoggedModelMetric(modelID: modelID, metric: next)])
        #expect(try await store.loggedModel(id: modelID).metrics.map(\.metric.timestamp) == [150, 200, 300])
    }
}
