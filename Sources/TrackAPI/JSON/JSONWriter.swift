/// Streaming JSON encoder appending UTF-8 to a byte buffer.
///
/// Commas are inserted automatically: call `beginObject()`, then alternate `key(_:)` and a value
/// call, then `endObject()`; inside arrays just call the value methods. The writer does not check
/// that the call sequence forms a valid document.
///
/// Doubles: finite values are written in Swift's shortest round-trip form (`0.1`, `7.0`,
/// `1e-05`, `-0.0`); NaN and the infinities, which JSON numbers cannot express, are written as the
/// JSON *strings* `"NaN"`, `"Infinity"` and `"-Infinity"` (MLflow's convention).
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// Whether the next value or key must be preceded by a comma.
    private var needsComma = false

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer (keeping its capacity) so the writer can be reused.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    // MARK: - Structure

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes an object key from a literal. ASCII literals without characters that need escaping
    /// are copied as they are; anything else is escaped like ``key(_:)-(String)``.
    public mutating func key(_ k: StaticString) {
        separate()
        if k.hasPointerRepresentation {
            let buf = UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount)
            bytes.append(UInt8(ascii: "\""))
            appendEscaped(buf)
            bytes.append(UInt8(ascii: "\""))
        } else {
            appendQuoted(k.description)
        }
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes an object key, escaped as needed. (Disfavoured so that string literals pick the
    /// `StaticString` overload.)
    @_disfavoredOverload
    public mutating func key(_ k: String) {
        separate()
        appendQuoted(k)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: - Scalars

    public mutating func string(_ s: String) {
        separate()
        appendQuoted(s)
        needsComma = true
    }

    public mutating func int(_ v: Int64) {
        separate()
        appendInt(v)
        needsComma = true
    }

    public mutating func double(_ v: Double) {
        separate()
        appendDouble(v)
        needsComma = true
    }

    public mutating func bool(_ v: Bool) {
        separate()
        if v {
            appendStatic("true")
        } else {
            appendStatic("false")
        }
        needsComma = true
    }

    public mutating func null() {
        separate()
        appendStatic("null")
        needsComma = true
    }

    /// Writes a pre-encoded JSON value (it is copied verbatim, after a comma if one is due).
    public mutating func raw(_ fragment: some Sequence<UInt8>) {
        separate()
        bytes.append(contentsOf: fragment)
        needsComma = true
    }

    /// Writes a whole tree. Numbers are written as their literal text.
    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null:
            null()
        case .bool(let b):
            bool(b)
        case .number(let n):
            separate()
            var t = n.text
            t.withUTF8 { bytes.append(contentsOf: $0) }
            needsComma = true
        case .string(let s):
            string(s)
        case .array(let a):
            beginArray()
            for e in a { value(e) }
            endArray()
        case .object(let o):
            beginObject()
            for m in o.members {
                key(m.key)
                value(m.value)
            }
            endObject()
        }
    }

    // MARK: - Encoding helpers

    private mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { appendEscaped($0) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 with JSON escaping of `"`, `\` and control characters, copying unescaped
    /// runs in bulk.
    private mutating func appendEscaped(_ buf: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var i = 0
        let n = buf.count
        while i < n {
            let c = buf[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C {
                i += 1
                continue
            }
            if i > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i])) }
            bytes.append(0x5C)
            switch c {
            case 0x22: bytes.append(0x22)
            case 0x5C: bytes.append(0x5C)
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            default:
                let hex: StaticString = "0123456789abcdef"
                bytes.append(UInt8(ascii: "u"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(hex.utf8Start[Int(c >> 4)])
                bytes.append(hex.utf8Start[Int(c & 0xF)])
            }
            i += 1
            runStart = i
        }
        if n > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<n])) }
    }

    @inline(__always)
    private mutating func appendStatic(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// "00" "01" ... "99" as ASCII pairs.
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    private mutating func appendInt(_ v: Int64) {
        var m = v.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var p = 20
            let pairs = Self.digitPairs.utf8Start
            do {
                while m >= 100 {
                    let r = Int(m % 100)
                    m /= 100
                    p -= 2
                    buf[p] = pairs[2 * r]
                    buf[p + 1] = pairs[2 * r + 1]
                }
                if m >= 10 {
                    p -= 2
                    buf[p] = pairs[2 * Int(m)]
                    buf[p + 1] = pairs[2 * Int(m) + 1]
                } else {
                    p -= 1
                    buf[p] = UInt8(truncatingIfNeeded: m) &+ 0x30
                }
            }
            if v < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[p..<20]))
        }
    }

    private mutating func appendDouble(_ v: Double) {
        if v.isFinite {
            // Double's TextOutputStreamable conformance hands its shortest round-trip digits to
            // the stream as ASCII bytes (via `_writeASCII`), which avoids allocating a String.
            var sink = ByteSink(bytes: bytes)
            bytes = []
            v.write(to: &sink)
            bytes = sink.bytes
        } else if v.isNaN {
            appendStatic("\"NaN\"")
        } else if v < 0 {
            appendStatic("\"-Infinity\"")
        } else {
            appendStatic("\"Infinity\"")
        }
    }
}

/// TextOutputStream that appends to a byte array. `_writeASCII` is the standard library's hook
/// for streamables that produce ASCII bytes (floating-point printing uses it); `write(_:)` is the
/// general fallback, so output is correct whichever the standard library calls.
private struct ByteSink: TextOutputStream {
    var bytes: [UInt8]

    mutating func write(_ string: String) {
        bytes.append(contentsOf: string.utf8)
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }
}
