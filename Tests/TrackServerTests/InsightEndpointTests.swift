import Foundation
import Testing

/// Our own endpoints under `/api/2.0/track/`: downsampled series and metric summaries.
@Suite("Insight endpoints")
struct InsightEndpointTests {
    static func series(_ api: TrackClient, _ query: [(String, String)]) async throws -> Reply {
        try await api.get("/api/2.0/track/metrics/series", query)
    }

    /// 10 000 points of a wave with one deep dip and one tall spike in the middle of buckets.
    static func wave() -> [(step: Int64, value: Double)] {
        (0..<10_000).map { step in
            let value: Double
            switch step {
            case 4321: value = -1000
            case 7777: value = 1000
            default: value = sin(Double(step) / 50)
            }
            return (Int64(step), value)
        }
    }

    @Test func seriesIsColumnarAndDownsampledKeepingExtremes() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            try await api.logSeries(id, "wave", Self.wave())
            let reply = try await Self.series(api, [("run_id", id), ("key", "wave"), ("max_points", "200")])
            #expect(reply.status == 200, "\(reply)")
            let body = reply.object
            #expect(Set(body.keys) == ["run_id", "key", "steps", "timestamps", "values"], "\(body.keys)")
            #expect(body["run_id"] == .string(id))
            #expect(body["key"] == "wave")
            let steps = body["steps"]?.arrayValue?.compactMap(\.int64Value) ?? []
            let timestamps = body["timestamps"]?.arrayValue?.compactMap(\.int64Value) ?? []
            let values = body["values"]?.arrayValue?.compactMap { metricValue($0) } ?? []
            #expect(!steps.isEmpty && steps.count <= 200, "\(steps.count) points for max_points=200")
            #expect(timestamps.count == steps.count && values.count == steps.count)
            #expect(steps == steps.sorted(), "points come in step order")
            #expect(steps.first == 0 && steps.last == 9999, "the ends of the series are kept")
            #expect(values.min() == -1000, "the minimum is kept")
            #expect(values.max() == 1000, "the maximum is kept")
            if let dip = steps.firstIndex(of: 4321) { #expect(values[dip] == -1000 && timestamps[dip] == 1_700_000_000_000 + 4321) }
            #expect(steps.contains(4321) && steps.contains(7777))
        }
    }

    @Test func seriesWithFewPointsIsExact() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let points = (0..<50).map { (step: Int64($0) * 2, value: Double($0) / 4) }
            try await api.logSeries(id, "small", points)
            let body = try await Self.series(api, [("run_id", id), ("key", "small"), ("max_points", "1000")]).object
            #expect(body["steps"]?.arrayValue?.compactMap(\.int64Value) == points.map(\.step))
            #expect(body["values"]?.arrayValue?.compactMap(\.doubleValue) == points.map(\.value))
            #expect(body["timestamps"]?.arrayValue?.compactMap(\.int64Value) == points.map { 1_700_000_000_000 + $0.step })
        }
    }

    @Test func seriesWindowIsInclusive() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            try await api.logSeries(id, "wave", Self.wave())
            let body = try await Self.series(api, [("run_id", id), ("key", "wave"), ("min_step", "4000"), ("max_step", "5000"), ("max_points", "100")]).object
            let steps = body["steps"]?.arrayValue?.compactMap(\.int64Value) ?? []
            #expect(!steps.isEmpty && steps.count <= 100)
            #expect(steps.allSatisfy { (4000...5000).contains($0) }, "outside the window: \(steps.filter { !(4000...5000).contains($0) })")
            #expect(steps.first == 4000 && steps.last == 5000)
            #expect(body["values"]?.arrayValue?.compactMap { metricValue($0) }.min() == -1000, "the dip at 4321 is inside the window")
            #expect(body["values"]?.arrayValue?.compactMap { metricValue($0) }.max().map { $0 < 1000 } == true, "the spike at 7777 is outside")

            let exact = try await Self.series(api, [("run_id", id), ("key", "wave"), ("min_step", "10"), ("max_step", "19")]).object
            #expect(exact["steps"]?.arrayValue?.compactMap(\.int64Value) == Array(10...19))
        }
    }

    @Test func seriesKeepsSpecialValues() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            _ = try await api.logMetric(id, "odd", "NaN", timestamp: 1, step: 0)
            _ = try await api.logMetric(id, "odd", "Infinity", timestamp: 2, step: 1)
            _ = try await api.logMetric(id, "odd", 1.5, timestamp: 3, step: 2)
            let body = try await Self.series(api, [("run_id", id), ("key", "odd")]).object
            let values = body["values"]?.arrayValue ?? []
            #expect(values.count == 3)
            #expect(values.first == "NaN")
            #expect(isInfinity(values[1], negative: false))
        }
    }

    @Test func seriesOfAMissingKeyIsEmptyAndBadArgumentsAre400() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let empty = try await Self.series(api, [("run_id", id), ("key", "nothing")])
            #expect(empty.status == 200)
            #expect(empty.object["steps"] == [] && empty.object["values"] == [] && empty.object["timestamps"] == [])
            let tooFew = try await Self.series(api, [("run_id", id), ("key", "x"), ("max_points", "2")])
            #expect(tooFew.status == 400 && tooFew.errorCode == "INVALID_PARAMETER_VALUE", "\(tooFew)")
            expectError(try await Self.series(api, [("run_id", id)]), status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("key"))
            let unknown = "0123456789abcdef0123456789abcdef"
            expectError(try await Self.series(api, [("run_id", unknown), ("key", "x")]), status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Run with id=\(unknown) not found")
        }
    }

    @Test func summariesGiveLastMinMaxAndCountPerRun() async throws {
        try await withTrackServer { api throws in
            let a = try await api.createRun(name: "a")
            let b = try await api.createRun(name: "b")
            try await api.logSeries(a, "loss", [(0, 3.0), (1, 1.0), (2, 2.0)])
            try await api.logSeries(a, "acc", [(0, 0.5), (5, 0.9)])
            try await api.logSeries(b, "loss", [(0, 10.0), (1, -4.0), (2, 7.5), (3, 6.0)])
            let reply = try await api.get("/api/2.0/track/runs/summaries", [("run_id", a), ("run_id", b)])
            #expect(reply.status == 200, "\(reply)")
            let summaries = reply.object["summaries"]?.arrayValue ?? []
            func find(_ run: String, _ key: String) -> JSON? {
                summaries.first { $0["run_id"] == .string(run) && $0["key"] == .string(key) }
            }
            #expect(summaries.count == 3, "\(summaries)")
            let aLoss = find(a, "loss")
            #expect(aLoss?["last"]?.doubleValue == 2.0)
            #expect(aLoss?["min"]?.doubleValue == 1.0)
            #expect(aLoss?["max"]?.doubleValue == 3.0)
            #expect(aLoss?["count"]?.int64Value == 3)
            #expect(aLoss?["last_step"]?.int64Value == 2)
            let aAcc = find(a, "acc")
            #expect(aAcc?["last"]?.doubleValue == 0.9 && aAcc?["count"]?.int64Value == 2 && aAcc?["last_step"]?.int64Value == 5)
            let bLoss = find(b, "loss")
            #expect(bLoss?["last"]?.doubleValue == 6.0)
            #expect(bLoss?["min"]?.doubleValue == -4.0)
            #expect(bLoss?["max"]?.doubleValue == 10.0)
            #expect(bLoss?["count"]?.int64Value == 4)
        }
    }

    @Test func summariesFollowTheLatestRuleNotArrivalOrder() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            _ = try await api.logMetric(id, "x", 0.9, timestamp: 100, step: 2)
            _ = try await api.logMetric(id, "x", 0.1, timestamp: 500, step: 1)
            let summary = try await api.get("/api/2.0/track/runs/summaries", [("run_id", id)]).object["summaries"]?[0]
            #expect(summary?["last"]?.doubleValue == 0.9, "latest = highest (step, timestamp, value): \(String(describing: summary))")
            #expect(summary?["last_step"]?.int64Value == 2)
            #expect(summary?["count"]?.int64Value == 2)
        }
    }

    @Test func summariesOfNoRunsOrUnknownRunsAreEmpty() async throws {
        try await withTrackServer { api throws in
            let none = try await api.get("/api/2.0/track/runs/summaries")
            #expect(none.status == 200)
            #expect(none.object["summaries"] == [] || none.object["summaries"] == nil, "\(none)")
            let unknown = try await api.get("/api/2.0/track/runs/summaries", [("run_id", "0123456789abcdef0123456789abcdef")])
            #expect(unknown.status == 200 || unknown.status == 404, "\(unknown)")
        }
    }
}
