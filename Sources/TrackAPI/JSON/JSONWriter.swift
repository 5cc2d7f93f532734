/// Streaming JSON encoder appending UTF-8 to a byte buffer.
///
/// Commas are inserted automatically: call `beginObject()`, then alternate `key(_:)` and a value
/// call, then `endObject()`; inside arrays just call the value methods. The writer does not check
/// that the call sequence forms a valid document.
///
/// Doubles: finite values are written in Swift's shortest round-trip form (`0.1`, `7.0`,
/// `1e-05`, `-0.0`); NaN and the infinities, which JSON numbers cannot express, are written as the
/// JSON *strings* `"NaN"`, `"Infinity"` and `"-Infinity"` (MLflow's convention).
///
/// Speed: each key or scalar (with its comma, quotes and colon) is assembled in a small stack
/// buffer and appended to `bytes` in one operation.
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

    // MARK: - Structure

    public mutating func beginObject() {
        open(UInt8(ascii: "{"))
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        open(UInt8(ascii: "["))
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    @inline(__always)
    private mutating func open(_ bracket: UInt8) {
        if needsComma {
            appendToken(capacity: 2) { p in
                p[0] = UInt8(ascii: ",")
                p[1] = bracket
                return 2
            }
        } else {
            bytes.append(bracket)
        }
        needsComma = false
    }

    /// Writes an object key from a literal (`w.key("timestamp")`). Characters that need escaping
    /// are escaped, so any literal is safe.
    public mutating func key(_ k: StaticString) {
        if k.hasPointerRepresentation {
            quoted(UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount), colon: true)
        } else {
            var s = k.description
            s.withUTF8 { quoted($0, colon: true) }
        }
        needsComma = false
    }

    /// Writes an object key, escaped as needed. (Disfavoured so that string literals pick the
    /// `StaticString` overload.)
    @_disfavoredOverload
    public mutating func key(_ k: String) {
        var k = k
        k.withUTF8 { quoted($0, colon: true) }
        needsComma = false
    }

    // MARK: - Scalars

    /// Writes a string value: `"` and `\` are escaped, as are control characters (`\n`, `\t`,
    /// `\r`, `\b`, `\f`, others as `\u00XX`); all other characters are written as UTF-8.
    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { quoted($0, colon: false) }
        needsComma = true
    }

    public mutating func int(_ v: Int64) {
        let comma = needsComma
        appendToken(capacity: 24) { p in
            var j = 0
            if comma {
                p[0] = UInt8(ascii: ",")
                j = 1
            }
            return j + Self.formatInt(v, into: p + j)
        }
        needsComma = true
    }

    public mutating func double(_ v: Double) {
        let comma = needsComma
        appendToken(capacity: 1 + Self.maxDoubleBytes) { p in
            var j = 0
            if comma {
                p[0] = UInt8(ascii: ",")
                j = 1
            }
            return j + Self.formatDouble(v, into: p + j)
        }
        needsComma = true
    }

    /// The most bytes ``formatDouble(_:into:)`` writes.
    static let maxDoubleBytes = 32

    /// Writes `v` as the writer writes a double (see the type's notes) at `out`, which has room
    /// for ``maxDoubleBytes``; returns the length.
    @inline(__always)
    static func formatDouble(_ v: Double, into out: UnsafeMutablePointer<UInt8>) -> Int {
        guard v.isFinite else {
            let text: StaticString = v.isNaN ? "\"NaN\"" : (v < 0 ? "\"-Infinity\"" : "\"Infinity\"")
            out.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            return text.utf8CodeUnitCount
        }
        // Double's TextOutputStreamable conformance hands its shortest round-trip digits to the
        // stream as ASCII bytes (via `_writeASCII`), so no String is allocated. Swift prints at
        // most 24 characters.
        var sink = StackSink(start: out, capacity: maxDoubleBytes)
        v.write(to: &sink)
        precondition(!sink.overflowed, "a Double printed longer than \(maxDoubleBytes) bytes")
        return sink.count
    }

    public mutating func bool(_ v: Bool) {
        separate()
        appendStatic(v ? "true" : "false")
        needsComma = true
    }

    public mutating func null() {
        separate()
        appendStatic("null")
        needsComma = true
    }

    /// Writes a pre-encoded JSON value (copied verbatim, after a comma if one is due).
    public mutating func raw(_ fragment: some Sequence<UInt8>) {
        separate()
        bytes.append(contentsOf: fragment)
        needsComma = true
    }

    /// Lets `fill` write one or more values (already separated from each other) straight into
    /// the buffer, after a comma if one is due: it gets room for `capacity` bytes and returns how
    /// many it wrote.
    public mutating func appendRaw(capacity: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Int) {
        separate()
        bytes.append(addingCapacity: capacity) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                initialized = fill(UnsafeMutableRawBufferPointer(buffer))
            }
        }
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
            n.append(to: &bytes)
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

    @inline(__always)
    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    @inline(__always)
    private mutating func appendStatic(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Lets `fill` write up to `capacity` bytes directly at the end of `bytes` (it returns how
    /// many it wrote): one capacity check per token instead of one append per piece.
    @inline(__always)
    private mutating func appendToken(capacity: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Int) {
        bytes.append(addingCapacity: capacity) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                initialized = fill(buffer.baseAddress!)
            }
        }
    }

    /// Whether `c` must be escaped inside a JSON string.
    @inline(__always)
    private static func needsEscape(_ c: UInt8) -> Bool {
        c < 0x20 || c == 0x22 || c == 0x5C
    }

    /// Writes `[,]"<escaped utf8>"[:]`.
    private mutating func quoted(_ utf8: UnsafeBufferPointer<UInt8>, colon: Bool) {
        let n = utf8.count
        if n <= 60 {
            var plain = true
            for c in utf8 where Self.needsEscape(c) {
                plain = false
                break
            }
            if plain {
                let comma = needsComma
                appendToken(capacity: 64) { p in
                    var j = 0
                    if comma {
                        p[0] = UInt8(ascii: ",")
                        j = 1
                    }
                    p[j] = UInt8(ascii: "\"")
                    if n > 0 { (p + j + 1).update(from: utf8.baseAddress!, count: n) }
                    j += n + 1
                    p[j] = UInt8(ascii: "\"")
                    j += 1
                    if colon {
                        p[j] = UInt8(ascii: ":")
                        j += 1
                    }
                    return j
                }
                return
            }
        }
        separate()
        bytes.append(UInt8(ascii: "\""))
        appendEscaped(utf8)
        bytes.append(UInt8(ascii: "\""))
        if colon { bytes.append(UInt8(ascii: ":")) }
    }

    /// Appends UTF-8 with JSON escaping of `"`, `\` and control characters, copying unescaped
    /// runs in bulk.
    private mutating func appendEscaped(_ buf: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var i = 0
        let n = buf.count
        while i < n {
            let c = buf[i]
            if !Self.needsEscape(c) {
                i += 1
                continue
            }
            if i > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i])) }
            switch c {
            case 0x22: appendStatic("\\\"")
            case 0x5C: appendStatic("\\\\")
            case 0x0A: appendStatic("\\n")
            case 0x09: appendStatic("\\t")
            case 0x0D: appendStatic("\\r")
            case 0x08: appendStatic("\\b")
            case 0x0C: appendStatic("\\f")
            default:
                let hex: StaticString = "0123456789abcdef"
                appendStatic("\\u00")
                bytes.append(hex.utf8Start[Int(c >> 4)])
                bytes.append(hex.utf8Start[Int(c & 0xF)])
            }
            i += 1
            runStart = i
        }
        if n > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<n])) }
    }

    /// "00" "01" ... "99" as ASCII pairs.
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// 10^0 ... 10^19.
    private static let powersOfTen: [UInt64] = (0..<20).map { k in
        (0..<k).reduce(UInt64(1)) { acc, _ in acc * 10 }
    }

    /// Writes the decimal form of `v` at `out` (at most 20 bytes); returns the length.
    @inline(__always)
    static func formatInt(_ v: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var m = v.magnitude
        // Number of digits from the bit length (1233/4096 ~ log10(2)), corrected by one compare.
        let bits = 64 - (m | 1).leadingZeroBitCount
        let estimate = (bits &* 1233) >> 12
        let digits = estimate + (m >= powersOfTen[estimate] ? 1 : 0)
        var j = 0
        if v < 0 {
            out[0] = UInt8(ascii: "-")
            j = 1
        }
        let total = j + max(digits, 1)
        var p = total
        let pairs = digitPairs.utf8Start
        while m >= 100 {
            let r = Int(m % 100)
            m /= 100
            p -= 2
            out[p] = pairs[2 * r]
            out[p + 1] = pairs[2 * r + 1]
        }
        if m >= 10 {
            p -= 2
            out[p] = pairs[2 * Int(m)]
            out[p + 1] = pairs[2 * Int(m) + 1]
        } else {
            p -= 1
            out[p] = UInt8(truncatingIfNeeded: m) &+ 0x30
        }
        return total
    }
}

/// A TextOutputStream writing into a fixed stack buffer. `_writeASCII` is the standard library's
/// hook for streamables that produce ASCII bytes (floating-point printing uses it); `write(_:)`
/// is the general fallback, so output is correct whichever the standard library calls.
private struct StackSink: TextOutputStream {
    let start: UnsafeMutablePointer<UInt8>
    let capacity: Int
    var count = 0
    var overflowed = false

    init(start: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.start = start
        self.capacity = capacity
    }

    mutating func write(_ string: String) {
        var s = string
        s.withUTF8 { _writeASCII($0) }
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard !overflowed, count + buffer.count <= capacity else {
            overflowed = true
            return
        }
        if let base = buffer.baseAddress, buffer.count > 0 {
            (start + count).update(from: base, count: buffer.count)
        }
        count += buffer.count
    }
}
