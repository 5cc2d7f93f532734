import TrackCore

/// Writes the points of one series as MLflow metric objects
/// (`{"key":…,"value":…,"timestamp":…,"step":…}` plus any fixed trailing members) straight into
/// memory the caller sized with ``maxBytes(points:)``: what long histories are answered with.
///
/// The parts every point shares (the escaped key before the value, the trailing members after
/// the step) are encoded once; per point only the value, timestamp and step are formatted. The
/// bytes are those ``JSONWriter`` writes for the same objects.
public struct MetricPointEncoder: Sendable {
    /// `{"key":"<key>","value":`
    private let head: [UInt8]
    /// `}`, or `,"name":"value",…}` for the trailing members.
    private let tail: [UInt8]

    /// - Parameters:
    ///   - key: the series' key, written in every point.
    ///   - trailing: string members written after `step` in every point (in order).
    public init(key: String, trailing: [(name: String, value: String)] = []) {
        head = Array(#"{"key":"#.utf8) + Self.quoted(key) + Array(#","value":"#.utf8)
        tail = trailing.flatMap { [UInt8(ascii: ",")] + Self.quoted($0.name) + [UInt8(ascii: ":")] + Self.quoted($0.value) }
            + [UInt8(ascii: "}")]
    }

    private static func quoted(_ text: String) -> [UInt8] {
        var writer = JSONWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return writer.bytes
    }

    /// The most bytes one point takes, with the comma that separates it from the one before.
    public var maxBytesPerPoint: Int {
        1 + head.count + JSONWriter.maxDoubleBytes + 13 + 20 + 8 + 20 + tail.count
    }

    /// The most bytes ``write(_:into:)`` writes for `points` points.
    public func maxBytes(points: Int) -> Int { points * maxBytesPerPoint }

    /// Writes `points`, separated by commas (no brackets), at the start of `buffer`, which holds
    /// at least ``maxBytes(points:)`` bytes; returns how many bytes were written.
    public func write(_ points: some Collection<MetricPoint>, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= maxBytes(points: points.count), "buffer too small for the points")
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        return head.withUnsafeBufferPointer { head in
            tail.withUnsafeBufferPointer { tail in
                var j = 0
                for point in points {
                    if j > 0 {
                        base[j] = UInt8(ascii: ",")
                        j += 1
                    }
                    (base + j).update(from: head.baseAddress!, count: head.count)
                    j += head.count
                    j += JSONWriter.formatDouble(point.value, into: base + j)
                    j += Self.copy(",\"timestamp\":", to: base + j)
                    j += JSONWriter.formatInt(point.timestamp, into: base + j)
                    j += Self.copy(",\"step\":", to: base + j)
                    j += JSONWriter.formatInt(point.step, into: base + j)
                    (base + j).update(from: tail.baseAddress!, count: tail.count)
                    j += tail.count
                }
                return j
            }
        }
    }

    /// `points` as ``write(_:into:)`` writes them, appended to `writer`'s bytes (after a comma
    /// if one is due there).
    public func append(_ points: some Collection<MetricPoint>, to writer: inout JSONWriter) {
        if points.isEmpty { return }
        writer.appendRaw(capacity: maxBytes(points: points.count)) { buffer in write(points, into: buffer) }
    }

    @inline(__always)
    private static func copy(_ text: StaticString, to out: UnsafeMutablePointer<UInt8>) -> Int {
        out.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        return text.utf8CodeUnitCount
    }
}
