import Testing
@testable import TrackCore

/// The downsampler against a plain restatement of its contract: the step range cut into
/// `maxPoints / 4` equal buckets, each keeping its first and last point by step and its lowest
/// and highest value (the first such point seen on ties, NaN never), all ordered by step.
@Suite struct SeriesDownsamplerTests {
    private static func reference(_ points: [MetricPoint], first: Int64, last: Int64, maxPoints: Int) -> [MetricPoint] {
        if points.count <= maxPoints { return points.sorted(by: SeriesDownsampler.stepOrder) }
        let count = max(1, maxPoints / 4)
        let width = UInt64(bitPattern: last &- first) / UInt64(count) + 1
        var groups: [Int: [MetricPoint]] = [:]
        for point in points {
            groups[Int(min(UInt64(bitPattern: point.step &- first) / width, UInt64(count - 1))), default: []].append(point)
        }
        var result: [MetricPoint] = []
        for index in groups.keys.sorted() {
            let group = groups[index]!
            var picked: [MetricPoint] = []
            let byStep = group.sorted(by: SeriesDownsampler.stepOrder)
            picked.append(byStep.first!)
            let valued = group.filter { !$0.value.isNaN }
            if let low = valued.min(by: { $0.value < $1.value }), !picked.contains(low) { picked.append(low) }
            if let high = valued.max(by: { $0.value < $1.value }).flatMap({ top in valued.first { $0.value == top.value } }),
               !picked.contains(high) { picked.append(high) }
            if !picked.contains(byStep.last!) { picked.append(byStep.last!) }
            result.append(contentsOf: picked.sorted(by: SeriesDownsampler.stepOrder))
        }
        return result
    }

    @Test(arguments: [4, 7, 40, 1000])
    func matchesTheReferenceOnShuffledSeriesWithTiesAndNaN(maxPoints: Int) {
        var random = SeededRandom(seed: UInt64(maxPoints))
        for trial in 0..<40 {
            let count = Int.random(in: 1...3000, using: &random)
            let span = Int64.random(in: 0...5000, using: &random)
            var points: [MetricPoint] = []
            for index in 0..<count {
                let roll = Int.random(in: 0..<20, using: &random)
                let value: Double = roll == 0 ? .nan : roll == 1 ? .infinity : roll == 2 ? -.infinity : Double(Int.random(in: -5...5, using: &random))
                points.append(MetricPoint(step: Int64.random(in: 0...span, using: &random), timestamp: Int64(index % 7), value: value))
            }
            if trial.isMultiple(of: 2) { points.shuffle(using: &random) }
            let first = points.map(\.step).min()!
            let last = points.map(\.step).max()!
            var sampler = SeriesDownsampler(firstStep: first, lastStep: last, maxPoints: maxPoints)
            for point in points { sampler.add(point) }
            let got = sampler.finish()
            let want = Self.reference(points, first: first, last: last, maxPoints: maxPoints)
            #expect(got.count == want.count, "trial \(trial): \(got.count) points, want \(want.count)")
            #expect(zip(got, want).allSatisfy { $0.step == $1.step && $0.timestamp == $1.timestamp && $0.value.bitPattern == $1.value.bitPattern },
                    "trial \(trial): points differ from the reference")
        }
    }

    @Test func stepsAcrossTheWholeInt64RangeStayInRange() {
        var sampler = SeriesDownsampler(firstStep: .min, lastStep: .max, maxPoints: 8)
        for step in [Int64.min, -1, 0, 1, .max, .min + 1, .max - 1, 42, -42] {
            sampler.add(MetricPoint(step: step, timestamp: 0, value: Double(step % 10)))
        }
        let result = sampler.finish()
        #expect(result.first?.step == .min)
        #expect(result.last?.step == .max)
        #expect(result.count <= 8)
    }
}
