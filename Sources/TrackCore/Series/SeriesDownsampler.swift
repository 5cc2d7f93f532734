/// Reduces a step-ordered stream of points to at most `maxPoints` that keep the shape of the
/// series: the step range is cut into equal buckets and each bucket keeps its first, last,
/// lowest and highest point. Memory is bounded by the output, never by the series.
public struct SeriesDownsampler: Sendable {
    private struct Bucket: Sendable {
        var first: MetricPoint
        var last: MetricPoint
        var low: MetricPoint?
        var high: MetricPoint?
    }

    private let firstStep: Int64
    private let bucketWidth: Double
    private let maxPoints: Int
    /// Points kept exactly while the stream is still small enough to return whole.
    private var exact: [MetricPoint] = []
    private var overflowed = false
    private var buckets: [Int: Bucket] = [:]
    private var bucketOrder: [Int] = []

    public init(firstStep: Int64, lastStep: Int64, maxPoints: Int) {
        self.firstStep = firstStep
        self.maxPoints = max(4, maxPoints)
        let bucketCount = max(1, self.maxPoints / 4)
        self.bucketWidth = max(1, (Double(lastStep) - Double(firstStep) + 1) / Double(bucketCount))
    }

    /// Adds the next point; points must come in step order.
    public mutating func add(_ point: MetricPoint) {
        if !overflowed {
            if exact.count < maxPoints {
                exact.append(point)
                return
            }
            overflowed = true
            for kept in exact { addToBucket(kept) }
            exact = []
        }
        addToBucket(point)
    }

    /// The kept points in step order.
    public func finish() -> [MetricPoint] {
        if !overflowed { return exact }
        var result: [MetricPoint] = []
        result.reserveCapacity(bucketOrder.count * 4)
        for index in bucketOrder {
            guard let bucket = buckets[index] else { continue }
            var picked = [bucket.first]
            for candidate in [bucket.low, bucket.high, bucket.last].compactMap({ $0 }) where !picked.contains(candidate) {
                picked.append(candidate)
            }
            picked.sort { ($0.step, $0.timestamp) < ($1.step, $1.timestamp) }
            result.append(contentsOf: picked)
        }
        return result
    }

    private mutating func addToBucket(_ point: MetricPoint) {
        let index = Int((Double(point.step) - Double(firstStep)) / bucketWidth)
        if var bucket = buckets[index] {
            bucket.last = point
            if !point.value.isNaN {
                if bucket.low.map({ point.value < $0.value }) ?? true { bucket.low = point }
                if bucket.high.map({ point.value > $0.value }) ?? true { bucket.high = point }
            }
            buckets[index] = bucket
        } else {
            let valued: MetricPoint? = point.value.isNaN ? nil : point
            buckets[index] = Bucket(first: point, last: point, low: valued, high: valued)
            bucketOrder.append(index)
        }
    }
}
