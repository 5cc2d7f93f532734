import TrackCore

/// Gathers what `track compare` shows.
///
/// Requests: run resolution (see ``RunResolver``), one `runs/summaries` call for last, min, max
/// and count of every metric of every run, the experiments' names, and one downsampled series
/// (`metrics/series`, `max_points` = ``maxPoints``) per run and metric, from which the step of
/// the best value is read. That step is exact: when the series has at most `maxPoints` points the
/// answer holds all of them, and when it has more the server keeps every bucket's lowest and
/// highest point, so the point holding the minimum (and the maximum) is always in it. Only when
/// the best value occurs several times in a long series may a later occurrence than the first be
/// reported. The same series draw the `--metric` charts, so a chart costs no extra request.
public struct CompareService: Sendable {
    public let client: APIClient
    public var maxPoints: Int
    /// How many series requests run at once.
    public var concurrency: Int

    public init(client: APIClient, maxPoints: Int = 1000, concurrency: Int = 8) {
        self.client = client
        self.maxPoints = maxPoints
        self.concurrency = concurrency
    }

    public func load(runs inputs: [String], experiment: String?, rules: MetricGoalRules, charts: [String]) async throws -> Comparison {
        let runs = try await RunResolver(directory: client, experiment: experiment).resolve(inputs)
        var seen: [String: String] = [:]
        for (input, run) in zip(inputs, runs) {
            if let earlier = seen[run.info.runID] {
                throw ClientError.invalidInput("'\(earlier)' and '\(input)' are the same run (\(run.info.runID)); name different runs.")
            }
            seen[run.info.runID] = input
        }
        let runIDs = runs.map(\.info.runID)
        let summaries = try await client.metricSummaries(runIDs: runIDs)

        var names: [String: String] = [:]
        for id in Set(runs.map(\.info.experimentID)) {
            if let experiment = try await client.experiment(id: id) { names[id] = experiment.name }
        }

        let keysWithData = Set(summaries.map(\.key))
        for key in charts where !keysWithData.contains(key) {
            let known = keysWithData.sorted().joined(separator: ", ")
            throw ClientError.invalidInput("none of the runs has the metric '\(key)'" + (known.isEmpty ? "; they have no metrics." : "; they have: \(known)."))
        }

        // Series needed: every metric with a finite best value (for its step), and every charted one.
        var wanted: [(runID: String, key: String)] = []
        for summary in summaries {
            let best = rules.goal(for: summary.key) == .lower ? summary.min : summary.max
            if !best.isNaN || charts.contains(summary.key) { wanted.append((summary.runID, summary.key)) }
        }
        let series = try await fetchSeries(wanted)

        var bestSteps: [String: [String: Int64]] = [:]
        for summary in summaries {
            guard let points = series[SeriesID(runID: summary.runID, key: summary.key)] else { continue }
            let best = rules.goal(for: summary.key) == .lower ? summary.min : summary.max
            if let step = Comparison.firstStep(of: best, in: points) { bestSteps[summary.runID, default: [:]][summary.key] = step }
        }
        var comparison = Comparison.build(runs: runs, experimentNames: names, summaries: summaries, bestSteps: bestSteps, rules: rules)
        var chartKeys: [String] = []
        for key in charts where !chartKeys.contains(key) { chartKeys.append(key) }
        comparison.charts = chartKeys.map { key in
            Comparison.ChartData(key: key, series: runIDs.map { series[SeriesID(runID: $0, key: key)] })
        }
        return comparison
    }

    struct SeriesID: Hashable, Sendable {
        var runID: String
        var key: String
    }

    func fetchSeries(_ wanted: [(runID: String, key: String)]) async throws -> [SeriesID: MetricSeries] {
        let client = self.client
        let maxPoints = self.maxPoints
        return try await withThrowingTaskGroup(of: (SeriesID, MetricSeries).self) { group in
            var result: [SeriesID: MetricSeries] = [:]
            var next = 0
            func start() {
                guard next < wanted.count else { return }
                let item = wanted[next]
                next += 1
                group.addTask {
                    (SeriesID(runID: item.runID, key: item.key), try await client.series(runID: item.runID, key: item.key, maxPoints: maxPoints))
                }
            }
            for _ in 0..<max(1, concurrency) { start() }
            while let (id, series) = try await group.next() {
                result[id] = series
                start()
            }
            return result
        }
    }
}
