import TrackCore

/// A `runs/log-batch` body that carries metrics and nothing else: its run id and its metrics.
public struct MetricBatch: Sendable {
    public var runID: String
    public var metrics: [Metric]
}

/// Reads the usual shape of a metrics-only `runs/log-batch` body straight into metrics, without
/// building a JSON tree: `{"run_id": "…", "metrics": [{"key": …, "value": …, "timestamp": …,
/// "step": …}, …]}`, members in any order, with any whitespace, `params` and `tags` allowed as
/// empty arrays.
///
/// It reads only what it can read exactly as the general path (``RequestParameters`` and
/// ``WireDecoding``) does and answers nil for anything else: escapes or non-ASCII in strings,
/// other members, repeated members, nulls, booleans, non-integral timestamps or steps, and every
/// malformed document. The caller then takes the general path, which gives the same metrics or
/// the error, so this reader never decides an error and never accepts what that path refuses.
public enum MetricBatchReader {
    public static func read(_ bytes: UnsafeRawBufferPointer) -> MetricBatch? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        var reader = Reader(parser: JSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count))
        return reader.batch()
    }

    /// The member names this reader knows.
    private enum Member {
        case runID, metrics, params, tags, key, value, timestamp, step
    }

    private struct Reader {
        var parser: JSONParser

        var base: UnsafePointer<UInt8> { parser.base }
        var end: Int { parser.end }

        mutating func batch() -> MetricBatch? {
            parser.skipWhitespace()
            guard consume(UInt8(ascii: "{")) else { return nil }
            var runID: String?
            var metrics: [Metric]?
            var sawParams = false
            var sawTags = false
            parser.skipWhitespace()
            if parser.i < end, base[parser.i] == UInt8(ascii: "}") { return nil }
            while true {
                guard let name = memberName() else { return nil }
                switch name {
                case .runID:
                    guard runID == nil, let id = plainString(), !id.isEmpty else { return nil }
                    runID = id
                case .metrics:
                    guard metrics == nil, let read = metricList() else { return nil }
                    metrics = read
                case .params:
                    // Only empty: the general path reads and validates the rest.
                    guard !sawParams, emptyList() else { return nil }
                    sawParams = true
                case .tags:
                    guard !sawTags, emptyList() else { return nil }
                    sawTags = true
                default:
                    return nil
                }
                guard let more = separator(close: UInt8(ascii: "}")) else { return nil }
                if !more { break }
            }
            parser.skipWhitespace()
            guard parser.i == end, let runID, let metrics else { return nil }
            return MetricBatch(runID: runID, metrics: metrics)
        }

        /// `[` metric objects `]`.
        mutating func metricList() -> [Metric]? {
            parser.skipWhitespace()
            guard consume(UInt8(ascii: "[")) else { return nil }
            var metrics: [Metric] = []
            parser.skipWhitespace()
            if consume(UInt8(ascii: "]")) { return metrics }
            metrics.reserveCapacity(Swift.min(1000, (end - parser.i) / 40 + 1))
            while true {
                guard let metric = metric() else { return nil }
                metrics.append(metric)
                guard let more = separator(close: UInt8(ascii: "]")) else { return nil }
                if !more { return metrics }
            }
        }

        /// `{"key": "…", "value": …, "timestamp": …, "step": …}` in any order, `step` optional.
        mutating func metric() -> Metric? {
            parser.skipWhitespace()
            guard consume(UInt8(ascii: "{")) else { return nil }
            var key: String?
            var value: Double?
            var timestamp: Int64?
            var step: Int64?
            while true {
                guard let name = memberName() else { return nil }
                switch name {
                case .key:
                    guard key == nil, let text = plainString() else { return nil }
                    key = text
                case .value:
                    guard value == nil, let number = metricValue() else { return nil }
                    value = number
                case .timestamp:
                    guard timestamp == nil, let number = integer() else { return nil }
                    timestamp = number
                case .step:
                    guard step == nil, let number = integer() else { return nil }
                    step = number
                default:
                    return nil
                }
                guard let more = separator(close: UInt8(ascii: "}")) else { return nil }
                if !more { break }
            }
            guard let key, let value, let timestamp else { return nil }
            return Metric(key: key, value: value, timestamp: timestamp, step: step ?? 0)
        }

        // MARK: - Pieces

        @inline(__always)
        mutating func consume(_ byte: UInt8) -> Bool {
            guard parser.i < end, base[parser.i] == byte else { return false }
            parser.i += 1
            return true
        }

        /// A known member's name and the colon after it, matched on the bytes (an escaped or
        /// unknown name is nil).
        mutating func memberName() -> Member? {
            parser.skipWhitespace()
            guard parser.i < end, base[parser.i] == UInt8(ascii: "\"") else { return nil }
            let start = parser.i + 1
            var index = start
            while index < end, base[index] != UInt8(ascii: "\""), base[index] != UInt8(ascii: "\\") { index += 1 }
            guard index < end, base[index] == UInt8(ascii: "\"") else { return nil }
            let name = UnsafeBufferPointer(start: base + start, count: index - start)
            let member: Member
            switch name.count {
            case 3 where Self.equal(name, "key"): member = .key
            case 4 where Self.equal(name, "tags"): member = .tags
            case 4 where Self.equal(name, "step"): member = .step
            case 5 where Self.equal(name, "value"): member = .value
            case 6 where Self.equal(name, "run_id"): member = .runID
            case 6 where Self.equal(name, "params"): member = .params
            case 7 where Self.equal(name, "metrics"): member = .metrics
            case 9 where Self.equal(name, "timestamp"): member = .timestamp
            default: return nil
            }
            parser.i = index + 1
            parser.skipWhitespace()
            return consume(UInt8(ascii: ":")) ? member : nil
        }

        @inline(__always)
        static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
            guard bytes.count == name.utf8CodeUnitCount else { return false }
            let expected = name.utf8Start
            for index in 0..<bytes.count where bytes[index] != expected[index] { return false }
            return true
        }

        /// After a member or element: true after a comma, false after `close`, nil otherwise.
        mutating func separator(close: UInt8) -> Bool? {
            parser.skipWhitespace()
            if consume(UInt8(ascii: ",")) { return true }
            return consume(close) ? false : nil
        }

        /// A string of printable ASCII without escapes, at the cursor after whitespace.
        mutating func plainString() -> String? {
            parser.skipWhitespace()
            guard parser.i < end, base[parser.i] == UInt8(ascii: "\"") else { return nil }
            return parser.parsePlainString()
        }

        /// The bytes of a number literal that follows the JSON grammar.
        mutating func numberLiteral() -> UnsafeBufferPointer<UInt8>? {
            parser.skipWhitespace()
            guard parser.i < end, base[parser.i] == UInt8(ascii: "-") || JSONParser.isDigit(base[parser.i]) else { return nil }
            guard let start = try? parser.scanNumber() else { return nil }
            return UnsafeBufferPointer(start: base + start, count: parser.i - start)
        }

        /// A value as ``RequestParameters`` reads it from a number or from a string such as `"NaN"`.
        mutating func metricValue() -> Double? {
            parser.skipWhitespace()
            if parser.i < end, base[parser.i] == UInt8(ascii: "\"") {
                return plainString().flatMap(RequestParameters.parseDouble)
            }
            return numberLiteral().flatMap(JSONNumberSyntax.double)
        }

        /// An integer-valued number literal, as ``JSONNumber/int64Value`` reads it.
        mutating func integer() -> Int64? {
            numberLiteral().flatMap(JSONNumberSyntax.int64)
        }

        /// `[]`.
        mutating func emptyList() -> Bool {
            parser.skipWhitespace()
            guard consume(UInt8(ascii: "[")) else { return false }
            parser.skipWhitespace()
            return consume(UInt8(ascii: "]"))
        }
    }
}
