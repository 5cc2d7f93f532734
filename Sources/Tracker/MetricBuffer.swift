import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One buffered metric point: an interned key, a value, a step and a wall-clock timestamp.
struct BufferedPoint {
    var key: Int32
    var step: Int64
    var timestamp: Int64
    var value: Double
}

/// The caller-side buffer behind `log(metric:)`.
///
/// A call takes one uncontended lock, looks its key up in a dictionary (keys are interned to
/// small ids the first time they are seen) and appends 32 bytes to preallocated storage: no I/O,
/// no allocation once the storage has grown to its working size. The sender takes the whole
/// buffer in O(1) by swapping it with an empty one under the same lock, and sends outside it.
final class MetricBuffer: Sendable {
    struct State: ~Copyable {
        var points: [BufferedPoint]
        var keyIDs: [String: Int32] = [:]
        var keys: [String] = []
        var params: [(key: String, value: String)] = []
        var tags: [(key: String, value: String)] = []
        var closed = false
    }

    private let state: Mutex<State>
    let capacity: Int
    let signalAt: Int
    let wakeup: Wakeup

    init(capacity: Int, signalAt: Int, wakeup: Wakeup) {
        self.capacity = max(16, capacity)
        self.signalAt = max(1, min(signalAt, self.capacity))
        self.wakeup = wakeup
        var points: [BufferedPoint] = []
        points.reserveCapacity(min(self.capacity, max(4096, self.signalAt * 2)))
        state = Mutex(State(points: points))
    }

    /// Appends a point; `false` when the tracker is closed.
    @inline(__always)
    @discardableResult
    func append(key: String, value: Double, step: Int64, timestamp: Int64) -> Bool {
        while true {
            let count: Int = state.withLock { s in
                if s.closed { return -2 }
                if s.points.count >= capacity { return -1 }
                let id: Int32
                if let known = s.keyIDs[key] {
                    id = known
                } else {
                    id = Int32(truncatingIfNeeded: s.keys.count)
                    s.keys.append(key)
                    s.keyIDs[key] = id
                }
                s.points.append(BufferedPoint(key: id, step: step, timestamp: timestamp, value: value))
                return s.points.count
            }
            if count == signalAt { wakeup.signal() }
            if count >= 0 { return true }
            if count == -2 { return false }
            // The sender is this far behind: wait for it rather than drop or grow without bound.
            wakeup.signal()
            usleep(200)
        }
    }

    func append(param key: String, value: String) -> Bool {
        state.withLock { s in
            if s.closed { return false }
            s.params.append((key, value))
            return true
        }
    }

    func append(tag key: String, value: String) -> Bool {
        state.withLock { s in
            if s.closed { return false }
            s.tags.append((key, value))
            return true
        }
    }

    /// What the sender takes in one go.
    struct Taken {
        var newKeys: [String] = []
        var params: [(key: String, value: String)] = []
        var tags: [(key: String, value: String)] = []
    }

    /// Swaps the buffered points with `spare` (which must be empty) and takes keys the sender
    /// has not seen (`knownKeys` is how many it has), params and tags.
    func take(swapping spare: inout [BufferedPoint], knownKeys: Int) -> Taken {
        state.withLock { s in
            var taken = Taken()
            swap(&s.points, &spare)
            if s.keys.count > knownKeys { taken.newKeys = Array(s.keys[knownKeys...]) }
            if !s.params.isEmpty { swap(&taken.params, &s.params) }
            if !s.tags.isEmpty { swap(&taken.tags, &s.tags) }
            return taken
        }
    }

    /// Refuses further points.
    func close() {
        state.withLock { $0.closed = true }
    }

    var isClosed: Bool { state.withLock { $0.closed } }
}

/// Wakes the sender: either a signal (enough points, a command) or a timeout.
final class Wakeup: Sendable {
    private struct State {
        var signaled = false
        var generation: UInt64 = 0
        var waiter: CheckedContinuation<Void, Never>?
        var timer: Task<Void, Never>?
    }

    private let state = Mutex(State())

    func signal() {
        let (waiter, timer): (CheckedContinuation<Void, Never>?, Task<Void, Never>?) = state.withLock { s in
            if let waiter = s.waiter {
                s.waiter = nil
                let timer = s.timer
                s.timer = nil
                return (waiter, timer)
            }
            s.signaled = true
            return (nil, nil)
        }
        timer?.cancel()
        waiter?.resume()
    }

    /// Returns at the next signal (or at once if one came since the last wait), or after `timeout`.
    func wait(timeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let generation: UInt64? = state.withLock { s in
                if s.signaled {
                    s.signaled = false
                    return nil
                }
                s.generation &+= 1
                s.waiter = continuation
                return s.generation
            }
            guard let generation else {
                continuation.resume()
                return
            }
            let timer = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                if Task.isCancelled { return }
                self?.fire(generation: generation)
            }
            // If the signal already came between the two locks, the timer is simply unused.
            state.withLock { s in
                if s.generation == generation && s.waiter != nil { s.timer = timer } else { timer.cancel() }
            }
        }
    }

    private func fire(generation: UInt64) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            guard s.generation == generation, let waiter = s.waiter else { return nil }
            s.waiter = nil
            s.timer = nil
            return waiter
        }
        waiter?.resume()
    }
}
