import Dispatch
import GRDB
import Logging
import Synchronization

/// Copies committed pages from the write-ahead log into the database file beside the writer.
///
/// SQLite's writer checkpoints by itself once the log holds 1,000 pages, inside the commit that
/// crossed that size: it copies the pages and syncs both files while every write waits. This
/// checkpointer does most of that copying on a thread and a connection of its own, a short while
/// after commits (a passive checkpoint never blocks the writer or readers), so that the writer's
/// own checkpoint finds little left to copy. That one is kept: only a checkpoint between two of
/// the writer's transactions can find the whole log copied, which lets the next transaction start
/// the log over instead of growing it.
final class WALCheckpointer: Sendable {
    /// How long after a commit the checkpoint runs; commits meanwhile share it.
    private static let delay = DispatchTimeInterval.milliseconds(50)
    private let connection: DatabaseQueue
    private let logger: Logger
    private let scheduled = Mutex(false)
    private let queue = DispatchQueue(label: "track.store.sqlite.checkpointer")

    init(path: String, logger: Logger) throws {
        var configuration = Configuration()
        configuration.label = "track.store.sqlite.checkpointer"
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.logger = logger
    }

    /// Asks for a checkpoint soon; call after a commit.
    func committed() {
        let schedule = scheduled.withLock { scheduled -> Bool in
            if scheduled { return false }
            scheduled = true
            return true
        }
        if schedule {
            queue.asyncAfter(deadline: .now() + Self.delay) { self.checkpoint() }
        }
    }

    /// Runs a passive checkpoint now, on the caller's thread; returns the log's size and how much
    /// of it is copied, in pages.
    @discardableResult
    func checkpointNow() throws -> (logPages: Int, copiedPages: Int) {
        let result = try connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        return (result.walFrameCount, result.checkpointedFrameCount)
    }

    private func checkpoint() {
        // Commits from here on ask for the next checkpoint, which runs after this one.
        scheduled.withLock { $0 = false }
        do {
            try checkpointNow()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            // The writer is checkpointing itself.
        } catch {
            logger.warning("checkpointing the write-ahead log failed", metadata: ["error": "\(error)"])
        }
    }
}
