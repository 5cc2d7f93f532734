/// A JSON number, kept as the literal that was written so integers stay exact.
///
/// Equality compares the literal text: `1.0` and `1` are different literals (compare
/// ``doubleValue`` or ``int64Value`` for numeric equality).
///
/// Storage: literals of up to 16 bytes (practically every timestamp, step and metric value) are
/// kept inline as raw ASCII, so parsing a number allocates nothing and `doubleValue` /
/// `int64Value` read the bytes directly; longer literals are kept as a `String`.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline
    enum Storage: Sendable, Hashable {
        /// Up to 16 ASCII bytes in memory order, zero-padded (a literal never contains NUL).
        case inline(UInt64, UInt64)
        /// Literals longer than 16 bytes.
        case text(String)
    }

    @usableFromInline let storage: Storage

    static let inlineCapacity = 16

    /// Trusted initialiser: the bytes must be valid JSON number syntax.
    init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        if bytes.count <= Self.inlineCapacity {
            var words: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
            storage = .inline(words.0, words.1)
        } else {
            storage = .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// Creates a number from a literal; nil unless `text` is valid RFC 8259 number syntax.
    public init?(_ text: String) {
        var copy = text
        let number: JSONNumber? = copy.withUTF8 { utf8 in
            guard JSONNumberSyntax.isValid(utf8) else { return nil }
            return JSONNumber(uncheckedBytes: UnsafeRawBufferPointer(utf8))
        }
        guard let number else { return nil }
        self = number
    }

    /// An integer number.
    public init(_ value: Int64) {
        self = JSONNumber(String(value))!
    }

    /// A floating-point number written in shortest round-trip form; nil for NaN and infinities
    /// (which JSON cannot represent as numbers).
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self = JSONNumber(value.description)!
    }

    /// Calls `body` with the literal's UTF-8 bytes.
    @inline(__always)
    func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch storage {
        case .inline(let a, let b):
            var words = (a, b)
            // The literal's bytes are the non-zero prefix of the 16 bytes.
            #if _endian(little)
            let n = b == 0 ? 8 - a.leadingZeroBitCount / 8 : 16 - b.leadingZeroBitCount / 8
            #else
            let n = b == 0 ? 8 - a.trailingZeroBitCount / 8 : 16 - b.trailingZeroBitCount / 8
            #endif
            return withUnsafeBytes(of: &words) { raw in
                body(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n))
            }
        case .text(let s):
            var s = s
            return s.withUTF8(body)
        }
    }

    /// The literal as written, e.g. `"1700000000002"` or `"-1.5e3"`. Always valid RFC 8259
    /// number syntax.
    public var text: String {
        switch storage {
        case .inline:
            return withUTF8 { String(decoding: $0, as: UTF8.self) }
        case .text(let s):
            return s
        }
    }

    public var description: String { text }

    /// The literal converted to the nearest `Double` (correctly rounded, as `Double(text)`).
    /// Literals beyond the `Double` range give ±infinity (and tiny ones 0), as `Double(text)` does.
    public var doubleValue: Double? {
        withUTF8 { JSONNumberSyntax.double($0) }
    }

    /// The exact integer value if the literal denotes an integer that fits in `Int64`: plain
    /// integer literals (`"42"`, `"-9223372036854775808"`) and integral literals with a fraction
    /// or exponent (`"7.0"`, `"1.0e12"`, `"200e-2"`). nil for non-integral values (`"1.5"`,
    /// `"250e-2"`) and for integers outside the `Int64` range. `"-0"` gives 0.
    public var int64Value: Int64? {
        withUTF8 { JSONNumberSyntax.int64($0) }
    }

    /// Appends the literal's bytes (used by the writer).
    func append(to bytes: inout [UInt8]) {
        withUTF8 { bytes.append(contentsOf: $0) }
    }
}
