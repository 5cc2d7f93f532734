/// Reduces the points of a step range to at most `maxPoints` that keep the shape of the series:
/// the range is cut into equal buckets of steps and each bucket keeps its first, last, lowest and
/// highest point. Points may come in any order; memory is bounded by the output, never by the
/// series.
public struct SeriesDownsampler: Sendable {
    private struct Bucket: Sendable {
        var first: MetricPoint
        var last: MetricPoint
        var low: MetricPoint?
        var high: MetricPoint?
    }

    private let firstStep: Int64
    /// Steps per bucket, in exact integer arithmetic: steps span the whole Int64 range, far
    /// beyond what a Double holds exactly.
    private let bucketWidth: UInt64
    private let bucketCount: Int
    private let maxPoints: Int
    /// Points kept exactly while the range still fits whole.
    private var exact: [MetricPoint] = []
    private var overflowed = false
    /// One slot per bucket, indexed by bucket number (at most 25,000 of them), filled as points
    /// arrive: an array, not a dictionary, since every point of a long series lands here.
    private var buckets: [Bucket?] = []

    public init(firstStep: Int64, lastStep: Int64, maxPoints: Int) {
        self.firstStep = firstStep
        self.maxPoints = max(4, maxPoints)
        let bucketCount = max(1, self.maxPoints / 4)
        self.bucketCount = bucketCount
        // distance / width < bucketCount for every step of the range, so at most bucketCount
        // buckets exist and at most 4 points are kept in each.
        let distance = lastStep > firstStep ? UInt64(bitPattern: lastStep &- firstStep) : 0
        self.bucketWidth = distance / UInt64(bucketCount) + 1
    }

    public mutating func add(_ point: MetricPoint) {
        if !overflowed {
            if exact.count < maxPoints {
                exact.append(point)
                return
            }
            overflowed = true
            buckets = Array(repeating: nil, count: bucketCount)
            for kept in exact { addToBucket(kept) }
            exact = []
        }
        addToBucket(point)
    }

    /// The kept points ordered by step (then timestamp).
    public func finish() -> [MetricPoint] {
        if !overflowed { return exact.sorted(by: Self.stepOrder) }
        var result: [MetricPoint] = []
        result.reserveCapacity(maxPoints)
        for case let bucket? in buckets {
            var picked = [bucket.first]
            for candidate in [bucket.low, bucket.high, bucket.last].compactMap({ $0 }) where !picked.contains(candidate) {
                picked.append(candidate)
            }
            picked.sort(by: Self.stepOrder)
            result.append(contentsOf: picked)
        }
        return result
    }

    static func stepOrder(_ a: MetricPoint, _ b: MetricPoint) -> Bool {
        if a.step != b.step { return a.step < b.step }
        if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
        return a.value.orderPreservingBits < b.value.orderPreservingBits
    }

    private mutating func addToBucket(_ point: MetricPoint) {
        let offset = point.step > firstStep ? UInt64(bitPattern: point.step &- firstStep) : 0
        let index = Int(min(offset / bucketWidth, UInt64(bucketCount - 1)))
        let valued: MetricPoint? = point.value.isNaN ? nil : point
        if buckets[index] == nil {
            buckets[index] = Bucket(first: point, last: point, low: valued, high: valued)
        } else {
            Self.update(&buckets[index]!, with: point, valued: valued)
        }
    }

    @inline(__always)
    private static func update(_ bucket: inout Bucket, with point: MetricPoint, valued: MetricPoint?) {
        if stepOrder(point, bucket.first) { bucket.first = point }
        if stepOrder(bucket.last, point) { bucket.last = point }
        if let valued {
            if bucket.low.map({ valued.value < $0.value }) ?? true { bucket.low = valued }
            if bucket.high.map({ valued.value > $0.value }) ?? true { bucket.high = valued }
        }
    }
}
