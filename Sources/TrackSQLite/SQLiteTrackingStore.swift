import Foundation
import GRDB
import Logging
import TrackCore

/// The embedded store: one SQLite file in WAL mode, read by a pool of connections and written
/// by a single group-commit writer.
public final class SQLiteTrackingStore: TrackingStore {
    /// How hard a commit is pushed to disk.
    public enum Durability: String, Sendable {
        /// Committed data survives a crash of the process (WAL, `synchronous=NORMAL`).
        case process
        /// Committed data also survives power loss (`synchronous=FULL`, one fsync per commit).
        case power
    }

    let pool: DatabasePool
    let writer: GroupCommitWriter
    let runCache: RunCache
    let compactor: ChunkCompactor
    let checkpointer: WALCheckpointer
    let logger: Logger

    /// About how many bytes of loaded runs are kept for searches and run pages that show them again.
    public static let defaultRunCacheBytes = 32 << 20

    /// Opens (and creates or migrates) the store at `path`.
    public init(
        path: String, durability: Durability = .process, runCacheBytes: Int = defaultRunCacheBytes,
        logger: Logger = Logger(label: "track.store.sqlite")
    ) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(30)
        configuration.maximumReaderCount = max(4, ProcessInfo.processInfo.activeProcessorCount * 2)
        let synchronous = durability == .power ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // MLflow's LIKE is case-sensitive; ILIKE is spelled lower(x) LIKE lower(y).
            try db.execute(sql: "PRAGMA case_sensitive_like = ON")
            try db.execute(sql: "PRAGMA cache_size = -16000")
            // Every write runs in a savepoint, whose undo pages (the sub-journal) would otherwise
            // go to a temporary file on disk past 64 KB: a merge's deletes touch more than that.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Keep the WAL file from staying large after a burst of writes.
            try db.execute(sql: "PRAGMA journal_size_limit = 8388608")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // Opening WAL mode, the pool sets `synchronous = NORMAL` on its writer after
            // `prepareDatabase` ran: the durability asked for is set again on that connection.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
            try SQLiteSchema.migrator().migrate(pool)
            try pool.write { db in try Self.ensureDefaultExperiment(db) }
            runCache = RunCache(byteBudget: runCacheBytes)
            let checkpointer = try WALCheckpointer(path: path, logger: logger)
            self.checkpointer = checkpointer
            writer = try GroupCommitWriter(
                pool: pool, runCache: runCache, commitsAloneWhenIdle: durability == .process, afterCommit: checkpointer.committed
            )
            compactor = ChunkCompactor(pool: pool, writer: writer, logger: logger)
        } catch {
            throw Self.translate(error, logger: logger)
        }
        self.logger = logger
    }

    private static func ensureDefaultExperiment(_ db: Database) throws {
        let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM experiments WHERE experiment_id = 0)") ?? false
        if exists { return }
        let now = Clock.nowMilliseconds()
        try db.execute(
            sql: """
                INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (0, ?, 'mlflow-artifacts:/0', 'active', ?, ?)
                """,
            arguments: [Experiment.defaultName, now, now]
        )
    }

    // MARK: - Running reads and writes with error translation

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.translate(error, logger: logger)
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch {
            throw Self.translate(error, logger: logger)
        }
    }

    /// Turns driver errors into `TrackError`; nothing above the store sees a `DatabaseError`.
    static func translate(_ error: any Error, logger: Logger) -> TrackError {
        if let error = error as? TrackError { return error }
        if let error = error as? DatabaseError {
            if error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                return TrackError(.resourceAlreadyExists, "The resource already exists.")
            }
            if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                return TrackError(.temporarilyUnavailable, "The store is busy; try again.")
            }
            if error.resultCode == .SQLITE_FULL {
                return TrackError(.internalError, "The disk is full.")
            }
        }
        logger.error("store failure", metadata: ["error": "\(String(reflecting: error))"])
        return .internalError()
    }

    // MARK: - Shared lookups

    struct RunRow: Sendable {
        var runKey: Int64
        var experimentID: Int64
        var lifecycleStage: String
    }

    /// The row of a run; `RESOURCE_DOES_NOT_EXIST` when unknown.
    static func runRow(_ db: Database, runID: String) throws -> RunRow {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT run_key, experiment_id, lifecycle_stage FROM runs WHERE run_id = ?"),
            arguments: [runID]
        ) else {
            throw TrackError.runNotFound(runID)
        }
        return RunRow(runKey: row[0], experimentID: row[1], lifecycleStage: row[2])
    }

    /// The row of a run that must be active to be written to.
    static func activeRunRow(_ db: Database, runID: String) throws -> RunRow {
        let row = try runRow(db, runID: runID)
        if row.lifecycleStage != LifecycleStage.active.rawValue {
            throw TrackError.invalidParameter(
                "The run \(runID) must be in the 'active' state. Current state is \(row.lifecycleStage)."
            )
        }
        return row
    }
}
