import Foundation

/// A tiny deterministic random generator (SplitMix64), so every run of the demo sees the same data.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func gaussian() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let v = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

/// The two-spirals dataset: two interleaved arms, one per class.
struct Spirals {
    var x: [Double]   // n × 2, row-major
    var y: [Double]   // n, 0 or 1
    var count: Int { y.count }

    init(pointsPerClass: Int, noise: Double, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        x = []
        y = []
        for index in 0..<pointsPerClass {
            let t = Double(index) / Double(pointsPerClass) * 4 * .pi + 0.5
            for label in 0..<2 {
                let sign: Double = label == 0 ? 1 : -1
                x.append(sign * t * cos(t) / 5 + noise * rng.gaussian())
                x.append(sign * t * sin(t) / 5 + noise * rng.gaussian())
                y.append(Double(label))
            }
        }
    }
}

/// A 2 → hidden (tanh) → 1 (sigmoid) network trained on binary cross-entropy with Adam,
/// forward and backward written out by hand.
struct MLP {
    let hidden: Int
    var w1: [Double], b1: [Double], w2: [Double], b2: Double
    // Adam's first and second moments, per parameter group.
    private var mw1: [Double], vw1: [Double], mb1: [Double], vb1: [Double], mw2: [Double], vw2: [Double]
    private var mb2 = [0.0], vb2 = [0.0]
    private var t = 0

    init(hidden: Int, seed: UInt64) {
        self.hidden = hidden
        var rng = SplitMix64(seed: seed)
        let scale1 = (1.0 / 2).squareRoot(), scale2 = (1.0 / Double(hidden)).squareRoot()
        w1 = (0..<(2 * hidden)).map { _ in rng.gaussian() * scale1 * 1.5 }
        b1 = [Double](repeating: 0, count: hidden)
        w2 = (0..<hidden).map { _ in rng.gaussian() * scale2 }
        b2 = 0
        mw1 = [Double](repeating: 0, count: 2 * hidden); vw1 = mw1
        mb1 = [Double](repeating: 0, count: hidden); vb1 = mb1
        mw2 = mb1; vw2 = mb1
    }

    /// One full-batch Adam step; returns (loss, accuracy) before the update.
    mutating func step(_ data: Spirals, learningRate: Double) -> (loss: Double, accuracy: Double) {
        let n = data.count, h = hidden
        var gw1 = [Double](repeating: 0, count: 2 * h), gb1 = [Double](repeating: 0, count: h)
        var gw2 = [Double](repeating: 0, count: h), gb2 = 0.0
        var loss = 0.0, correct = 0
        var activation = [Double](repeating: 0, count: h)
        data.x.withUnsafeBufferPointer { x in
            w1.withUnsafeBufferPointer { w1 in
                w2.withUnsafeBufferPointer { w2 in
                    for i in 0..<n {
                        let x0 = x[2 * i], x1 = x[2 * i + 1]
                        var z2 = b2
                        for j in 0..<h {
                            let a = tanh(w1[2 * j] * x0 + w1[2 * j + 1] * x1 + b1[j])
                            activation[j] = a
                            z2 += w2[j] * a
                        }
                        let p = 1 / (1 + exp(-z2))
                        let target = data.y[i]
                        let clipped = min(max(p, 1e-12), 1 - 1e-12)
                        loss -= target * log(clipped) + (1 - target) * log(1 - clipped)
                        if (p >= 0.5) == (target == 1) { correct += 1 }
                        let dz2 = (p - target) / Double(n)
                        gb2 += dz2
                        for j in 0..<h {
                            let a = activation[j]
                            gw2[j] += dz2 * a
                            let dz1 = dz2 * w2[j] * (1 - a * a)
                            gw1[2 * j] += dz1 * x0
                            gw1[2 * j + 1] += dz1 * x1
                            gb1[j] += dz1
                        }
                    }
                }
            }
        }
        t += 1
        Self.adam(&w1, gw1, &mw1, &vw1, t, learningRate)
        Self.adam(&b1, gb1, &mb1, &vb1, t, learningRate)
        Self.adam(&w2, gw2, &mw2, &vw2, t, learningRate)
        var b2Array = [b2]
        Self.adam(&b2Array, [gb2], &mb2, &vb2, t, learningRate)
        b2 = b2Array[0]
        return (loss / Double(n), Double(correct) / Double(n))
    }

    private static func adam(
        _ parameters: inout [Double], _ gradient: [Double], _ m: inout [Double], _ v: inout [Double], _ t: Int, _ learningRate: Double
    ) {
        let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
        let c1 = 1 - pow(beta1, Double(t)), c2 = 1 - pow(beta2, Double(t))
        for k in parameters.indices {
            m[k] = beta1 * m[k] + (1 - beta1) * gradient[k]
            v[k] = beta2 * v[k] + (1 - beta2) * gradient[k] * gradient[k]
            parameters[k] -= learningRate * (m[k] / c1) / ((v[k] / c2).squareRoot() + epsilon)
        }
    }

    /// Accuracy on another set (no update).
    func accuracy(_ data: Spirals) -> Double {
        var correct = 0
        for i in 0..<data.count {
            var z2 = b2
            for j in 0..<hidden {
                z2 += w2[j] * tanh(w1[2 * j] * data.x[2 * i] + w1[2 * j + 1] * data.x[2 * i + 1] + b1[j])
            }
            if (z2 >= 0) == (data.y[i] == 1) { correct += 1 }
        }
        return Double(correct) / Double(data.count)
    }

    /// The weights as JSON, saved as the run's model artifact.
    func json() -> String {
        func list(_ values: [Double]) -> String { "[" + values.map { String($0) }.joined(separator: ",") + "]" }
        return "{\"hidden\":\(hidden),\"w1\":\(list(w1)),\"b1\":\(list(b1)),\"w2\":\(list(w2)),\"b2\":\(b2)}\n"
    }
}
