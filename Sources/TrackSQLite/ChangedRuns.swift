import GRDB
import Synchronization

/// Which runs the writer's transactions changed, reported by temporary triggers on the writer's
/// connection. Every table a loaded run is built from is watched, so no write path (present or
/// future, cascades included) can change a run without it being seen here.
///
/// A write that rolls back may still have reported its run: that only costs a cache entry.
final class ChangedRuns: Sendable {
    /// The tables keyed by `run_key` that make up a loaded run, besides `runs` itself.
    private static let runTables = ["params", "tags", "metric_series", "dataset_inputs", "model_references"]
    private static let functionName = "track_run_changed"

    private let keys = Mutex(Set<Int64>())

    /// Creates the triggers and the function they call; once, on the writer's connection.
    func install(on db: Database) throws {
        let function = DatabaseFunction(Self.functionName, argumentCount: 1, pure: false) { [self] values in
            if let key = Int64.fromDatabaseValue(values[0]) {
                _ = keys.withLock { $0.insert(key) }
            }
            return nil
        }
        db.add(function: function)
        var sql = ""
        func trigger(_ table: String, _ event: String, _ row: String) -> String {
            """
            CREATE TEMP TRIGGER IF NOT EXISTS changed_runs_\(table)_\(event.lowercased()) AFTER \(event) ON main.\(table)
            BEGIN SELECT \(Self.functionName)(\(row).run_key); END;

            """
        }
        // `runs` too, inserts included: a purged run's key can be given to a new run.
        for table in Self.runTables + ["runs"] {
            sql += trigger(table, "INSERT", "NEW")
            sql += trigger(table, "UPDATE", "NEW")
            sql += trigger(table, "DELETE", "OLD")
        }
        try db.execute(sql: sql)
    }

    /// The runs reported since the last call.
    func take() -> [Int64] {
        keys.withLock { keys in
            if keys.isEmpty { return [] }
            defer { keys.removeAll(keepingCapacity: true) }
            return Array(keys)
        }
    }
}
