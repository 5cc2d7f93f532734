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
        try await purge(.runs, olderThan: olderThan).map { (runID: $0.id, experimentID: $0.experimentID) }
    }

    /// The runs ``purgeDeletedRuns(olderThan:)`` would purge now (for `track gc --dry-run`).
    public func deletedRuns(olderThan: Int64?) async throws -> [(runID: String, experimentID: String)] {
        try await deleted(.runs, olderThan: olderThan).map { (runID: $0.id, experimentID: $0.experimentID) }
    }

    /// Deletes soft-deleted logged models for good (`track gc`), with their tags, params and
    /// metric links (cascade); their files are the caller's business. A model's deletion time is
    /// its last update: nothing updates a deleted model.
    public func purgeDeletedLoggedModels(olderThan: Int64?) async throws -> [(modelID: String, experimentID: String)] {
        try await purge(.loggedModels, olderThan: olderThan).map { (modelID: $0.id, experimentID: $0.experimentID) }
    }

    /// The logged models ``purgeDeletedLoggedModels(olderThan:)`` would purge now.
    public func deletedLoggedModels(olderThan: Int64?) async throws -> [(modelID: String, experimentID: String)] {
        try await deleted(.loggedModels, olderThan: olderThan).map { (modelID: $0.id, experimentID: $0.experimentID) }
    }

    /// A kind of soft-deleted row `track gc` purges: its table and the columns that matter.
    struct DeletedKind: Sendable {
        var table: String
        var keyColumn: String
        var idColumn: String
        var deletionTimeColumn: String

        static let runs = DeletedKind(table: "runs", keyColumn: "run_key", idColumn: "run_id", deletionTimeColumn: "deleted_time")
        static let loggedModels = DeletedKind(table: "logged_models", keyColumn: "model_key", idColumn: "model_id", deletionTimeColumn: "last_update_time")
    }

    struct DeletedItem: Sendable {
        var key: Int64
        var id: String
        var experimentID: String
    }

    private func purge(_ kind: DeletedKind, olderThan: Int64?) async throws -> [DeletedItem] {
        let cutoff = olderThan.map { Clock.nowMilliseconds() - max(0, $0) }
        return try await write { db in
            let items = try Self.deletedItems(db, kind, cutoff: cutoff)
            for chunk in items.map(\.key).chunked(500) {
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                try db.execute(
                    sql: "DELETE FROM \(kind.table) WHERE \(kind.keyColumn) IN (\(placeholders))", arguments: StatementArguments(Array(chunk))
                )
            }
            return items
        }
    }

    private func deleted(_ kind: DeletedKind, olderThan: Int64?) async throws -> [DeletedItem] {
        let cutoff = olderThan.map { Clock.nowMilliseconds() - max(0, $0) }
        return try await read { db in try Self.deletedItems(db, kind, cutoff: cutoff) }
    }

    /// Deleted rows, oldest deletion first; with a cutoff, only those deleted at or before it
    /// (rows without a deletion time are then kept).
    static func deletedItems(_ db: Database, _ kind: DeletedKind, cutoff: Int64?) throws -> [DeletedItem] {
        var sql = "SELECT \(kind.keyColumn), \(kind.idColumn), experiment_id FROM \(kind.table) WHERE lifecycle_stage = 'deleted'"
        var arguments = StatementArguments()
        if let cutoff {
            sql += " AND \(kind.deletionTimeColumn) IS NOT NULL AND \(kind.deletionTimeColumn) <= ?"
            arguments += [cutoff]
        }
        sql += " ORDER BY \(kind.deletionTimeColumn), \(kind.keyColumn)"
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let experiment: Int64 = row[2]
            return DeletedItem(key: row[0], id: row[1], experimentID: String(experiment))
        }
    }
}
