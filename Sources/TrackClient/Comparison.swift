import TrackCore

/// Which way a metric improves.
public enum MetricGoal: String, Sendable, Equatable {
    case lower
    case higher
}

/// Decides a metric's goal: `--lower`/`--higher` first, then the name: lower is better for names
/// containing loss, error, err, rmse, mae, mse or perplexity (any case), higher otherwise.
public struct MetricGoalRules: Sendable, Equatable {
    public var lower: Set<String>
    public var higher: Set<String>

    public static let lowerIsBetterWords = ["loss", "error", "err", "rmse", "mae", "mse", "perplexity"]

    public init(lower: [String] = [], higher: [String] = []) {
        self.lower = Set(lower)
        self.higher = Set(higher)
    }

    public func goal(for key: String) -> MetricGoal {
        if lower.contains(key) { return .lower }
        if higher.contains(key) { return .higher }
        let name = key.lowercased()
        return Self.lowerIsBetterWords.contains { name.contains($0) } ? .lower : .higher
    }
}

/// One metric of one run, as compared.
public struct MetricStats: Sendable, Equatable {
    public var last: Double
    public var lastStep: Int64
    public var min: Double
    public var max: Double
    public var count: Int64
    /// The step where the best value (min or max by the goal) was first seen; nil when unknown
    /// (the series held no finite value).
    public var bestStep: Int64?

    public init(last: Double, lastStep: Int64, min: Double, max: Double, count: Int64, bestStep: Int64?) {
        self.last = last
        self.lastStep = lastStep
        self.min = min
        self.max = max
        self.count = count
        self.bestStep = bestStep
    }

    public func best(_ goal: MetricGoal) -> Double { goal == .lower ? min : max }

    public static func == (a: MetricStats, b: MetricStats) -> Bool {
        a.last.bitPattern == b.last.bitPattern && a.lastStep == b.lastStep && a.min.bitPattern == b.min.bitPattern
            && a.max.bitPattern == b.max.bitPattern && a.count == b.count && a.bestStep == b.bestStep
    }
}

/// A metric across the compared runs.
public struct ComparedMetric: Sendable, Equatable {
    public var key: String
    public var goal: MetricGoal
    /// One entry per run (nil when the run has no such metric).
    public var stats: [MetricStats?]
    /// Indexes of the runs with the best value. Empty when fewer than two runs have a finite
    /// best value, or when they all tie (nobody is better).
    public var winners: [Int]
}

/// A param or tag across the compared runs.
public struct ComparedValue: Sendable, Equatable {
    public var key: String
    /// One entry per run (nil when the run does not have it).
    public var values: [String?]
    /// Whether the runs disagree (a missing value differs from any value).
    public var differs: Bool
    /// Whether this is a system tag: `mlflow.*`, or `track.*` (set by the trackers: run key,
    /// heartbeat, host, pid…, which differ between any two runs).
    public var isSystem: Bool
}

/// Everything `track compare` shows, computed from what the server returned.
public struct Comparison: Sendable, Equatable {
    public var runs: [RunInfo]
    /// Experiment names by id, for the headers.
    public var experimentNames: [String: String]
    public var params: [ComparedValue]
    public var metrics: [ComparedMetric]
    public var tags: [ComparedValue]
    /// The series of the metrics asked for with `--metric`, one entry per run (nil when the run
    /// has no such metric).
    public var charts: [ChartData] = []

    public struct ChartData: Sendable, Equatable {
        public var key: String
        public var series: [MetricSeries?]

        public init(key: String, series: [MetricSeries?]) {
            self.key = key
            self.series = series
        }
    }

    /// Builds the comparison. `bestSteps[runID][key]` is the step of the best value where known.
    public static func build(
        runs: [Run], experimentNames: [String: String] = [:], summaries: [RunMetricSummary],
        bestSteps: [String: [String: Int64]] = [:], rules: MetricGoalRules = MetricGoalRules()
    ) -> Comparison {
        let params = compareValues(runs.map { Dictionary($0.data.params.map { ($0.key, $0.value) }, uniquingKeysWith: { _, b in b }) })
        let tags = compareValues(runs.map { Dictionary($0.data.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, b in b }) })
        var byRun: [String: [String: RunMetricSummary]] = [:]
        for summary in summaries { byRun[summary.runID, default: [:]][summary.key] = summary }
        var keys = Set<String>()
        for run in runs { if let runKeys = byRun[run.info.runID]?.keys { keys.formUnion(runKeys) } }
        let metrics = keys.sorted().map { key -> ComparedMetric in
            let goal = rules.goal(for: key)
            let stats = runs.map { run -> MetricStats? in
                guard let s = byRun[run.info.runID]?[key] else { return nil }
                return MetricStats(
                    last: s.last, lastStep: s.lastStep, min: s.min, max: s.max, count: s.count,
                    bestStep: bestSteps[run.info.runID]?[key]
                )
            }
            return ComparedMetric(key: key, goal: goal, stats: stats, winners: winners(stats, goal: goal))
        }
        return Comparison(runs: runs.map(\.info), experimentNames: experimentNames, params: params, metrics: metrics, tags: tags)
    }

    /// The runs whose best value is the best of all (see ``ComparedMetric/winners``).
    public static func winners(_ stats: [MetricStats?], goal: MetricGoal) -> [Int] {
        let bests: [(Int, Double)] = stats.enumerated().compactMap { index, s in
            guard let value = s?.best(goal), !value.isNaN else { return nil }
            return (index, value)
        }
        guard bests.count >= 2 else { return [] }
        let target = goal == .lower ? bests.map(\.1).min()! : bests.map(\.1).max()!
        let winners = bests.filter { $0.1 == target }.map(\.0)
        return winners.count == bests.count ? [] : winners
    }

    static func compareValues(_ maps: [[String: String]]) -> [ComparedValue] {
        var keys = Set<String>()
        for map in maps { keys.formUnion(map.keys) }
        return keys.sorted().map { key in
            let values = maps.map { $0[key] }
            let differs = Set(values.map { $0 ?? "\u{0}missing" }).count > 1
            return ComparedValue(key: key, values: values, differs: differs, isSystem: isSystemTag(key))
        }
    }

    /// Tags the trackers and MLflow set themselves: hidden from comparisons unless `--all`.
    public static func isSystemTag(_ key: String) -> Bool {
        key.hasPrefix("mlflow.") || key.hasPrefix("track.")
    }

    /// The step where `target` first occurs in a series (by step), or nil. Exact when the series
    /// holds every point; a downsampled series keeps every bucket's lowest and highest point, so
    /// the extreme value is always among them (with ties, the earliest kept one is found).
    public static func firstStep(of target: Double, in series: MetricSeries) -> Int64? {
        guard !target.isNaN else { return nil }
        var found: Int64?
        for (step, value) in zip(series.steps, series.values) where value == target {
            if found.map({ step < $0 }) ?? true { found = step }
        }
        return found
    }
}
