/// One complete `runs/log-batch` request (head and JSON body) encoded once, whose steps and
/// timestamps are rewritten in place for every send: each request carries new points, and the
/// load generator never formats JSON while it is timed.
///
/// Steps are written with a fixed width of 10 digits (from 1,000,000,000) and timestamps with
/// 13, so rewriting them never moves a byte and `Content-Length` stays valid.
struct BatchTemplate {
    static let firstStep: Int64 = 1_000_000_000
    static let baseTimestamp: Int64 = 1_700_000_000_000

    private(set) var bytes: [UInt8]
    /// Offsets of every metric's step digits and timestamp digits, and its step within the batch.
    private var stepOffsets: [Int] = []
    private var timestampOffsets: [Int] = []
    private var stepDeltas: [Int64] = []
    let pointCount: Int
    let stepsPerRequest: Int64

    /// A batch of `stepsPerRequest` steps of `metricKeys.count` metrics for `runID`; `values`
    /// supplies the value of metric `k` at relative step `s`.
    init(host: String, port: Int, runID: String, metricKeys: [String], stepsPerRequest: Int, values: (Int, Int) -> Double) {
        var body: [UInt8] = []
        var stepOffsets: [Int] = []
        var timestampOffsets: [Int] = []
        var stepDeltas: [Int64] = []
        body.append(contentsOf: #"{"run_id":""#.utf8)
        body.append(contentsOf: runID.utf8)
        body.append(contentsOf: #"","metrics":["#.utf8)
        for step in 0..<stepsPerRequest {
            for (k, key) in metricKeys.enumerated() {
                if step > 0 || k > 0 { body.append(UInt8(ascii: ",")) }
                body.append(contentsOf: #"{"key":""#.utf8)
                body.append(contentsOf: key.utf8)
                body.append(contentsOf: #"","value":"#.utf8)
                body.append(contentsOf: String(values(k, step)).utf8)
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
