import Dispatch
import GRDB
import Logging
import Synchronization

/// Merges series' small chunks into large, compressed ones outside the write transaction.
///
/// A write that leaves a series with enough small chunks names it here after its commit. A thread
/// of its own (so that busy request threads do not hold merges back) reads such series' small
/// chunks, decodes, sorts and compresses their points without holding the writer, then hands the
/// writer only the swaps, without waiting for their commit: delete exactly the chunks it read,
/// insert the merged ones (``MetricWriter/apply(_:_:)``). A swap whose chunks changed meanwhile
/// stores nothing. The series queued together (up to ``maxSeriesPerSwap`` and
/// ``maxPointsPerSwap``) are swapped in one write: series logged by the same requests have their
/// small chunks on the same pages, so their deletes rewrite each page once rather than once per
/// series. The swaps' transaction also decides whether each series is due again (writes that
/// found it queued did not name it): if so it stays queued, and if not it leaves the queue there,
/// so that the next write to it judges for itself. Readers see each series whole before and after
/// its swap, and the same points either way.
final class ChunkCompactor: Sendable {
    private struct State {
        /// Series named and not yet merged, in the order they were named.
        var pending: [Int64] = []
        /// Every series in `pending` or being merged.
        var queued: Set<Int64> = []
        var running = false
        /// Swaps handed to the writer and not yet committed.
        var swapsInFlight = 0
    }

    private let pool: DatabasePool
    private let writer: GroupCommitWriter
    private let logger: Logger
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "track.store.sqlite.compactor")

    init(pool: DatabasePool, writer: GroupCommitWriter, logger: Logger) {
        self.pool = pool
        self.writer = writer
        self.logger = logger
    }

    /// Whether the series waits for (or is in) a merge.
    func isQueued(_ seriesKey: Int64) -> Bool {
        state.withLock { $0.queued.contains(seriesKey) }
    }

    /// Queues the series for a merge; call after the commit that made them due.
    func schedule(_ seriesKeys: [Int64]) {
        if seriesKeys.isEmpty { return }
        startDrainIfIdle { state in
            for key in seriesKeys where state.queued.insert(key).inserted {
                state.pending.append(key)
            }
        }
    }

    /// Queues a series again that its last merge left due (it stayed queued).
    private func schedule(again seriesKey: Int64) {
        startDrainIfIdle { $0.pending.append(seriesKey) }
    }

    private func startDrainIfIdle(_ change: (inout State) -> Void) {
        let start = state.withLock { state -> Bool in
            change(&state)
            if state.running || state.pending.isEmpty { return false }
            state.running = true
            return true
        }
        if start {
            queue.async { self.drain() }
        }
    }

    /// Waits until every queued merge has been tried.
    func settle() async {
        while state.withLock({ $0.running || !$0.pending.isEmpty || $0.swapsInFlight > 0 }) {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// The most series one write swaps, and the most points their merges hold together (which
    /// bounds the memory a batch of plans takes).
    static let maxSeriesPerSwap = 16
    static let maxPointsPerSwap = 65536

    private func drain() {
        while let batch = nextBatch() {
            compact(batch)
        }
    }

    /// Takes the series off the queue.
    private func dequeue(_ seriesKey: Int64) {
        _ = state.withLock { $0.queued.remove(seriesKey) }
    }

    /// The next series to merge together, or nil when none are pending.
    private func nextBatch() -> [Int64]? {
        state.withLock { state in
            if state.pending.isEmpty {
                state.running = false
                return nil
            }
            let count = Swift.min(state.pending.count, Self.maxSeriesPerSwap)
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            return batch
        }
    }

    /// Plans the series' merges and hands their swaps to the writer as one write without waiting
    /// for the commit, so that the next series are read and compressed meanwhile. Series past
    /// the batch's point budget go back to the front of the queue.
    private func compact(_ batch: [Int64]) {
        var plans: [MetricWriter.CompactionPlan] = []
        var points = 0
        for (index, seriesKey) in batch.enumerated() {
            if index > 0, points >= Self.maxPointsPerSwap {
                let rest = Array(batch[index...])
                state.withLock { $0.pending.insert(contentsOf: rest, at: 0) }
                break
            }
            do {
                let plan = try pool.read { db in try MetricWriter.compactionPlan(db, seriesKey: seriesKey) }
                points += plan.mergedPoints
                plans.append(plan)
            } catch {
                failed(seriesKey, error)
            }
        }
        if plans.isEmpty { return }
        let swaps = plans
        state.withLock { $0.swapsInFlight += 1 }
        writer.write({ [self] db in
            var dueAgain: [Int64] = []
            for plan in swaps {
                try MetricWriter.apply(plan, db)
                if try MetricWriter.isCompactionDue(db, seriesKey: plan.seriesKey) {
                    dueAgain.append(plan.seriesKey)
                } else {
                    dequeue(plan.seriesKey)
                }
            }
            return dueAgain
        }, finish: { [self] result in
            state.withLock { $0.swapsInFlight -= 1 }
            switch result {
            case .success(let dueAgain): for seriesKey in dueAgain { schedule(again: seriesKey) }
            case .failure(let error): for plan in swaps { failed(plan.seriesKey, error) }
            }
        })
    }

    /// Nothing was stored; the series' next write names it again.
    private func failed(_ seriesKey: Int64, _ error: any Error) {
        dequeue(seriesKey)
        logger.warning("merging small metric chunks failed", metadata: ["series": "\(seriesKey)", "error": "\(error)"])
    }
}
