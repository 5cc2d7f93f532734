import CZlib
import TrackCore

/// The compact on-disk form of a run of metric points.
///
/// Points are sorted by `(timestamp, step, value)` and stored column by column: timestamps and
/// steps as zigzag varint deltas, values as the XOR of their bits with the previous value's
/// (slowly changing series give mostly-zero bytes). Values are kept bit-exactly, NaN payloads
/// included.
///
/// The first byte says how the columns follow: compressed with zlib (the form of large, merged
/// chunks) or as they are, followed by their Adler-32 checksum (the form of the small chunks a
/// request writes, which are merged, and only then compressed, once enough of them have
/// gathered). Either form detects damaged bytes.
public enum MetricChunkCodec {
    /// The columns as one zlib stream, after their size.
    static let compressedVersion: UInt8 = 1
    /// The columns uncompressed, then the Adler-32 checksum of the columns (4 bytes, big-endian).
    static let rawVersion: UInt8 = 2

    /// Encodes points that are already sorted by ``MetricPoint/storageOrder``; compressed unless
    /// `compressed` is false.
    public static func encode(_ points: [MetricPoint], compressed: Bool = true) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(points.count * 12 + 11)
        if !compressed { raw.append(rawVersion) }
        appendVarint(UInt64(points.count), to: &raw)
        var previous: Int64 = 0
        for point in points {
            appendVarint(zigzag(point.timestamp &- previous), to: &raw)
            previous = point.timestamp
        }
        previous = 0
        for point in points {
            appendVarint(zigzag(point.step &- previous), to: &raw)
            previous = point.step
        }
        var previousBits: UInt64 = 0
        for point in points {
            let bits = point.value.bitPattern
            let xored = bits ^ previousBits
            previousBits = bits
            for shift in stride(from: 56, through: 0, by: -8) {
                raw.append(UInt8(truncatingIfNeeded: xored >> UInt64(shift)))
            }
        }
        if compressed { return deflate(raw) }
        let checksum = raw.withUnsafeBufferPointer { columns in
            adler32(columns.count - 1, UnsafeBufferPointer(rebasing: columns[1...]))
        }
        for shift in stride(from: 24, through: 0, by: -8) {
            raw.append(UInt8(truncatingIfNeeded: checksum >> UInt32(shift)))
        }
        return raw
    }

    /// zlib's Adler-32 of `count` bytes.
    static func adler32(_ count: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        UInt32(truncatingIfNeeded: CZlib.adler32(CZlib.adler32(0, nil, 0), bytes.baseAddress, uInt(count)))
    }

    /// Decodes a chunk written by ``encode(_:)``.
    public static func decode(_ bytes: [UInt8]) throws(TrackError) -> [MetricPoint] {
        var decoder = MetricChunkDecoder()
        let failure: TrackError? = bytes.withUnsafeBytes { buffer in
            do throws(TrackError) { try decoder.decode(buffer); return nil } catch { return error }
        }
        if let failure { throw failure }
        return decoder.points
    }

    public static let corrupt = TrackError.internalError("A stored metric chunk is corrupt.")

    // MARK: - Varints

    @inline(__always)
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    @inline(__always)
    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    @inline(__always)
    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    // MARK: - zlib

    /// `[version, size (4 bytes, big-endian), zlib stream]`: the original size first, so
    /// inflating allocates once.
    static func deflate(_ input: [UInt8]) -> [UInt8] {
        let inputCount = input.count
        var output = [UInt8](repeating: 0, count: Int(compressBound(uLong(inputCount))) + 5)
        output[0] = compressedVersion
        output[1] = UInt8(truncatingIfNeeded: inputCount >> 24)
        output[2] = UInt8(truncatingIfNeeded: inputCount >> 16)
        output[3] = UInt8(truncatingIfNeeded: inputCount >> 8)
        output[4] = UInt8(truncatingIfNeeded: inputCount)
        let outputCount = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { inp in
                Deflater.compress(inp, into: UnsafeMutableBufferPointer(rebasing: out[5...]))
            }
        }
        output.removeSubrange((outputCount + 5)...)
        return output
    }

    /// Inflates `input` (the size, then the zlib stream) into the front of `output`, growing it
    /// when too small; returns the inflated size.
    static func inflate(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(TrackError) -> Int {
        guard input.count >= 4 else { throw corrupt }
        let size = Int(input[0]) << 24 | Int(input[1]) << 16 | Int(input[2]) << 8 | Int(input[3])
        guard size <= 256 * 1024 * 1024 else { throw corrupt }
        if output.count < size { output = [UInt8](repeating: 0, count: size) }
        var outputCount = uLongf(size)
        let compressed = UnsafeRawBufferPointer(rebasing: input[4...])
        let status = output.withUnsafeMutableBufferPointer { out in
            uncompress(out.baseAddress, &outputCount, compressed.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(compressed.count))
        }
        guard status == Z_OK, Int(outputCount) == size else { throw corrupt }
        return size
    }
}

/// Decodes chunks one after another into buffers it keeps, so reading a long series allocates a
/// few times, not once per chunk.
public struct MetricChunkDecoder {
    /// The points of the chunk decoded last, in storage order.
    public private(set) var points: [MetricPoint] = []
    private var raw: [UInt8] = []
    private var steps: [Int64] = []

    public init() {}

    /// Decodes a chunk written by ``MetricChunkCodec/encode(_:)`` into ``points``.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer) throws(TrackError) {
        let decoded: Bool
        switch bytes.first {
        case MetricChunkCodec.compressedVersion:
            let rawCount = try MetricChunkCodec.inflate(UnsafeRawBufferPointer(rebasing: bytes[1...]), into: &raw)
            points.removeAll(keepingCapacity: true)
            decoded = raw.withUnsafeBufferPointer { whole in
                Self.decodeColumns(UnsafeBufferPointer(rebasing: whole[0..<rawCount]), into: &points, steps: &steps)
            }
        case MetricChunkCodec.rawVersion:
            guard bytes.count >= 5 else { throw MetricChunkCodec.corrupt }
            let columns = UnsafeRawBufferPointer(rebasing: bytes[1..<(bytes.count - 4)]).assumingMemoryBound(to: UInt8.self)
            let stored = bytes[(bytes.count - 4)...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard MetricChunkCodec.adler32(columns.count, columns) == stored else { throw MetricChunkCodec.corrupt }
            points.removeAll(keepingCapacity: true)
            decoded = Self.decodeColumns(columns, into: &points, steps: &steps)
        default:
            throw MetricChunkCodec.corrupt
        }
        if !decoded {
            points.removeAll(keepingCapacity: true)
            throw MetricChunkCodec.corrupt
        }
    }

    /// Reads the count, timestamp and step columns and the values; false when they do not add up.
    private static func decodeColumns(_ raw: UnsafeBufferPointer<UInt8>, into points: inout [MetricPoint], steps: inout [Int64]) -> Bool {
        var index = 0
        guard let count = Int(exactly: varint(raw, &index) ?? .max), count <= raw.count else { return false }
        // Timestamps go straight into the points; steps wait in their own column.
        points.reserveCapacity(count)
        var previous: Int64 = 0
        for _ in 0..<count {
            guard let delta = varint(raw, &index) else { return false }
            previous = previous &+ MetricChunkCodec.unzigzag(delta)
            points.append(MetricPoint(step: 0, timestamp: previous, value: 0))
        }
        if steps.count < count { steps = [Int64](repeating: 0, count: count) }
        previous = 0
        for i in 0..<count {
            guard let delta = varint(raw, &index) else { return false }
            previous = previous &+ MetricChunkCodec.unzigzag(delta)
            steps[i] = previous
        }
        guard raw.count - index == count * 8 else { return false }
        var previousBits: UInt64 = 0
        points.withUnsafeMutableBufferPointer { out in
            for i in 0..<count {
                var xored: UInt64 = 0
                for k in 0..<8 { xored = xored << 8 | UInt64(raw[index + k]) }
                index += 8
                let bits = xored ^ previousBits
                previousBits = bits
                out[i].step = steps[i]
                out[i].value = Double(bitPattern: bits)
            }
        }
        return true
    }

    @inline(__always)
    private static func varint(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }
}

extension MetricPoint {
    /// The order points are stored and returned in: `(timestamp, step, value)`, values by their
    /// order-preserving bits so NaN has a place.
    @inline(__always)
    public static func storageOrder(_ a: MetricPoint, _ b: MetricPoint) -> Bool {
        if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
        if a.step != b.step { return a.step < b.step }
        return a.value.orderPreservingBits < b.value.orderPreservingBits
    }

    /// The storage key `(timestamp, step, value bits)`.
    @inline(__always)
    public var storageKey: StorageKey { StorageKey(timestamp: timestamp, step: step, valueBits: value.orderPreservingBits) }
}

/// A point's position in storage order.
public struct StorageKey: Sendable, Comparable, Hashable {
    public var timestamp: Int64
    public var step: Int64
    public var valueBits: Int64

    public init(timestamp: Int64, step: Int64, valueBits: Int64) {
        self.timestamp = timestamp
        self.step = step
        self.valueBits = valueBits
    }

    public static func < (a: StorageKey, b: StorageKey) -> Bool {
        (a.timestamp, a.step, a.valueBits) < (b.timestamp, b.step, b.valueBits)
    }
}
