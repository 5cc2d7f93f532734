/// One complete `runs/log-batch` request (head and JSON body) encoded once, whose steps and
/// timestamps are rewritten in place for every send: each request carries new points, and the
/// load generator never formats JSON while it is timed.
///
/// Steps are written with a fixed width of 10 digits (from 1,000,000,000), timestamps with 13
/// and values as `0.` and 16 digits, so rewriting them never moves a byte and `Content-Length`
/// stays valid. A value keeps its first two digits (each metric has its own level) and gets 14
/// new random digits per request, like a noisy training metric: nothing repeats that a
/// compressor could exploit and real data would not offer.
struct BatchTemplate {
    static let firstStep: Int64 = 1_000_000_000
    static let baseTimestamp: Int64 = 1_700_000_000_000

    private(set) var bytes: [UInt8]
    /// Offsets of every metric's step digits and timestamp digits, and its step within the batch.
    private var stepOffsets: [Int] = []
    private var timestampOffsets: [Int] = []
    private var stepDeltas: [Int64] = []
    private var valueOffsets: [Int] = []
    private var random: UInt64
    let pointCount: Int
    let stepsPerRequest: Int64

    /// A batch of `stepsPerRequest` steps of `metricKeys.count` metrics for `runID`.
    init(host: String, port: Int, runID: String, metricKeys: [String], stepsPerRequest: Int, seed: UInt64) {
        var body: [UInt8] = []
        var stepOffsets: [Int] = []
        var timestampOffsets: [Int] = []
        var stepDeltas: [Int64] = []
        var valueOffsets: [Int] = []
        body.append(contentsOf: #"{"run_id":""#.utf8)
        body.append(contentsOf: runID.utf8)
        body.append(contentsOf: #"","metrics":["#.utf8)
        for step in 0..<stepsPerRequest {
            for (k, key) in metricKeys.enumerated() {
                if step > 0 || k > 0 { body.append(UInt8(ascii: ",")) }
                body.append(contentsOf: #"{"key":""#.utf8)
                body.append(contentsOf: key.utf8)
                body.append(contentsOf: #"","value":"#.utf8)
                body.append(contentsOf: "0.".utf8)
                valueOffsets.append(body.count)
                // The metric's level: 0.10 ... 0.99, then 14 digits rewritten per request.
                let level = 10 + (k * 37) % 90
                body.append(contentsOf: String(level).utf8)
                body.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 14))
                body.append(contentsOf: #","timestamp":"#.utf8)
                timestampOffsets.append(body.count)
                body.append(contentsOf: String(Self.baseTimestamp).utf8)
                body.append(contentsOf: #","step":"#.utf8)
                stepOffsets.append(body.count)
                body.append(contentsOf: String(Self.firstStep).utf8)
                body.append(UInt8(ascii: "}"))
                stepDeltas.append(Int64(step))
            }
        }
        body.append(contentsOf: "]}".utf8)
        let head = Array((
            "POST /api/2.0/mlflow/runs/log-batch HTTP/1.1\r\nHost: \(host):\(port)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        ).utf8)
        bytes = head + body
        self.stepOffsets = stepOffsets.map { $0 + head.count }
        self.timestampOffsets = timestampOffsets.map { $0 + head.count }
        self.stepDeltas = stepDeltas
        self.valueOffsets = valueOffsets.map { $0 + head.count }
        random = seed | 1
        pointCount = stepDeltas.count
        self.stepsPerRequest = Int64(stepsPerRequest)
    }

    /// Rewrites the batch to hold request number `sequence` of its run: steps
    /// `firstStep + sequence * stepsPerRequest ...`, timestamps one millisecond per step.
    mutating func prepare(sequence: Int64) {
        let first = Self.firstStep + sequence * stepsPerRequest
        bytes.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<stepDeltas.count {
                let step = first + stepDeltas[index]
                Self.writeDigits(step, width: 10, into: buffer, at: stepOffsets[index])
                Self.writeDigits(Self.baseTimestamp + (step - Self.firstStep), width: 13, into: buffer, at: timestampOffsets[index])
                // xorshift64: 14 digits from one draw (10^14 < 2^47).
                random ^= random << 13
                random ^= random >> 7
                random ^= random << 17
                Self.writeDigits(Int64(random % 100_000_000_000_000), width: 14, into: buffer, at: valueOffsets[index] + 2)
            }
        }
    }

    @inline(__always)
    private static func writeDigits(_ value: Int64, width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var remaining = value
        var index = offset + width - 1
        while index >= offset {
            buffer[index] = UInt8(truncatingIfNeeded: 48 + remaining % 10)
            remaining /= 10
            index -= 1
        }
    }
}
