import Foundation
import GRDB
import Testing
import TrackCore
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
}
