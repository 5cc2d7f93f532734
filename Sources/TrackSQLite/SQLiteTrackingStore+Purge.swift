import GRDB
import TrackCore

extension SQLiteTrackingStore {
    /// Deletes soft-deleted runs for good (`track gc`): the run rows and, through the foreign
    /// keys' `ON DELETE CASCADE`, their params, tags, metric series and chunks, dataset inputs
    /// and model references. Runs of deleted experiments are purged like any other deleted run;
    /// experiments themselves are kept. Artifacts are the caller's business (they live outside
    /// the database).
    ///
    /// - Parameter olderThan: only runs deleted at least this many milliseconds ago
    ///   (`deleted_time` ≤ now − olderThan); runs without a deletion time are then kept. `nil`
    ///   purges every deleted run.
    /// - Returns: the purged runs with their experiment ids, oldest deletion first.
    public func purgeDeletedRuns(olderThan: Int64?) async throws -> [(runID: String, experimentID: String)] {
        let cutoff = olderThan.map { Clock.nowMilliseconds() - max(0, $0) }
        let purged: [PurgedRun] = try await write { db in
            let runs = try Self.deletedRuns(db, cutoff: cutoff)
            for chunk in runs.map(\.runKey).chunked(500) {
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                try db.execute(sql: "DELETE FROM runs WHERE run_key IN (\(placeholders))", arguments: StatementArguments(Array(chunk)))
            }
            return runs
        }
        return purged.map { (runID: $0.runID, experimentID: $0.experimentID) }
    }

    /// The runs ``purgeDeletedRuns(olderThan:)`` would purge now (for `track gc --dry-run`).
    public func deletedRuns(olderThan: Int64?) async throws -> [(runID: String, experimentID: String)] {
        let cutoff = olderThan.map { Clock.nowMilliseconds() - max(0, $0) }
        let runs: [PurgedRun] = try await read { db in try Self.deletedRuns(db, cutoff: cutoff) }
        return runs.map { (runID: $0.runID, experimentID: $0.experimentID) }
    }

    struct PurgedRun: Sendable {
        var runKey: Int64
        var runID: String
        var experimentID: String
    }

    static func deletedRuns(_ db: Database, cutoff: Int64?) throws -> [PurgedRun] {
        var sql = "SELECT run_key, run_id, experiment_id FROM runs WHERE lifecycle_stage = 'deleted'"
        var arguments = StatementArguments()
        if let cutoff {
            sql += " AND deleted_time IS NOT NULL AND deleted_time <= ?"
            arguments += [cutoff]
        }
        sql += " ORDER BY deleted_time, run_key"
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let experiment: Int64 = row[2]
            return PurgedRun(runKey: row[0], runID: row[1], experimentID: String(experiment))
        }
    }
}
