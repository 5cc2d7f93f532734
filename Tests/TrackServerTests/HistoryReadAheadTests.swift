import Foundation
import Testing
import TrackCore
@testable import TrackServer
import TrackSQLite

/// The read-ahead's bounds: what it keeps, for how long, and that it keeps nothing it has no
/// room for. (That its answers are a fresh read's is checked over HTTP in `MetricEndpointTests`.)
@Suite("History read-ahead")
struct HistoryReadAheadTests {
    /// A store in a fresh folder with one run holding `points` points of `loss`.
    static func store(points: Int) async throws -> (SQLiteTrackingStore, String, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("track-readahead-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteTrackingStore(path: folder.appendingPathComponent("track.db").path)
        let run = try await store.createRun(RunCreation(experimentID: "0", userID: "", runName: "r", startTime: 1, tags: []))
        var start = 0
        while start < points {
            let metrics = (start..<min(points, start + 1000)).map { Metric(key: "loss", value: Double($0), timestamp: 1000 + Int64($0), step: Int64($0)) }
            try await store.logBatch(runID: run.info.runID, metrics: metrics, params: [], tags: [])
            start += 1000
        }
        return (store, run.info.runID, folder)
    }

    /// Waits (up to 5 s) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func aPreparedPageIsDroppedWhenItExpiresEvenIfNothingAsksAgain() async throws {
        let (store, runID, folder) = try await Self.store(points: 3000)
        defer { try? FileManager.default.removeItem(at: folder) }
        let readAhead = HistoryReadAhead(store: store, lifetime: .milliseconds(200))
        _ = try await readAhead.answer(.init(runID: runID, key: "loss", maxResults: 1000, pageToken: nil))
        #expect(readAhead.preparedPages == 1, "the second page is being prepared")
        #expect(try await Self.eventually { readAhead.preparedPages == 0 }, "dropped after its lifetime")
    }

    @Test func nothingIsPreparedBeyondTheByteLimitOrForTheLastPage() async throws {
        let (store, runID, folder) = try await Self.store(points: 1500)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tight = HistoryReadAhead(store: store, byteLimit: 1000)
        _ = try await tight.answer(.init(runID: runID, key: "loss", maxResults: 1000, pageToken: nil))
        #expect(tight.preparedPages == 0, "a page of 1,000 points does not fit in 1,000 bytes")

        let roomy = HistoryReadAhead(store: store)
        _ = try await roomy.answer(.init(runID: runID, key: "loss", maxResults: 2000, pageToken: nil))
        #expect(roomy.preparedPages == 0, "one page holds everything: no next page to prepare")
        let first = try await store.metricHistory(runID: runID, key: "loss", maxResults: 1000, pageToken: nil)
        _ = try await roomy.answer(.init(runID: runID, key: "loss", maxResults: 1000, pageToken: nil))
        #expect(roomy.preparedPages == 1)
        // Answered from the prepared page, after which there is nothing more to prepare.
        _ = try await roomy.answer(.init(runID: runID, key: "loss", maxResults: 1000, pageToken: first.nextPageToken))
        #expect(roomy.preparedPages == 0)
    }
}
