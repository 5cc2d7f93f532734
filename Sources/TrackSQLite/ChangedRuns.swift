import GRDB

/// Which runs a write transaction changed, recorded by temporary triggers on the writer's
/// connection. Every table a loaded run is built from is watched, so no write path (present or
/// future, cascades included) can change a run without it being seen here.
enum ChangedRuns {
    /// The tables keyed by `run_key` that make up a loaded run, besides `runs` itself.
    private static let runTables = ["params", "tags", "metric_series", "dataset_inputs", "model_references"]

    /// Creates the temporary table and triggers; call once on the writer's connection.
    static func install(_ db: Database) throws {
        var sql = "CREATE TEMP TABLE IF NOT EXISTS changed_runs (run_key INTEGER PRIMARY KEY);\n"
        func trigger(_ table: String, _ event: String, _ row: String) -> String {
            """
            CREATE TEMP TRIGGER IF NOT EXISTS changed_runs_\(table)_\(event.lowercased()) AFTER \(event) ON main.\(table)
            BEGIN INSERT OR IGNORE INTO changed_runs (run_key) VALUES (\(row).run_key); END;

            """
        }
        for table in runTables {
            sql += trigger(table, "INSERT", "NEW")
            sql += trigger(table, "UPDATE", "NEW")
            sql += trigger(table, "DELETE", "OLD")
        }
        sql += trigger("runs", "UPDATE", "NEW")
        sql += trigger("runs", "DELETE", "OLD")
        try db.execute(sql: sql)
    }

    /// The runs changed since the last call, inside the transaction that changed them; clears
    /// the record (a rolled-back transaction rolls the clearing back with its changes).
    static func take(_ db: Database) throws -> [Int64] {
        let keys = try Int64.fetchAll(db.cachedStatement(sql: "SELECT run_key FROM temp.changed_runs"))
        if !keys.isEmpty {
            try db.execute(sql: "DELETE FROM temp.changed_runs")
        }
        return keys
    }
}
