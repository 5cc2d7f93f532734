import TrackCore

extension StoreConformance {
    static var metricChecks: [Check] {
        [
            ("metrics.historyPaging", { try await $0.historyPaging() }),
            ("metrics.historyPagingWithinOneTimestampAndStep", { try await $0.historyPagingWithinOneTimestampAndStep() }),
            ("metrics.historyOfInterleavedBatches", { try await $0.historyOfInterleavedBatches() }),
            ("metrics.duplicatesOfOldPointsStoredOnce", { try await $0.duplicatesOfOldPointsStoredOnce() }),
            ("metrics.historyGarbagePageTokenRejected", { try await $0.historyGarbagePageTokenRejected() }),
            ("metrics.historyOfNeverLoggedKeyIsEmpty", { try await $0.historyOfNeverLoggedKeyIsEmpty() }),
            ("metrics.historyOfUnknownRunNotFound", { try await $0.historyOfUnknownRunNotFound() }),
            ("metrics.historyIsPerRunAndKey", { try await $0.historyIsPerRunAndKey() }),
            ("metrics.seriesRevisionChangesWithItsPointsOnly", { try await $0.seriesRevisionChangesWithItsPointsOnly() }),
            ("metrics.downsampleReturnsAllWhenSmall", { try await $0.downsampleReturnsAllWhenSmall() }),
            ("metrics.downsampleBoundsLargeSeries", { try await $0.downsampleBoundsLargeSeries() }),
            ("metrics.downsampleBoundsExtremeSteps", { try await $0.downsampleBoundsExtremeSteps() }),
            ("metrics.downsampleRespectsStepRange", { try await $0.downsampleRespectsStepRange() }),
            ("metrics.downsampleOfNeverLoggedKeyIsEmpty", { try await $0.downsampleOfNeverLoggedKeyIsEmpty() }),
            ("metrics.summaries", { try await $0.summaries() }),
        ]
    }

    /// Logs `points` under `key` in batches of 1000.
    func logSeries(_ store: Store, _ runID: String, _ key: String, _ points: [MetricPoint]) async throws {
        var start = 0
        while start < points.count {
            let chunk = points[start..<min(start + 1000, points.count)]
            try await log(store, runID, metrics: chunk.map { Metric(key: key, value: $0.value, timestamp: $0.timestamp, step: $0.step) })
            start += 1000
        }
    }

    /// Checks a downsampled result against the points it was made from.
    func checkDownsample(
        _ result: [MetricPoint], of logged: [MetricPoint], maxPoints: Int, _ what: String,
        fileID: String = #fileID, file: String = #filePath, line: Int = #line, column: Int = #column
    ) throws {
        let fail = { (message: String) in ConformanceFailure(message, fileID: fileID, file: file, line: line, column: column) }
        if result.count > maxPoints {
            throw fail("\(what): expected at most \(maxPoints) points, got \(result.count): \(show(result))")
        }
        for (index, pair) in zip(result, result.dropFirst()).enumerated() where pair.0.step > pair.1.step {
            throw fail("\(what): points must be ordered by step, but point \(index) \(show(pair.0)) comes before \(show(pair.1))")
        }
        let known = Set(logged.map { "\($0.step)/\($0.timestamp)/\($0.value.bitPattern)" })
        for point in result where !known.contains("\(point.step)/\(point.timestamp)/\(point.value.bitPattern)") {
            throw fail("\(what): returned \(show(point)), which was never logged")
        }
        let ids = result.map { "\($0.step)/\($0.timestamp)/\($0.value.bitPattern)" }
        if ids.count != Set(ids).count { throw fail("\(what): \(ids.count - Set(ids).count) points returned more than once") }
        guard !logged.isEmpty else { return }
        let byStep = logged.sorted { ($0.step, $0.timestamp) < ($1.step, $1.timestamp) }
        let values = logged.map(\.value).filter { !$0.isNaN }
        if let low = values.min(), let high = values.max() {
            if !result.contains(where: { $0.value == low }) {
                throw fail("\(what): the global minimum \(showDouble(low)) is missing from \(show(result))")
            }
            if !result.contains(where: { $0.value == high }) {
                throw fail("\(what): the global maximum \(showDouble(high)) is missing from \(show(result))")
            }
        }
        if result.first?.step != byStep.first?.step {
            throw fail("\(what): expected the first point at step \(byStep[0].step), got \(result.first.map { show($0) } ?? "nothing")")
        }
        if result.last?.step != byStep.last?.step {
            throw fail("\(what): expected the last point at step \(byStep[byStep.count - 1].step), got \(result.last.map { show($0) } ?? "nothing")")
        }
    }

    // MARK: - History

    func historyPaging() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        // 9990 points whose timestamps (shared by ~3 steps each) are a permutation of the steps,
        // plus 10 points repeating a (timestamp, step) with another value.
        var points: [MetricPoint] = (0..<9990).map { (index: Int) -> MetricPoint in
            let shuffled: Int = (index * 7919) % 9990 / 3
            return MetricPoint(step: Int64(index), timestamp: 1_000_000 + Int64(shuffled), value: Double(index) * 0.5)
        }
        for index in stride(from: 0, to: 1000, by: 100) {
            points.append(MetricPoint(step: points[index].step, timestamp: points[index].timestamp, value: -Double(index) - 1))
        }
        try await logSeries(store, id, "big", points)
        let expected = points.sorted(by: historyOrder)
        let whole = try await store.metricHistory(runID: id, key: "big", maxResults: 25_000, pageToken: nil)
        try expectEqual(whole.items.count, 10_000, "number of points in one 25000-point page")
        try expectEqual(whole.items, expected, "history of 10000 points in one page, ordered by (timestamp, step, value)")
        try expectEqual(whole.nextPageToken, nil, "page token after the only page")

        var token: String?
        var paged: [MetricPoint] = []
        var sizes: [Int] = []
        repeat {
            let page = try await store.metricHistory(runID: id, key: "big", maxResults: 777, pageToken: token)
            paged += page.items
            sizes.append(page.items.count)
            token = page.nextPageToken
            try expect(sizes.count <= 20, "paging 10000 points by 777 did not end after 20 pages")
        } while token != nil
        try expectEqual(sizes, Array(repeating: 777, count: 12) + [10_000 - 12 * 777], "page sizes of 10000 points paged by 777")
        try expectEqual(paged, expected, "history paged by 777 and concatenated vs the whole ordered history")
    }

    /// Pages through `key` with each of `pageSizes` and compares with `expected`.
    func expectPagedHistory(_ store: Store, _ runID: String, _ key: String, _ expected: [MetricPoint], pageSizes: [Int], _ what: String) async throws {
        for size in pageSizes {
            var token: String?
            var paged: [MetricPoint] = []
            var pages = 0
            repeat {
                let page = try await store.metricHistory(runID: runID, key: key, maxResults: size, pageToken: token)
                try expect(page.items.count <= size, "\(what): a page of size \(size) held \(page.items.count) points")
                try expect(page.nextPageToken == nil || page.items.count == size, "\(what): a page of size \(size) with a next-page token held only \(page.items.count) points")
                paged += page.items
                token = page.nextPageToken
                pages += 1
                try expect(pages <= expected.count + 2, "\(what): paging by \(size) did not end after \(pages) pages")
            } while token != nil
            try expectEqual(paged, expected, "\(what), paged by \(size) and concatenated")
        }
    }

    func historyPagingWithinOneTimestampAndStep() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        // Many points sharing (timestamp, step) and differing only in value, down to adjacent
        // doubles: a page token must remember the value exactly.
        var values: [Double] = []
        var up = 1.0, down = -1.0, big = Double.greatestFiniteMagnitude / 2
        for _ in 0..<12 {
            values += [up, down, big]
            up = up.nextUp
            down = down.nextDown
            big = big.nextUp
        }
        values += [.leastNonzeroMagnitude, -.leastNonzeroMagnitude, 0, .infinity, -.infinity]
        let points = values.map { MetricPoint(step: 4, timestamp: 1234, value: $0) }
        try await log(store, id, metrics: points.reversed().map { Metric(key: "tight", value: $0.value, timestamp: $0.timestamp, step: $0.step) })
        let expected = points.sorted(by: historyOrder)
        try expectEqual(try await fullHistory(store, id, "tight"), expected, "history of points sharing (timestamp, step), ordered by value")
        try await expectPagedHistory(store, id, "tight", expected, pageSizes: [1, 2, 3, 7], "history of points sharing (timestamp, step)")
    }

    func historyOfInterleavedBatches() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        // 40 batches of 25 points each; batch b holds timestamps b, b+40, b+80, … so every batch
        // overlaps every other in time, and later batches reach back before earlier ones.
        var all: [MetricPoint] = []
        for batch in (0..<40).reversed() {
            let points = (0..<25).map { (index: Int) -> MetricPoint in
                let timestamp = Int64(batch + 40 * index)
                return MetricPoint(step: Int64((batch * 7 + index) % 50), timestamp: timestamp, value: Double(batch * 100 + index))
            }
            all += points
            try await log(store, id, metrics: points.map { Metric(key: "mixed", value: $0.value, timestamp: $0.timestamp, step: $0.step) })
        }
        let expected = all.sorted(by: historyOrder)
        try expectEqual(try await fullHistory(store, id, "mixed"), expected, "history of 40 interleaved batches")
        try await expectPagedHistory(store, id, "mixed", expected, pageSizes: [1, 7, 25, 64, 999, 1000], "history of 40 interleaved batches")
        let summary = try unwrap((try await store.metricSummaries(runIDs: [id])[id] ?? []).first { $0.key == "mixed" }, "summary of 'mixed'")
        try expectEqual(summary.count, 1000, "summary count of 40 interleaved batches of 25")
        try expectEqual(summary.min, 0, "summary min of 'mixed'")
        try expectEqual(summary.max, 3924, "summary max of 'mixed'")
        let latest = expected.max { ($0.step, $0.timestamp, $0.value) < ($1.step, $1.timestamp, $1.value) }!
        try expectEqual(summary.latest, latest, "summary latest of 'mixed'")
    }

    func duplicatesOfOldPointsStoredOnce() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        // Many small batches, then every point again (alone, in bulk and mixed with new ones).
        let points = (0..<300).map { MetricPoint(step: Int64($0), timestamp: 10_000 + Int64($0), value: Double($0 % 17)) }
        for start in stride(from: 0, to: 300, by: 10) {
            try await logSeries(store, id, "again", Array(points[start..<start + 10]))
        }
        try await logSeries(store, id, "again", [points[5]])
        try await logSeries(store, id, "again", points.reversed())
        let extra = MetricPoint(step: 1000, timestamp: 5, value: 1)
        try await logSeries(store, id, "again", [points[299], extra, points[0], points[150]])
        let expected = (points + [extra]).sorted(by: historyOrder)
        try expectEqual(try await fullHistory(store, id, "again"), expected, "history after logging every point again")
        let summary = try unwrap((try await store.metricSummaries(runIDs: [id])[id] ?? []).first { $0.key == "again" }, "summary of 'again'")
        try expectEqual(summary.count, 301, "summary count after logging every point again")
        try expectEqual(summary.latest, extra, "summary latest after logging every point again")
    }

    func historyGarbagePageTokenRejected() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        try await log(store, run.info.runID, metrics: [Metric(key: "m", value: 1, timestamp: 1)])
        for token in ["garbage!", "%%%", "bm90IGpzb24=", "eyJmb28iOiAxfQ=="] {
            try await expectError("metricHistory with page token \(show(token))", code: .invalidParameterValue) {
                try await store.metricHistory(runID: run.info.runID, key: "m", maxResults: 10, pageToken: token)
            }
        }
    }

    func historyOfNeverLoggedKeyIsEmpty() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        try await log(store, run.info.runID, metrics: [Metric(key: "logged", value: 1, timestamp: 1)])
        let page = try await store.metricHistory(runID: run.info.runID, key: "never", maxResults: 100, pageToken: nil)
        try expectEqual(page.items, [], "history of a key never logged")
        try expectEqual(page.nextPageToken, nil, "page token of the history of a key never logged")
    }

    func historyOfUnknownRunNotFound() async throws {
        let store = try await makeStore()
        try await expectError("metricHistory of an unknown run", code: .resourceDoesNotExist) {
            try await store.metricHistory(runID: Self.unknownRunID, key: "m", maxResults: 10, pageToken: nil)
        }
    }

    /// The revision a read-ahead page is checked against: it moves when a point is added to its
    /// series and with nothing else.
    func seriesRevisionChangesWithItsPointsOnly() async throws {
        let store = try await makeStore()
        let id = try await makeRun(store).info.runID
        let other = try await makeRun(store).info.runID
        try expectEqual(try await store.metricSeriesRevision(runID: id, key: "a"), nil, "revision of a series never logged")
        try await logSeries(store, id, "a", (0..<1500).map { MetricPoint(step: Int64($0), timestamp: 1000 + Int64($0), value: Double($0)) })
        let first = try await store.metricSeriesRevision(runID: id, key: "a")
        if first == nil { throw ConformanceFailure("expected a revision once 'a' has points") }
        try await log(store, id, metrics: [Metric(key: "b", value: 1, timestamp: 5000)])
        try await log(store, other, metrics: [Metric(key: "a", value: 1, timestamp: 5000)])
        try await log(store, id, metrics: [Metric(key: "a", value: 3, timestamp: 1003, step: 3)])  // an exact duplicate: not stored
        try expectEqual(try await store.metricSeriesRevision(runID: id, key: "a"), first, "revision after writes to other series and a duplicate")
        try await log(store, id, metrics: [Metric(key: "a", value: 7.5, timestamp: 1003, step: 3)])  // inside the stored range
        let second = try await store.metricSeriesRevision(runID: id, key: "a")
        if second == first { throw ConformanceFailure("expected a new revision after a point was added inside the series' range") }
        try await log(store, id, metrics: [Metric(key: "a", value: 0, timestamp: 9000, step: 9000)])
        if try await store.metricSeriesRevision(runID: id, key: "a") == second {
            throw ConformanceFailure("expected a new revision after a point was added at the series' end")
        }
        try await expectError("metricSeriesRevision of an unknown run", code: .resourceDoesNotExist) {
            try await store.metricSeriesRevision(runID: Self.unknownRunID, key: "a")
        }
    }

    func historyIsPerRunAndKey() async throws {
        let store = try await makeStore()
        let first = try await makeRun(store)
        let second = try await makeRun(store)
        try await log(store, first.info.runID, metrics: [Metric(key: "a", value: 1, timestamp: 1), Metric(key: "b", value: 2, timestamp: 1)])
        try await log(store, second.info.runID, metrics: [Metric(key: "a", value: 3, timestamp: 1)])
        try expectEqual(try await fullHistory(store, first.info.runID, "a"), [MetricPoint(step: 0, timestamp: 1, value: 1)], "history of 'a' in the first run")
        try expectEqual(try await fullHistory(store, first.info.runID, "b"), [MetricPoint(step: 0, timestamp: 1, value: 2)], "history of 'b' in the first run")
        try expectEqual(try await fullHistory(store, second.info.runID, "a"), [MetricPoint(step: 0, timestamp: 1, value: 3)], "history of 'a' in the second run")
        try expectEqual(try await fullHistory(store, second.info.runID, "b"), [], "history of 'b' in the second run")
    }

    // MARK: - Downsampling

    func downsampleReturnsAllWhenSmall() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        // 60 points, logged out of step order, two of them sharing a step.
        var points: [MetricPoint] = (0..<59).map { (index: Int) -> MetricPoint in
            let step: Int = (index * 37) % 59
            let value: Int = (index * 13) % 7
            return MetricPoint(step: Int64(step), timestamp: 5000 - Int64(index), value: Double(value))
        }
        points.append(MetricPoint(step: 10, timestamp: 99_999, value: 42))
        try await logSeries(store, id, "small", points)
        let expected = points.sorted { ($0.step, $0.timestamp) < ($1.step, $1.timestamp) }
        for maxPoints in [60, 100, 1000] {
            let result = try await store.downsampledSeries(SeriesQuery(runID: id, key: "small", maxPoints: maxPoints))
            try expectEqual(result, expected, "downsampledSeries of 60 points with maxPoints \(maxPoints) (every point, ordered by step)")
        }
    }

    func downsampleBoundsLargeSeries() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        var points = (0..<10_000).map { index in
            MetricPoint(step: Int64(index), timestamp: 1_000 + Int64(index), value: Double((index * 7919) % 1000) / 10)
        }
        points[3333].value = -1000  // global minimum
        points[6666].value = 1000  // global maximum
        points[5000].value = .nan
        try await logSeries(store, id, "large", points)
        for maxPoints in [4, 10, 100, 200, 999] {
            let result = try await store.downsampledSeries(SeriesQuery(runID: id, key: "large", maxPoints: maxPoints))
            try checkDownsample(result, of: points, maxPoints: maxPoints, "downsampledSeries of 10000 points, maxPoints \(maxPoints)")
            try expect(result.contains { $0.step == 3333 }, "downsampledSeries maxPoints \(maxPoints): the global minimum point (step 3333) is missing")
            try expect(result.contains { $0.step == 6666 }, "downsampledSeries maxPoints \(maxPoints): the global maximum point (step 6666) is missing")
            try expectEqual(result.first, points[0], "downsampledSeries maxPoints \(maxPoints): first point")
            try expectEqual(result.last, points[9999], "downsampledSeries maxPoints \(maxPoints): last point")
        }
        let sparse = try await store.downsampledSeries(SeriesQuery(runID: id, key: "large", maxPoints: 200))
        try expect(sparse.count >= 50, "downsampledSeries of 10000 points with maxPoints 200 returned only \(sparse.count) points")
    }

    func downsampleBoundsExtremeSteps() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        // Steps far beyond 2^53, where floating-point bucket arithmetic loses whole steps.
        let bases: [Int64] = [0, 1 << 59, (1 << 60) - 9, Int64.max - 20, -(1 << 61)]
        var points: [MetricPoint] = []
        for (offset, base) in bases.enumerated() {
            for index in 0..<10 {
                points.append(MetricPoint(step: base + Int64(index), timestamp: Int64(offset * 10 + index), value: Double(index * (offset + 1))))
            }
        }
        try await logSeries(store, id, "extreme", points)
        for maxPoints in [4, 8, 12, 20] {
            let result = try await store.downsampledSeries(SeriesQuery(runID: id, key: "extreme", maxPoints: maxPoints))
            try checkDownsample(result, of: points, maxPoints: maxPoints, "downsampledSeries of steps up to Int64.max, maxPoints \(maxPoints)")
        }
        let upper = try await store.downsampledSeries(SeriesQuery(runID: id, key: "extreme", minStep: 1 << 59, maxPoints: 8))
        try checkDownsample(upper, of: points.filter { $0.step >= 1 << 59 }, maxPoints: 8, "downsampledSeries of steps from 2^59 up, maxPoints 8")
    }

    func downsampleRespectsStepRange() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        var points = (0..<10_000).map { MetricPoint(step: Int64($0), timestamp: 7 + Int64($0), value: Double($0 % 50)) }
        points[3500].value = -5  // the minimum of the range 3000...3999
        points[3600].value = 500  // its maximum
        points[100].value = -100  // outside the range
        try await logSeries(store, id, "ranged", points)
        let inRange = points.filter { (3000...3999).contains($0.step) }
        let all = try await store.downsampledSeries(SeriesQuery(runID: id, key: "ranged", minStep: 3000, maxStep: 3999, maxPoints: 1000))
        try expectEqual(all, inRange, "downsampledSeries of steps 3000...3999 with maxPoints 1000 (every point of the range)")
        let reduced = try await store.downsampledSeries(SeriesQuery(runID: id, key: "ranged", minStep: 3000, maxStep: 3999, maxPoints: 100))
        try checkDownsample(reduced, of: inRange, maxPoints: 100, "downsampledSeries of steps 3000...3999, maxPoints 100")
        let outside = try await store.downsampledSeries(SeriesQuery(runID: id, key: "ranged", minStep: 20_000, maxPoints: 100))
        try expectEqual(outside, [], "downsampledSeries of a step range without points")
        let openStart = try await store.downsampledSeries(SeriesQuery(runID: id, key: "ranged", maxStep: 49, maxPoints: 100))
        try expectEqual(openStart, Array(points.prefix(50)), "downsampledSeries with only maxStep 49")
        let openEnd = try await store.downsampledSeries(SeriesQuery(runID: id, key: "ranged", minStep: 9990, maxPoints: 100))
        try expectEqual(openEnd, Array(points.suffix(10)), "downsampledSeries with only minStep 9990")
    }

    func downsampleOfNeverLoggedKeyIsEmpty() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        try await log(store, run.info.runID, metrics: [Metric(key: "logged", value: 1, timestamp: 1)])
        let result = try await store.downsampledSeries(SeriesQuery(runID: run.info.runID, key: "never", maxPoints: 100))
        try expectEqual(result, [], "downsampledSeries of a key never logged")
    }

    // MARK: - Summaries

    func summaries() async throws {
        let store = try await makeStore()
        let first = try await makeRun(store)
        let second = try await makeRun(store)
        let empty = try await makeRun(store)
        try await log(store, first.info.runID, metrics: [
            Metric(key: "acc", value: 0.5, timestamp: 100, step: 0), Metric(key: "acc", value: .nan, timestamp: 200, step: 1),
            Metric(key: "acc", value: 0.9, timestamp: 300, step: 2),
        ])
        try await log(store, first.info.runID, metrics: [
            Metric(key: "acc", value: 0.1, timestamp: 50, step: 3),  // latest: largest step, older timestamp
            Metric(key: "loss", value: 2, timestamp: 10, step: 1), Metric(key: "loss", value: .nan, timestamp: 5, step: 5),
            Metric(key: "wide", value: -.infinity, timestamp: 1, step: 0), Metric(key: "wide", value: .infinity, timestamp: 1, step: 1),
            Metric(key: "wide", value: 1, timestamp: 1, step: 2),
        ])
        try await log(store, second.info.runID, metrics: [Metric(key: "acc", value: 1, timestamp: 7, step: 0)])
        let result = try await store.metricSummaries(runIDs: [first.info.runID, second.info.runID, empty.info.runID])
        let firstSummaries = (result[first.info.runID] ?? []).sorted { $0.key < $1.key }
        let expectedFirst = [
            MetricSummary(key: "acc", latest: MetricPoint(step: 3, timestamp: 50, value: 0.1), min: 0.1, max: 0.9, count: 4),
            MetricSummary(key: "loss", latest: MetricPoint(step: 5, timestamp: 5, value: .nan), min: 2, max: 2, count: 2),
            MetricSummary(key: "wide", latest: MetricPoint(step: 2, timestamp: 1, value: 1), min: -.infinity, max: .infinity, count: 3),
        ]
        try expectEqual(firstSummaries.map(\.key), expectedFirst.map(\.key), "summary keys of the first run")
        for (got, want) in zip(firstSummaries, expectedFirst) {
            try expectEqual(got.latest, want.latest, "summary latest of '\(want.key)'")
            try expectEqual(got.min, want.min, "summary min of '\(want.key)' (NaN ignored)")
            try expectEqual(got.max, want.max, "summary max of '\(want.key)' (NaN ignored)")
            try expectEqual(got.count, want.count, "summary count of '\(want.key)'")
        }
        try expectEqual(
            result[second.info.runID] ?? [],
            [MetricSummary(key: "acc", latest: MetricPoint(step: 0, timestamp: 7, value: 1), min: 1, max: 1, count: 1)],
            "summaries of the second run"
        )
        try expectEqual(result[empty.info.runID] ?? [], [], "summaries of a run without metrics")
        try expectEqual(try await store.metricSummaries(runIDs: []).count, 0, "summaries of no runs")
    }
}
