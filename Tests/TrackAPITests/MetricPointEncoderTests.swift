import Foundation
import Testing
import TrackAPI
import TrackCore

/// The encoder that answers long histories writes exactly what `JSONWriter` writes for the same
/// metric objects, into a buffer sized by its own bound.
@Suite("MetricPointEncoder")
struct MetricPointEncoderTests {
    /// Values at every edge of formatting: the longest printed forms, subnormals, signed zeros,
    /// the non-finite strings, and random bit patterns.
    static func values(count: Int, rng: inout JSONTestSupport.SplitMix64) -> [Double] {
        var values: [Double] = [
            0, -0.0, 1, -1, 0.1, 7, 1e-5, 1e16, -1e300, .nan, -Double.nan, .infinity, -.infinity,
            .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, -2.2250738585072014e-308,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .ulpOfOne, -1.7976931348623157e308,
        ]
        while values.count < count { values.append(Double(bitPattern: rng.next())) }
        return values
    }

    static func integers(rng: inout JSONTestSupport.SplitMix64) -> Int64 {
        switch rng.next() % 4 {
        case 0: return [Int64.min, Int64.max, 0, -1, 1, -9_999_999_999_999_999][Int(rng.next() % 6)]
        case 1: return 1_700_000_000_000 + Int64(rng.next() % 1_000_000_000)
        case 2: return Int64(rng.next() % 100_000)
        default: return Int64(bitPattern: rng.next())
        }
    }

    /// What `JSONWriter` writes for the points as metric objects, comma-separated.
    static func expected(_ points: [MetricPoint], key: String, trailing: [(name: String, value: String)]) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginArray()
        for point in points {
            writer.beginObject()
            writer.key("key"); writer.string(key)
            writer.key("value"); writer.double(point.value)
            writer.key("timestamp"); writer.int(point.timestamp)
            writer.key("step"); writer.int(point.step)
            for member in trailing { writer.key(member.name); writer.string(member.value) }
            writer.endObject()
        }
        writer.endArray()
        return Array(writer.bytes.dropFirst().dropLast())
    }

    /// Writes into a buffer of exactly the encoder's bound, so a point longer than the bound
    /// says traps (the encoder's precondition) rather than passing unnoticed.
    static func encoded(_ points: [MetricPoint], with encoder: MetricPointEncoder) -> [UInt8] {
        let size = encoder.maxBytes(points: points.count)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
        defer { buffer.deallocate() }
        let written = encoder.write(points, into: buffer)
        #expect(written <= size)
        return Array(buffer[..<written])
    }

    @Test(arguments: [
        "loss", "", "a/b.c-d_e f", "q\"uote\\back", "\n\t\u{0}\u{1F}\u{7F}", "é中😀\u{2028}", String(repeating: "k", count: 250),
    ])
    func writesWhatTheWriterWrites(key: String) {
        var rng = JSONTestSupport.SplitMix64(seed: 0x5EED ^ UInt64(key.utf8.count))
        let values = Self.values(count: 4000, rng: &rng)
        let points = values.map { MetricPoint(step: Self.integers(rng: &rng), timestamp: Self.integers(rng: &rng), value: $0) }
        for trailing in [[], [(name: "run_id", value: "0123456789abcdef0123456789abcdef")], [(name: "a\"b", value: "\u{1}é")]] {
            let encoder = MetricPointEncoder(key: key, trailing: trailing)
            #expect(Self.encoded(points, with: encoder) == Self.expected(points, key: key, trailing: trailing))
            #expect(Self.encoded([points[0]], with: encoder) == Self.expected([points[0]], key: key, trailing: trailing))
            #expect(Self.encoded([], with: encoder).isEmpty)
        }
    }

    @Test func theLongestPointFitsTheBound() {
        let longest = MetricPoint(step: Int64.min, timestamp: Int64.min, value: -2.2250738585072014e-308)
        let encoder = MetricPointEncoder(key: "k")
        let bytes = Self.encoded(Array(repeating: longest, count: 3), with: encoder)
        #expect(bytes == Self.expected(Array(repeating: longest, count: 3), key: "k", trailing: []))
    }

    @Test func appendsToAWriterAfterItsCommas() throws {
        let first = [MetricPoint(step: 1, timestamp: 10, value: 0.5)]
        let second = [MetricPoint(step: 2, timestamp: 20, value: .nan), MetricPoint(step: 3, timestamp: 30, value: -.infinity)]
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("metrics"); writer.beginArray()
        MetricPointEncoder(key: "m", trailing: [("run_id", "a")]).append(first, to: &writer)
        MetricPointEncoder(key: "m", trailing: [("run_id", "b")]).append([], to: &writer)
        MetricPointEncoder(key: "m", trailing: [("run_id", "c")]).append(second, to: &writer)
        writer.endArray()
        writer.key("n"); writer.int(3)
        writer.endObject()
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text == #"{"metrics":[{"key":"m","value":0.5,"timestamp":10,"step":1,"run_id":"a"},{"key":"m","value":"NaN","timestamp":20,"step":2,"run_id":"c"},{"key":"m","value":"-Infinity","timestamp":30,"step":3,"run_id":"c"}],"n":3}"#)
        // And Foundation reads it as the same document.
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
        #expect((parsed["metrics"] as? [[String: Any]])?.count == 3)
    }
}
