import Foundation
import Testing

/// Metric logging and `metrics/get-history` over HTTP.
@Suite("Metric endpoints")
struct MetricEndpointTests {
    static func history(_ api: TrackClient, _ runID: String, _ key: String, maxResults: Int? = nil, pageToken: String? = nil) async throws -> Reply {
        var query = [("run_id", runID), ("run_uuid", runID), ("metric_key", key)]
        if let maxResults { query.append(("max_results", String(maxResults))) }
        if let pageToken { query.append(("page_token", pageToken)) }
        return try await api.get("metrics/get-history", query)
    }

    static func latest(_ run: JSON, _ key: String) -> JSON? {
        run["data"]?["metrics"]?.arrayValue?.first { $0["key"] == .string(key) }
    }

    @Test func nanAndInfinitiesFromLogMetricRoundTrip() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectEmptyOK(try await api.logMetric(id, "weird", "NaN", timestamp: 1_700_000_000_001, step: 0))
            expectEmptyOK(try await api.logMetric(id, "weird", "Infinity", timestamp: 1_700_000_000_002, step: 1))
            expectEmptyOK(try await api.logMetric(id, "weird", "-Infinity", timestamp: 1_700_000_000_003, step: 2))

            let reply = try await Self.history(api, id, "weird", maxResults: 25000)
            #expect(reply.status == 200, "\(reply)")
            let points = reply.object["metrics"]?.arrayValue ?? []
            try #require(points.count == 3, "\(reply)")
            #expect(points[0]["value"] == "NaN")
            #expect(isInfinity(points[1]["value"], negative: false), "\(points[1])")
            #expect(isInfinity(points[2]["value"], negative: true), "\(points[2])")
            #expect(points.map { $0["step"]?.int64Value } == [0, 1, 2])
            #expect(points.map { $0["timestamp"]?.int64Value } == [1_700_000_000_001, 1_700_000_000_002, 1_700_000_000_003])
            #expect(points.allSatisfy { $0["key"] == "weird" })

            // The latest value (highest step) is -Infinity.
            #expect(isInfinity(Self.latest(try await api.getRun(id), "weird")?["value"], negative: true))
        }
    }

    @Test func nanAndInfinitiesFromLogBatchRoundTrip() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectEmptyOK(try await api.post("runs/log-batch", [
                "run_id": .string(id),
                "metrics": [
                    ["key": "b_nan", "value": "NaN", "timestamp": 1_700_000_000_000, "step": 0],
                    ["key": "b_inf", "value": "Infinity", "timestamp": 1_700_000_000_000, "step": 0],
                    ["key": "b_ninf", "value": "-Infinity", "timestamp": 1_700_000_000_000, "step": 0],
                ],
            ]))
            let run = try await api.getRun(id)
            #expect(Self.latest(run, "b_nan")?["value"] == "NaN")
            #expect(isInfinity(Self.latest(run, "b_inf")?["value"], negative: false))
            #expect(isInfinity(Self.latest(run, "b_ninf")?["value"], negative: true))
            #expect(try await Self.history(api, id, "b_nan").object["metrics"]?[0]?["value"] == "NaN")
            #expect(isInfinity(try await Self.history(api, id, "b_inf").object["metrics"]?[0]?["value"], negative: false))
            #expect(isInfinity(try await Self.history(api, id, "b_ninf").object["metrics"]?[0]?["value"], negative: true))
        }
    }

    @Test func numbersAsStringsAreAccepted() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let reply = try await api.post("runs/log-metric", ["run_id": .string(id), "key": "rawstr", "value": "1.5", "timestamp": "1700000000002", "step": "2"])
            expectEmptyOK(reply)
            let points = try await Self.history(api, id, "rawstr").object["metrics"]?.arrayValue ?? []
            #expect(points == [["key": "rawstr", "value": 1.5, "timestamp": 1_700_000_000_002, "step": 2]])
        }
    }

    @Test func trueAsAValueIsOne() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectEmptyOK(try await api.post("runs/log-metric", ["run_id": .string(id), "key": "rawbool", "value": true, "timestamp": 1_700_000_000_000]))
            let point = try await Self.history(api, id, "rawbool").object["metrics"]?[0]
            #expect(point?["value"]?.doubleValue == 1.0, "\(String(describing: point))")
            #expect(point?["step"] == 0, "step defaults to 0")
        }
    }

    @Test func integerValuesAreDoubles() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectEmptyOK(try await api.logMetric(id, "count", 7))
            #expect(Self.latest(try await api.getRun(id), "count")?["value"]?.doubleValue == 7.0)
        }
    }

    @Test func runUuidAloneIdentifiesTheRun() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectEmptyOK(try await api.post("runs/log-metric", ["run_uuid": .string(id), "key": "u", "value": 1.0, "timestamp": 1_700_000_000_000]))
        }
    }

    @Test func missingTimestampOrValueIsRefused() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectError(
                try await api.post("runs/log-metric", ["run_id": .string(id), "key": "k", "value": 2.5]),
                status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("timestamp")
            )
            expectError(
                try await api.post("runs/log-metric", ["run_id": .string(id), "key": "k", "timestamp": 1_700_000_000_000]),
                status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("value")
            )
        }
    }

    @Test func negativeTimestampIsRefused() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectError(
                try await api.post("runs/log-metric", ["run_id": .string(id), "key": "rawneg", "value": 1.0, "timestamp": -5]),
                status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "Invalid value -5 for parameter 'timestamp' supplied: metric 'rawneg' (value=1.0). Timestamp must be a nonnegative long (64-bit integer) "
            )
        }
    }

    @Test func latestMetricIsTheHighestStepNotTheLastReceived() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            _ = try await api.logMetric(id, "x", 0.7, timestamp: 1_700_000_100_000, step: 0)
            _ = try await api.logMetric(id, "x", 0.8, timestamp: 1_700_000_200_000, step: 1)
            _ = try await api.logMetric(id, "x", 0.9, timestamp: 1_700_000_000_123, step: 2)
            _ = try await api.logMetric(id, "x", 0.1, timestamp: 1_700_000_300_000, step: 1)
            #expect(Self.latest(try await api.getRun(id), "x") == ["key": "x", "value": 0.9, "timestamp": 1_700_000_000_123, "step": 2])

            // History is ordered by (timestamp, step, value), as MLflow's SQL store returns it.
            let values = try await Self.history(api, id, "x").object["metrics"]?.arrayValue?.compactMap { $0["value"]?.doubleValue }
            #expect(values == [0.9, 0.7, 0.8, 0.1])
        }
    }

    @Test func historyKeepsDistinctEntriesAndCollapsesExactDuplicates() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            _ = try await api.logMetric(id, "d", 1.0, timestamp: 1_700_000_000_000, step: 0)
            _ = try await api.logMetric(id, "d", 1.0, timestamp: 1_700_000_000_000, step: 0)
            _ = try await api.logMetric(id, "d", 2.0, timestamp: 1_700_000_000_000, step: 0)
            let points = try await Self.history(api, id, "d").object["metrics"]?.arrayValue ?? []
            #expect(points.count == 2, "\(points)")
        }
    }

    @Test func historyOfANeverLoggedKeyIsEmptyObject() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let reply = try await Self.history(api, id, "never-logged", maxResults: 25000)
            #expect(reply.status == 200)
            #expect(reply.json == .object([]))
        }
    }

    @Test func historyOfAnUnknownRunIs404AndMissingKeyIs400() async throws {
        try await withTrackServer { api throws in
            let unknown = "0123456789abcdef0123456789abcdef"
            expectError(try await Self.history(api, unknown, "x"), status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Run with id=\(unknown) not found")
            let id = try await api.createRun()
            expectError(try await api.get("metrics/get-history", [("run_id", id)]), status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("metric_key"))
        }
    }

    @Test func historyPagesThrough2500PointsWithTokens() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let points = (0..<2500).map { (step: Int64($0), value: Double($0) * 0.5) }
            try await api.logSeries(id, "big", points)

            var collected: [JSON] = []
            var token: String?
            var pages = 0
            repeat {
                let reply = try await Self.history(api, id, "big", maxResults: 1000, pageToken: token)
                #expect(reply.status == 200, "\(reply)")
                let page = reply.object["metrics"]?.arrayValue ?? []
                #expect(page.count == (pages < 2 ? 1000 : 500), "page \(pages) has \(page.count) points")
                collected += page
                token = reply.object["next_page_token"]?.stringValue
                pages += 1
            } while token != nil && pages < 10
            #expect(pages == 3, "1000 + 1000 + 500, the last page without a token")
            #expect(collected.count == 2500)
            #expect(collected.compactMap { $0["step"]?.int64Value } == (0..<2500).map(Int64.init))
            #expect(collected.last == ["key": "big", "value": 1249.5, "timestamp": 1_700_000_002_499, "step": 2499])

            // max_results above the size answers everything at once, without a token.
            let all = try await Self.history(api, id, "big", maxResults: 25000)
            #expect(all.object["metrics"]?.arrayValue?.count == 2500)
            #expect(all.object["next_page_token"] == nil)
        }
    }

    /// The server prepares the next page while the client reads one; a point added meanwhile
    /// must be in the page the client gets next, as if nothing had been prepared.
    @Test func aPageReadAheadIsNotAnsweredOnceItsSeriesHasChanged() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            try await api.logSeries(id, "s", (0..<3000).map { (step: Int64($0), value: Double($0)) })
            let first = try await Self.history(api, id, "s", maxResults: 1000)
            #expect(first.object["metrics"]?.arrayValue?.count == 1000)
            var token = try #require(first.object["next_page_token"]?.stringValue)
            // Time for the second page to be prepared (the check below holds either way).
            try await Task.sleep(for: .milliseconds(300))
            expectEmptyOK(try await api.logMetric(id, "s", 0.25, timestamp: 1_700_000_001_500, step: 1500))

            let second = try await Self.history(api, id, "s", maxResults: 1000, pageToken: token)
            let page = second.object["metrics"]?.arrayValue ?? []
            #expect(page.count == 1000)
            #expect(page.contains(["key": "s", "value": 0.25, "timestamp": 1_700_000_001_500, "step": 1500]), "the point added after the first page")
            var collected = (first.object["metrics"]?.arrayValue ?? []) + page
            token = try #require(second.object["next_page_token"]?.stringValue)
            while true {
                let reply = try await Self.history(api, id, "s", maxResults: 1000, pageToken: token)
                collected += reply.object["metrics"]?.arrayValue ?? []
                guard let next = reply.object["next_page_token"]?.stringValue else { break }
                token = next
            }
            #expect(collected.count == 3001)
            #expect(collected.compactMap { $0["step"]?.int64Value } == ((0...1500).map(Int64.init) + (1500..<3000).map(Int64.init)))
        }
    }

    @Test func historyWithMaxResultsOneGivesAToken() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            _ = try await api.logMetric(id, "x", 1.0, timestamp: 1, step: 0)
            _ = try await api.logMetric(id, "x", 2.0, timestamp: 2, step: 1)
            let first = try await Self.history(api, id, "x", maxResults: 1)
            #expect(first.object["metrics"] == [["key": "x", "value": 1.0, "timestamp": 1, "step": 0]])
            let token = try #require(first.object["next_page_token"]?.stringValue)
            let second = try await Self.history(api, id, "x", maxResults: 1, pageToken: token)
            #expect(second.object["metrics"] == [["key": "x", "value": 2.0, "timestamp": 2, "step": 1]])
            #expect(second.object["next_page_token"] == nil, "no token when nothing is left: \(second)")
        }
    }

    @Test func historyWithABadPageTokenIs400() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            _ = try await api.logMetric(id, "x", 1.0)
            let reply = try await Self.history(api, id, "x", pageToken: "%%%not-base64")
            #expect(reply.status == 400, "\(reply)")
            #expect(reply.errorCode == "INVALID_PARAMETER_VALUE")
        }
    }
}
