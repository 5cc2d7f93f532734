/// One logged metric value: a key, a value (NaN and ±infinity allowed), a wall-clock timestamp in
/// epoch milliseconds and a step.
public struct Metric: Sendable, Equatable {
    public var key: String
    public var value: Double
    public var timestamp: Int64
    public var step: Int64

    public init(key: String, value: Double, timestamp: Int64, step: Int64 = 0) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.step = step
    }

    /// Equality that treats two NaNs with the same bits as equal, so stored points compare exactly.
    public static func == (lhs: Metric, rhs: Metric) -> Bool {
        lhs.key == rhs.key && lhs.timestamp == rhs.timestamp && lhs.step == rhs.step
            && lhs.value.bitPattern == rhs.value.bitPattern
    }
}

/// A metric point without its key, as stored in one series.
public struct MetricPoint: Sendable, Equatable {
    public var step: Int64
    public var timestamp: Int64
    public var value: Double

    public init(step: Int64, timestamp: Int64, value: Double) {
        self.step = step
        self.timestamp = timestamp
        self.value = value
    }

    public static func == (lhs: MetricPoint, rhs: MetricPoint) -> Bool {
        lhs.timestamp == rhs.timestamp && lhs.step == rhs.step && lhs.value.bitPattern == rhs.value.bitPattern
    }
}

/// Summary of one run's series for a key, maintained at write time.
public struct MetricSummary: Sendable, Equatable {
    public var key: String
    /// The latest point by MLflow's rule: the largest `(step, timestamp, value)`.
    public var latest: MetricPoint
    public var min: Double
    public var max: Double
    public var count: Int64

    public init(key: String, latest: MetricPoint, min: Double, max: Double, count: Int64) {
        self.key = key
        self.latest = latest
        self.min = min
        self.max = max
        self.count = count
    }
}

/// Which series, and how many points it held: see ``TrackingStore/metricSeriesRevision(runID:key:)``.
public struct MetricSeriesRevision: Sendable, Hashable {
    public var series: Int64
    public var points: Int64

    public init(series: Int64, points: Int64) {
        self.series = series
        self.points = points
    }
}
