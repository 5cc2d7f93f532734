/// A JSON number, kept as the literal that was written so integers stay exact.
///
/// Equality compares the literal text: `1.0` and `1` are different literals (compare
/// ``doubleValue`` or ``int64Value`` for numeric equality).
public struct JSONNumber: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The literal as written, e.g. `"1700000000002"` or `"-1.5e3"`. Always valid RFC 8259
    /// number syntax.
    public let text: String

    /// Trusted initialiser: `text` must already be valid JSON number syntax.
    init(uncheckedText text: String) {
        self.text = text
    }

    /// Creates a number from a literal; nil unless `text` is valid RFC 8259 number syntax.
    public init?(_ text: String) {
        var copy = text
        let ok = copy.withUTF8 { JSONNumberSyntax.isValid($0) }
        guard ok else { return nil }
        self.text = copy
    }

    /// An integer number.
    public init(_ value: Int64) {
        self.text = String(value)
    }

    /// A floating-point number written in shortest round-trip form; nil for NaN and infinities
    /// (which JSON cannot represent as numbers).
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self.text = value.description
    }

    public var description: String { text }

    /// The literal converted to the nearest `Double` (correctly rounded, as `Double(text)`).
    /// Literals beyond the `Double` range give ±infinity (and tiny ones 0), as `Double(text)` does.
    public var doubleValue: Double? {
        var t = text
        return t.withUTF8 { JSONNumberSyntax.double($0) }
    }

    /// The exact integer value if the literal denotes an integer that fits in `Int64`: plain
    /// integer literals (`"42"`, `"-9223372036854775808"`) and integral literals with a fraction
    /// or exponent (`"7.0"`, `"1.0e12"`, `"200e-2"`). nil for non-integral values (`"1.5"`,
    /// `"250e-2"`) and for integers outside the `Int64` range. `"-0"` gives 0.
    public var int64Value: Int64? {
        var t = text
        return t.withUTF8 { JSONNumberSyntax.int64($0) }
    }
}
