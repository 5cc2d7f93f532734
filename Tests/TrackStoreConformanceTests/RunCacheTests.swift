import Testing
import TrackCore
@testable import TrackSQLite

/// The run cache's own rules; that reads stay fresh through a real store is checked by the
/// `freshness.…` conformance checks.
@Suite("Run cache")
struct RunCacheTests {
    static func run(_ key: Int64, params: Int = 5) -> (key: Int64, run: Run) {
        let info = RunInfo(
            runID: String(repeating: "a", count: 31) + String(key % 10), experimentID: "1", runName: "run-\(key)",
            userID: "tester", status: .running, startTime: key, endTime: nil,
            artifactURI: "mlflow-artifacts:/1/run/artifacts", lifecycleStage: .active
        )
        let data = RunData(params: (0..<params).map { Param(key: "param-\($0)", value: "value-\($0)") })
        return (key, Run(info: info, data: data))
    }

    @Test func storedRunsAreFoundUntilInvalidated() {
        let cache = RunCache(byteBudget: 1 << 20)
        cache.store([Self.run(1), Self.run(2)], ticket: cache.ticket())
        #expect(cache.runs(for: [1, 2, 3]).keys.sorted() == [1, 2])
        #expect(cache.runs(for: [1])[1] == Self.run(1).run)
        cache.invalidate([1])
        #expect(cache.runs(for: [1, 2]).keys.sorted() == [2])
    }

    @Test func runsReadBeforeAnInvalidationAreRefused() {
        let cache = RunCache(byteBudget: 1 << 20)
        let before = cache.ticket()
        cache.invalidate([7])
        cache.store([Self.run(7), Self.run(8)], ticket: before)
        // Run 8 shares no slot with run 7 here, so only run 7's stale copy is refused.
        #expect(cache.runs(for: [7]).isEmpty)
        #expect(cache.runs(for: [8]).keys.sorted() == [8])
        let after = cache.ticket()
        cache.store([Self.run(7)], ticket: after)
        #expect(cache.runs(for: [7]).keys.sorted() == [7])
    }

    @Test func holdsNoMoreThanItsBudgetAndDropsTheOldestFirst() {
        let one = RunCache.estimatedBytes(of: Self.run(0).run)
        let cache = RunCache(byteBudget: one * 10)
        for key in Int64(0)..<100 {
            cache.store([Self.run(key)], ticket: cache.ticket())
        }
        #expect(cache.count == 10)
        #expect(cache.runs(for: Array(90..<100)).count == 10)
        #expect(cache.runs(for: Array(0..<90)).isEmpty)
    }

    @Test func aRunLargerThanTheBudgetIsNotKept() {
        let cache = RunCache(byteBudget: 4096)
        cache.store([Self.run(1, params: 1000)], ticket: cache.ticket())
        #expect(cache.count == 0)
    }

    /// The shape the estimate was calibrated with (see ``RunCache/estimatedBytes(of:)``).
    @Test func estimateOfTheCalibratedShape() {
        let runID = String(repeating: "0123456789abcdef", count: 2)
        let info = RunInfo(
            runID: runID, experimentID: "1", runName: "run-1", userID: "", status: .finished, startTime: 1,
            endTime: 2, artifactURI: "mlflow-artifacts:/1/\(runID)/artifacts", lifecycleStage: .active
        )
        let data = RunData(
            metrics: (0..<5).map { Metric(key: "m\($0)", value: 0.5, timestamp: 1, step: 0) },
            params: (0..<5).map { Param(key: "p\($0)", value: "v3") },
            tags: (0..<5).map { Tag(key: "t\($0)", value: "tv42") } + [Tag(key: "mlflow.runName", value: "run-1")]
        )
        #expect((1300...1600).contains(RunCache.estimatedBytes(of: Run(info: info, data: data))))
    }

    @Test func aZeroBudgetKeepsNothing() {
        let cache = RunCache(byteBudget: 0)
        cache.store([Self.run(1)], ticket: cache.ticket())
        #expect(cache.runs(for: [1]).isEmpty)
    }
}
