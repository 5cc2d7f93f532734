import TrackAPI

extension JSONTestSupport {
    /// Random JSON trees (seeded): unicode of all UTF-8 lengths (astral plane, emoji, ZWJ
    /// sequences, combining marks), characters that need escaping, duplicate keys, nesting,
    /// and number literals of every shape (big/small/negative, fractions, exponents).
    struct TreeGenerator {
        var rng: SplitMix64
        var maxDepth = 8

        init(seed: UInt64) { rng = SplitMix64(seed: seed) }

        mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
        mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }

        static let pieces: [String] = [
            "a", "b", "z", "Q", "0", "9", " ", "-", "_", ".", ":", ",", "{", "}", "[", "]",
            "key", "value", "loss", "timestamp", "true", "null", "1e5", "NaN",
            "\"", "\\", "/", "\n", "\t", "\r", "\u{8}", "\u{C}", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}",
            "é", "ß", "Ω", "\u{80}", "\u{7FF}", "ü",
            "中", "文", "€", "\u{800}", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{FFFD}", "\u{FFFF}",
            "\u{D7FF}", "\u{E000}", "\u{FFFE}",
            "😀", "𝄞", "🚀", "\u{10000}", "\u{10FFFF}", "\u{1F1FA}\u{1F1F8}", "👩\u{200D}👩\u{200D}👧",
            "e\u{301}", "\u{301}", "\u{20DD}", "a\u{308}\u{304}",
        ]

        mutating func string() -> String {
            if chance(5) { return "" }
            var s = ""
            let n = chance(10) ? 20 + int(200) : 1 + int(8)
            for _ in 0..<n { s += pick(Self.pieces) }
            return s
        }

        mutating func digits(_ n: Int, leadingNonZero: Bool) -> String {
            var s = ""
            for k in 0..<n { s += String(k == 0 && leadingNonZero ? 1 + int(9) : int(10)) }
            return s
        }

        /// A valid JSON number literal whose value is finite as a Double (|x| < 1e300).
        mutating func numberText() -> String {
            switch int(12) {
            case 0: return pick(["0", "-0", "1", "-1", "0.0", "-0.0", "0e0", "0E-0", "1E+2", "1e007"])
            case 1: return pick([
                String(Int64.max), String(Int64.min), "9223372036854775808", "-9223372036854775809",
                "18446744073709551615", "9007199254740993", "-9007199254740993", "9007199254740992",
                "1.0e12", "7.0", "250e-2", "1.5", "1700000000000", "1700000000000.0",
            ])
            case 2:
                // Shortest repr of a random finite double (covers subnormals and extremes).
                var d: Double
                repeat { d = Double(bitPattern: rng.next()) } while !d.isFinite
                return d.description
            case 3, 4:
                let n = 1 + int(19)
                return (chance(40) ? "-" : "") + (n == 1 ? String(int(10)) : digits(n, leadingNonZero: true))
            case 5:
                return (chance(40) ? "-" : "") + digits(20 + int(20), leadingNonZero: true)
            default:
                var s = chance(40) ? "-" : ""
                let intDigits = 1 + int(chance(80) ? 6 : 18)
                s += intDigits == 1 ? String(int(10)) : digits(intDigits, leadingNonZero: true)
                if chance(70) { s += "." + digits(1 + int(chance(80) ? 8 : 25), leadingNonZero: false) }
                if chance(50) {
                    s += pick(["e", "E"]) + pick(["", "+", "-"])
                    let e = int(chance(70) ? 30 : 270)
                    s += (chance(10) ? "0" : "") + String(e)
                }
                return s
            }
        }

        mutating func value(depth: Int = 0) -> JSONValue {
            // Root is usually a container; below it the expected branching stays under 1, so
            // trees stay small (tens of nodes) while sometimes reaching maxDepth.
            let containerChance = depth >= maxDepth ? 0 : (depth == 0 ? 90 : 25)
            if chance(containerChance) {
                let n = chance(10) ? 0 : 1 + int(chance(95) ? 5 : 30)
                if chance(50) {
                    return .array((0..<n).map { _ in value(depth: depth + 1) })
                }
                var members: [(String, JSONValue)] = []
                for _ in 0..<n {
                    // No U+FEFF in keys: Foundation may drop it (difference 7), merging keys.
                    var key = chance(30)
                        ? pick(["key", "value", "step", "timestamp", "", "ключ", "😀"])
                        : String(string().unicodeScalars.filter { $0 != "\u{FEFF}" })
                    if !members.isEmpty && chance(5) {
                        key = members[int(members.count)].0  // exact duplicate: last wins
                    } else if members.contains(where: { $0.0 == key }) {
                        // Avoid distinct but canonically equivalent keys: Foundation's
                        // [String: Any] would merge them (see knownFoundationDifferences).
                        continue
                    }
                    members.append((key, value(depth: depth + 1)))
                }
                return .object(JSONObject(members))
            }
            switch int(10) {
            case 0: return .null
            case 1: return .bool(chance(50))
            case 2, 3, 4, 5: return .number(JSONNumber(numberText())!)
            default: return .string(string())
            }
        }

        // MARK: - Loose serialiser

        mutating func whitespace() -> String {
            guard chance(30) else { return "" }
            var s = ""
            for _ in 0..<(1 + int(3)) { s += pick([" ", "\t", "\n", "\r", "  "]) }
            return s
        }

        static func hex4(_ v: UInt32, upper: Bool) -> String {
            let h = String(v, radix: 16, uppercase: upper)
            return String(repeating: "0", count: 4 - h.count) + h
        }

        /// Escapes each scalar at random: raw where allowed, short escapes, \uXXXX in either
        /// case, surrogate pairs for astral scalars, and `\/`.
        mutating func looseString(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                let v = u.value
                let mustEscape = v < 0x20 || v == 0x22 || v == 0x5C
                if !mustEscape && chance(75) {
                    out.unicodeScalars.append(u)
                    continue
                }
                let short: String? = switch v {
                case 0x22: "\\\""
                case 0x5C: "\\\\"
                case 0x2F: "\\/"
                case 0x08: "\\b"
                case 0x0C: "\\f"
                case 0x0A: "\\n"
                case 0x0D: "\\r"
                case 0x09: "\\t"
                default: nil
                }
                if let short, chance(60) {
                    out += short
                } else if v >= 0x10000 {
                    let x = v - 0x10000
                    let upper = chance(50)
                    out += "\\u" + Self.hex4(0xD800 + (x >> 10), upper: upper)
                    out += "\\u" + Self.hex4(0xDC00 + (x & 0x3FF), upper: upper)
                } else {
                    out += "\\u" + Self.hex4(v, upper: chance(50))
                }
            }
            return out + "\""
        }

        /// Serialises with random whitespace and random escaping (numbers as their literals).
        mutating func loose(_ v: JSONValue) -> String {
            var out = whitespace()
            switch v {
            case .null: out += "null"
            case .bool(let b): out += b ? "true" : "false"
            case .number(let n): out += n.text
            case .string(let s): out += looseString(s)
            case .array(let a):
                out += "["
                for (k, e) in a.enumerated() {
                    if k > 0 { out += "," }
                    out += loose(e)
                }
                out += whitespace() + "]"
            case .object(let o):
                out += "{"
                for (k, m) in o.members.enumerated() {
                    if k > 0 { out += "," }
                    out += whitespace() + looseString(m.key) + whitespace() + ":" + loose(m.value)
                }
                out += whitespace() + "}"
            }
            return out + whitespace()
        }
    }
}
