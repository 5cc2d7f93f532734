import Dispatch
import GRDB
import Synchronization

/// The single writer of a SQLite store.
///
/// Writes from any number of concurrent requests queue here; one loop takes everything that has
/// queued and commits it as one transaction, each write in its own savepoint so that one failing
/// write rolls back alone. A caller's write returns only after the transaction holding it has
/// committed, so an acknowledged write is a committed write. The runs a transaction changed
/// leave the run cache after its commit and before any of its callers hears back.
///
/// A write that finds the writer idle may commit alone on its caller's thread instead: handing
/// a small write to the writer's thread and back costs more than its own SQL. Writes that queue
/// meanwhile go to the writer's thread as usual once that commit is done.
final class GroupCommitWriter: Sendable {
    private struct PendingWrite: Sendable {
        /// Runs the write inside a savepoint and returns how to finish the caller once the
        /// transaction has committed (or failed).
        let perform: @Sendable (Database) -> Completion
        let fail: @Sendable (any Error) -> Void
    }

    private struct Completion: Sendable {
        let succeeded: Bool
        let finish: @Sendable () -> Void
    }

    private struct State {
        var pending: [PendingWrite] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let runCache: RunCache
    private let changedRuns = ChangedRuns()
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "track.store.sqlite.writer")
    /// The most writes one transaction takes, so that one commit never grows without bound.
    private let maxWritesPerTransaction = 256
    private let commitsAloneWhenIdle: Bool
    private let afterCommit: @Sendable () -> Void

    /// - Parameters:
    ///   - commitsAloneWhenIdle: whether a write that finds the writer idle commits on its
    ///     caller's thread (see above); off where every commit waits for the disk, which should
    ///     not hold a caller's thread.
    ///   - afterCommit: called after each commit, before the callers hear back.
    init(pool: DatabasePool, runCache: RunCache, commitsAloneWhenIdle: Bool = true, afterCommit: @escaping @Sendable () -> Void = {}) throws {
        self.pool = pool
        self.runCache = runCache
        self.commitsAloneWhenIdle = commitsAloneWhenIdle
        self.afterCommit = afterCommit
        try pool.writeWithoutTransaction { db in try changedRuns.install(on: db) }
    }

    /// Runs `body` in the next group transaction and returns its result after the commit.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if commitsAloneWhenIdle, claimIdleWriter() {
            return try commitAlone(body)
        }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            enqueue(body) { continuation.resume(with: $0) }
        }
    }

    /// ``write(_:)`` without waiting: `finish` gets the outcome after the commit (on the calling
    /// thread before this returns when the write commits alone).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T, finish: @escaping @Sendable (Result<T, any Error>) -> Void) {
        if commitsAloneWhenIdle, claimIdleWriter() {
            finish(Result { try commitAlone(body) })
            return
        }
        enqueue(body, finish: finish)
    }

    /// Queues `body` for the writer's thread; `finish` gets its outcome after the commit.
    private func enqueue<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T, finish: @escaping @Sendable (Result<T, any Error>) -> Void) {
        let pending = PendingWrite(
            perform: { db in
                var result: Result<T, any Error> = .failure(TrackErrorBox.unreachable)
                do {
                    try db.inSavepoint { Self.run(body, db, into: &result) }
                } catch {
                    result = .failure(error)
                }
                let final = result
                if case .failure = final {
                    return Completion(succeeded: false) { finish(final) }
                }
                return Completion(succeeded: true) { finish(final) }
            },
            fail: { error in finish(.failure(error)) }
        )
        let startDrain = state.withLock { state -> Bool in
            state.pending.append(pending)
            if state.draining { return false }
            state.draining = true
            return true
        }
        if startDrain {
            queue.async { self.drain() }
        }
    }

    /// How many writes wait for the writer's thread.
    var queuedWrites: Int { state.withLock { $0.pending.count } }

    /// Runs `body`, keeping its outcome in `result`, and asks the enclosing transaction or
    /// savepoint to commit when it succeeded and to roll back when it threw.
    private static func run<T>(_ body: (Database) throws -> T, _ db: Database, into result: inout Result<T, any Error>) -> Database.TransactionCompletion {
        do {
            result = .success(try body(db))
            return .commit
        } catch {
            result = .failure(error)
            return .rollback
        }
    }

    /// Takes the writer for the caller when nothing is queued or committing.
    private func claimIdleWriter() -> Bool {
        state.withLock { state in
            if state.draining { return false }
            state.draining = true
            return true
        }
    }

    /// Commits `body` as a transaction of its own on the caller's thread (the writer was claimed
    /// idle), then hands whatever queued meanwhile to the writer's thread. No savepoint: a failing
    /// `body` rolls back the transaction, which holds nothing else.
    private func commitAlone<T: Sendable>(_ body: (Database) throws -> T) throws -> T {
        var result: Result<T, any Error> = .failure(TrackErrorBox.unreachable)
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) { Self.run(body, db, into: &result) }
            }
        } catch {
            // The commit (or the rollback) itself failed: nothing of `body` is stored.
            if case .success = result { result = .failure(error) }
        }
        runCache.invalidate(changedRuns.take())
        afterCommit()
        let queuedMeanwhile = state.withLock { state -> Bool in
            if state.pending.isEmpty {
                state.draining = false
                return false
            }
            return true
        }
        if queuedMeanwhile {
            queue.async { self.drain() }
        }
        return try result.get()
    }

    private func drain() {
        while true {
            let batch = state.withLock { state -> [PendingWrite] in
                if state.pending.isEmpty {
                    state.draining = false
                    return []
                }
                let count = min(state.pending.count, maxWritesPerTransaction)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return batch
            }
            if batch.isEmpty { return }
            var completions: [Completion] = []
            completions.reserveCapacity(batch.count)
            do {
                try pool.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        for write in batch {
                            completions.append(write.perform(db))
                        }
                        return .commit
                    }
                }
                runCache.invalidate(changedRuns.take())
                afterCommit()
                for completion in completions { completion.finish() }
            } catch {
                runCache.invalidate(changedRuns.take())
                // The commit itself failed: nothing of this batch is stored. Writes that had
                // already failed keep their own error; the others get the commit's.
                for (index, write) in batch.enumerated() {
                    if index < completions.count, !completions[index].succeeded {
                        completions[index].finish()
                    } else {
                        write.fail(error)
                    }
                }
            }
        }
    }
}

enum TrackErrorBox: Error {
    case unreachable
}
