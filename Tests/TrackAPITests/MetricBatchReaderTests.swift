import Testing
import TrackAPI
import TrackCore

/// The direct reader of metrics-only `log-batch` bodies against the general reading
/// (``RequestParameters`` and ``WireDecoding``) that the route falls back to: whenever the
/// direct reader answers, the general reading gives the same run id and bit-identical metrics;
/// and it does answer for the usual shapes (the mlflow client's, with NaN and infinities as
/// strings, any member order, whitespace), so the comparison is not vacuous.
@Suite struct MetricBatchReaderTests {
    typealias Generator = JSONTestSupport.TreeGenerator

    /// What the route's general path reads from `bytes`: run id and metrics, with params and
    /// tags decoded too (the direct reader only answers when both are empty); nil for an error.
    static func generalReading(_ bytes: [UInt8]) -> (runID: String, metrics: [Metric], others: Int)? {
        let parameters = RequestParameters(jsonBody: bytes)
        do throws(TrackError) {
            let runID = try parameters.runID()
            let metrics = try WireDecoding.metrics(parameters.objects("metrics"))
            let params = try WireDecoding.keyValues(parameters.objects("params"), field: "params")
            let tags = try WireDecoding.keyValues(parameters.objects("tags"), field: "tags")
            return (runID, metrics, params.count + tags.count)
        } catch {
            return nil
        }
    }

    static func direct(_ bytes: [UInt8]) -> MetricBatch? {
        bytes.withUnsafeBytes { MetricBatchReader.read($0) }
    }

    static func sameMetrics(_ a: [Metric], _ b: [Metric]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy {
            Array($0.key.utf8) == Array($1.key.utf8) && $0.value.bitPattern == $1.value.bitPattern
                && $0.timestamp == $1.timestamp && $0.step == $1.step
        }
    }

    /// Checks the property for one body; returns whether the direct reader answered.
    @discardableResult
    static func check(_ bytes: [UInt8], _ comment: @autoclosure () -> String) -> Bool {
        guard let fast = direct(bytes) else { return false }
        guard let general = generalReading(bytes) else {
            Issue.record("the direct reader accepted what the general reading refuses: \(comment())")
            return true
        }
        #expect(fast.runID == general.runID, "\(comment())")
        #expect(general.others == 0, "\(comment())")
        #expect(sameMetrics(fast.metrics, general.metrics), "\(comment())")
        return true
    }

    static func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    @Test func readsTheMlflowClientsShape() throws {
        let body = """
            {"run_id": "4f1c2b0d9e8a4b7c9d0e1f2a3b4c5d6e", "metrics": [{"key": "loss", "value": 0.25, "timestamp": 1700000000000, "step": 3}, \
            {"key": "acc", "value": "NaN", "timestamp": 1700000000001, "step": 4}, {"key": "m", "value": "Infinity", "timestamp": 1, "step": 0}, \
            {"key": "m", "value": "-Infinity", "timestamp": 2}], "params": [], "tags": []}
            """
        let batch = try #require(Self.direct(Self.text(body)))
        #expect(batch.runID == "4f1c2b0d9e8a4b7c9d0e1f2a3b4c5d6e")
        #expect(batch.metrics.count == 4)
        #expect(batch.metrics[1].value.isNaN && batch.metrics[2].value == .infinity && batch.metrics[3].value == -.infinity)
        #expect(batch.metrics[3].step == 0)
        #expect(Self.check(Self.text(body), body))
    }

    @Test func leavesEveryOtherShapeToTheGeneralReading() {
        let refused = [
            #"{"run_id": "r", "metrics": [{"key": "k\u0031", "value": 1, "timestamp": 1}]}"#,  // escape
            #"{"run_id": "r", "metrics": [{"key": "é", "value": 1, "timestamp": 1}]}"#,  // non-ASCII
            #"{"run_id": "r", "metrics": [{"key": "k", "value": 1, "timestamp": 1, "extra": 0}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "k", "value": 1, "value": 2, "timestamp": 1}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "k", "value": null, "timestamp": 1}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "k", "value": true, "timestamp": 1}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "k", "value": 1, "timestamp": 1.5}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "k", "value": 1, "timestamp": "1"}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "k", "value": 1, "timestamp": 1, "step": null}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "k", "value": "abc", "timestamp": 1}]}"#,
            #"{"run_id": "r", "metrics": [{"key": "k", "value": 1}]}"#,
            #"{"run_id": "r", "metrics": [], "params": [{"key": "p", "value": "1"}]}"#,
            #"{"run_id": "r", "metrics": [], "run_uuid": "r"}"#,
            #"{"run_id": "", "metrics": []}"#,
            #"{"metrics": []}"#,
            #"{"run_id": "r", "metrics": [], "metrics": []}"#,
            #"{"run_id": "r", "metrics": [],}"#,
            #"{"run_id": "r", "metrics": [{"key": "k", "value": 01, "timestamp": 1}]}"#,
            #"{"run_id": "r", "metrics": []} x"#,
            #"\#u{FEFF}{"run_id": "r", "metrics": []}"#,
            #"[]"#, "", "{",
        ]
        for body in refused {
            #expect(Self.direct(Self.text(body)) == nil, "\(body)")
        }
    }

    /// Log-batch-like bodies with every variation the general reading handles: members in any
    /// order, unknown and repeated members, values of every JSON type and number shape, NaN and
    /// infinity spellings, escapes and unicode (through the loose serialiser), params and tags,
    /// then cut short or with a byte changed now and then.
    @Test func agreesWithTheGeneralReadingOnGeneratedBodies() {
        var generator = Generator(seed: 0x5EED_BA7C)
        var answered = 0
        let total = 6000
        for round in 0..<total {
            let tree = Self.batchTree(&generator)
            var bytes: [UInt8]
            if generator.chance(25) {
                bytes = Self.text(generator.loose(tree))
            } else {
                var writer = JSONWriter(capacity: 256)
                writer.value(tree)
                bytes = writer.bytes
            }
            if generator.chance(5), !bytes.isEmpty {
                bytes = Array(bytes.prefix(generator.int(bytes.count)))
            } else if generator.chance(5), !bytes.isEmpty {
                bytes[generator.int(bytes.count)] = generator.pick(Array("{}[]\",:0-.eE \\nNa".utf8))
            }
            if Self.check(bytes, "round \(round): \(String(decoding: bytes, as: UTF8.self))") { answered += 1 }
        }
        // Most generated bodies are of the usual shape; the comparison must have had something to compare.
        #expect(answered > total / 5, "the direct reader answered only \(answered) of \(total)")
    }

    /// Half the bodies are of the usual shape throughout, half have deviations here and there.
    static func batchTree(_ g: inout Generator) -> JSONValue {
        let noisy = g.chance(50)
        var members: [(String, JSONValue)] = []
        if !g.chance(3) { members.append(("run_id", g.chance(95) ? .string("run\(g.int(1000))") : Self.anyValue(&g))) }
        if !g.chance(3) {
            var metrics: [JSONValue] = []
            for _ in 0..<g.int(12) { metrics.append(!noisy || g.chance(95) ? Self.metricTree(&g, noisy: noisy) : Self.anyValue(&g)) }
            members.append(("metrics", g.chance(97) ? .array(metrics) : Self.anyValue(&g)))
        }
        if g.chance(30) { members.append(("params", g.chance(70) ? .array([]) : Self.keyValues(&g))) }
        if g.chance(30) { members.append(("tags", g.chance(70) ? .array([]) : Self.keyValues(&g))) }
        if g.chance(4) { members.append((g.pick(["run_uuid", "extra", "metrics", "run_id", "params"]), Self.anyValue(&g))) }
        if g.chance(5) { members.append(("run_id", .string("other"))) }
        members.shuffle(using: &g.rng)
        return .object(JSONObject(members))
    }

    static func metricTree(_ g: inout Generator, noisy: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = []
        let names = ["loss", "acc", "m0", "val/loss", "a b", "x"]
        if !noisy {
            members = [("key", .string(g.pick(names))), ("value", Self.valueTree(&g, noisy: false)), ("timestamp", Self.integerTree(&g, noisy: false))]
            if g.chance(85) { members.append(("step", Self.integerTree(&g, noisy: false))) }
            members.shuffle(using: &g.rng)
            return .object(JSONObject(members))
        }
        if !g.chance(2) { members.append(("key", g.chance(85) ? .string(g.pick(names)) : (g.chance(50) ? .string(g.string()) : Self.anyValue(&g)))) }
        if !g.chance(2) { members.append(("value", Self.valueTree(&g, noisy: true))) }
        if !g.chance(2) { members.append(("timestamp", Self.integerTree(&g, noisy: true))) }
        if g.chance(85) { members.append(("step", Self.integerTree(&g, noisy: true))) }
        if g.chance(3) { members.append((g.pick(["key", "value", "timestamp", "step", "other", "Key"]), Self.anyValue(&g))) }
        members.shuffle(using: &g.rng)
        return .object(JSONObject(members))
    }

    static func valueTree(_ g: inout Generator, noisy: Bool) -> JSONValue {
        switch g.int(20) {
        case 0: return .string(g.pick(["NaN", "Infinity", "-Infinity", "nan", " inf ", "+NaN", "1.5", "-0", "1e400", "abc", "", "0x10"]))
        case 1 where noisy: return Self.anyValue(&g)
        case 2, 3, 4: return .number(JSONNumber(g.numberText())!)
        default:
            let value = Double(bitPattern: g.rng.next())
            return value.isFinite ? .number(JSONNumber(String(value))!) : .string("NaN")
        }
    }

    static func integerTree(_ g: inout Generator, noisy: Bool) -> JSONValue {
        switch g.int(20) {
        case 0 where noisy: return Self.anyValue(&g)
        case 1 where noisy: return .number(JSONNumber(g.numberText())!)
        case 2: return .number(JSONNumber(g.pick(["9223372036854775807", "-9223372036854775808", "9223372036854775808", "1.0e3", "2e-1", "-0", "0.0"]))!)
        default: return .number(JSONNumber(String(Int64(g.int(2_000_000_000_000)) - 10))!)
        }
    }

    static func keyValues(_ g: inout Generator) -> JSONValue {
        .array((0..<(1 + g.int(3))).map { _ in .object(JSONObject([("key", .string("k\(g.int(5))")), ("value", .string("v"))])) })
    }

    static func anyValue(_ g: inout Generator) -> JSONValue {
        g.maxDepth = 2
        return g.value()
    }
}
