/// The recursive-descent parser behind ``JSONReader``. Reads from a raw pointer with an index;
/// all per-byte helpers are force-inlined.
struct JSONParser {
    let base: UnsafePointer<UInt8>
    let end: Int
    var i = 0
    var depth = 0
    /// Reused buffer for decoding strings that contain escapes.
    var scratch: [UInt8] = []
    /// Recently created short strings (keys such as "timestamp", repeated values such as
    /// "loss"), so documents with many similar objects do not re-create them.
    var cache = JSONStringCache()

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.end = count
    }

    // MARK: - Helpers

    @inline(__always)
    func error(_ reason: String, at offset: Int) -> JSONParseError {
        JSONParseError(offset: offset, reason: reason)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < end {
            let c = base[i]
            if c > 0x20 { return }
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
                i += 1
            } else {
                return
            }
        }
    }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    // MARK: - Document

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        // Skip a UTF-8 byte order mark (RFC 8259 section 8.1 allows ignoring it).
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { i = 3 }
        let value = try parseValue()
        skipWhitespace()
        if i != end { throw error("unexpected data after the top-level value", at: i) }
        return value
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard i < end else { throw error("unexpected end of input, expected a value", at: i) }
        switch base[i] {
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try expectLiteral("true", 0x74_72_75_65)
            return .bool(true)
        case UInt8(ascii: "f"):
            // "fals" then "e"
            try expectLiteral("false", 0x66_61_6C_73)
            guard i < end, base[i] == UInt8(ascii: "e") else {
                throw error("invalid literal, expected 'false'", at: i - 4)
            }
            i += 1
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null", 0x6E_75_6C_6C)
            return .null
        default:
            throw error("unexpected character, expected a value", at: i)
        }
    }

    /// Matches four bytes given big-endian in `word` at the cursor and advances past them.
    @inline(__always)
    mutating func expectLiteral(_ name: StaticString, _ word: UInt32) throws(JSONParseError) {
        guard end - i >= 4 else { throw error("invalid literal, expected '\(name)'", at: i) }
        let w = UInt32(base[i]) << 24 | UInt32(base[i + 1]) << 16 | UInt32(base[i + 2]) << 8
            | UInt32(base[i + 3])
        guard w == word else { throw error("invalid literal, expected '\(name)'", at: i) }
        i += 4
    }

    // MARK: - Containers

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        let open = i
        i += 1
        depth += 1
        if depth > JSONReader.maxDepth { throw error("nesting deeper than \(JSONReader.maxDepth)", at: open) }
        skipWhitespace()
        if i < end && base[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array([])
        }
        var elements: [JSONValue] = []
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard i < end else { throw error("unterminated array", at: open) }
            let c = base[i]
            i += 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                if i < end && base[i] == UInt8(ascii: "]") { throw error("trailing comma in array", at: i - 1) }
                continue
            }
            if c == UInt8(ascii: "]") { break }
            throw error("expected ',' or ']' in array", at: i - 1)
        }
        depth -= 1
        return .array(elements)
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        let open = i
        i += 1
        depth += 1
        if depth > JSONReader.maxDepth { throw error("nesting deeper than \(JSONReader.maxDepth)", at: open) }
        skipWhitespace()
        if i < end && base[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object(JSONObject(members: []))
        }
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(4)
        while true {
            guard i < end else { throw error("unterminated object", at: open) }
            guard base[i] == UInt8(ascii: "\"") else {
                if base[i] == UInt8(ascii: "}") && !members.isEmpty {
                    throw error("trailing comma in object", at: i)
                }
                throw error("expected a string key in object", at: i)
            }
            let key = try parseString()
            skipWhitespace()
            guard i < end, base[i] == UInt8(ascii: ":") else {
                throw error("expected ':' after object key", at: i)
            }
            i += 1
            let value = try parseValue()
            members.append((key: key, value: value))
            skipWhitespace()
            guard i < end else { throw error("unterminated object", at: open) }
            let c = base[i]
            i += 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if c == UInt8(ascii: "}") { break }
            throw error("expected ',' or '}' in object", at: i - 1)
        }
        depth -= 1
        return .object(JSONObject(members: members))
    }

    // MARK: - Numbers

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = try scanNumber()
        return JSONNumber(uncheckedBytes: UnsafeRawBufferPointer(start: base + start, count: i - start))
    }

    /// Moves the cursor past a number literal that follows the grammar and returns where it
    /// started.
    @inline(__always)
    mutating func scanNumber() throws(JSONParseError) -> Int {
        let start = i
        if base[i] == UInt8(ascii: "-") {
            i += 1
            guard i < end, Self.isDigit(base[i]) else {
                throw error("invalid number: expected a digit after '-'", at: i)
            }
        }
        if base[i] == UInt8(ascii: "0") {
            i += 1
            if i < end && Self.isDigit(base[i]) {
                throw error("invalid number: leading zeros are not allowed", at: i - 1)
            }
        } else {
            i += 1
            while i < end && Self.isDigit(base[i]) { i += 1 }
        }
        if i < end && base[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, Self.isDigit(base[i]) else {
                throw error("invalid number: expected a digit after '.'", at: i)
            }
            i += 1
            while i < end && Self.isDigit(base[i]) { i += 1 }
        }
        if i < end && (base[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < end && (base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < end, Self.isDigit(base[i]) else {
                throw error("invalid number: expected a digit in the exponent", at: i)
            }
            i += 1
            while i < end && Self.isDigit(base[i]) { i += 1 }
        }
        return start
    }

    // MARK: - Strings

    /// Parses a string starting at the opening quote; leaves the cursor after the closing quote.
    mutating func parseString() throws(JSONParseError) -> String {
        let start = i + 1
        if let plain = parsePlainString() { return plain }
        return try parseStringSlow(start: start)
    }

    /// The fast path of ``parseString()``: from the opening quote, a string of printable ASCII
    /// without escapes, the cursor left after the closing quote. Otherwise nil, with the cursor
    /// at the first byte it could not take (where ``parseStringSlow(start:)`` goes on).
    @inline(__always)
    mutating func parsePlainString() -> String? {
        i += 1
        let start = i
        // Eight bytes at a time while possible.
        #if _endian(little)
        while i + 8 <= end {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let special = Self.specialByteMask(w)
            if special != 0 {
                i += special.trailingZeroBitCount >> 3
                break
            }
            i += 8
        }
        #endif
        while i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                let s = cache.string(base: base, start: start, count: i - start, inputEnd: end)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return nil }
            i += 1
        }
        return nil
    }

    /// For eight bytes in little-endian order: a mask whose lowest set bit (bit 7 of a byte)
    /// marks the first byte that is `"`, `\\`, a control character (< 0x20) or non-ASCII
    /// (>= 0x80). Bits above the first marked byte may be spurious (borrow propagation), so only
    /// the lowest set bit is meaningful; zero means none of the eight bytes is special.
    @inline(__always)
    static func specialByteMask(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let q = w ^ (ones &* 0x22)
        let b = w ^ (ones &* 0x5C)
        let quote = (q &- ones) & ~q
        let backslash = (b &- ones) & ~b
        let control = (w &- ones &* 0x20) & ~w
        return (quote | backslash | control | w) & high
    }

    /// Handles escapes, non-ASCII (validated) and errors. `i` is at the first byte the fast path
    /// could not handle (or at the end of input).
    mutating func parseStringSlow(start: Int) throws(JSONParseError) -> String {
        var escaped = false
        var runStart = start
        while true {
            guard i < end else { throw error("unterminated string", at: start - 1) }
            let c = base[i]
            if c == UInt8(ascii: "\"") { break }
            if c < 0x80 {
                if c == UInt8(ascii: "\\") {
                    if !escaped {
                        escaped = true
                        scratch.removeAll(keepingCapacity: true)
                    }
                    scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
                    try decodeEscape()
                    runStart = i
                    continue
                }
                if c < 0x20 { throw error("unescaped control character in string", at: i) }
                i += 1
            } else {
                i += try validateUTF8Sequence(at: i)
            }
        }
        let result: String
        if escaped {
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
            result = String(decoding: scratch, as: UTF8.self)
        } else {
            result = String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
        }
        i += 1
        return result
    }

    /// Length of the valid UTF-8 sequence whose lead byte (>= 0x80) is at `p`, or throws.
    @inline(__always)
    func validateUTF8Sequence(at p: Int) throws(JSONParseError) -> Int {
        let c = base[p]
        @inline(__always) func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            p + k < end && base[p + k] >= lo && base[p + k] <= hi
        }
        switch c {
        case 0xC2...0xDF:
            if cont(1) { return 2 }
        case 0xE0:
            if cont(1, 0xA0) && cont(2) { return 3 }
        case 0xE1...0xEC, 0xEE...0xEF:
            if cont(1) && cont(2) { return 3 }
        case 0xED:  // excludes UTF-16 surrogates U+D800...U+DFFF
            if cont(1, 0x80, 0x9F) && cont(2) { return 3 }
        case 0xF0:
            if cont(1, 0x90) && cont(2) && cont(3) { return 4 }
        case 0xF1...0xF3:
            if cont(1) && cont(2) && cont(3) { return 4 }
        case 0xF4:  // up to U+10FFFF
            if cont(1, 0x80, 0x8F) && cont(2) && cont(3) { return 4 }
        default:
            break
        }
        throw error("invalid UTF-8", at: p)
    }

    /// Decodes the escape at the cursor (a backslash) into `scratch` and advances past it.
    mutating func decodeEscape() throws(JSONParseError) {
        let at = i
        guard i + 1 < end else { throw error("unterminated string", at: at) }
        let e = base[i + 1]
        i += 2
        let byte: UInt8
        switch e {
        case UInt8(ascii: "\""): byte = 0x22
        case UInt8(ascii: "\\"): byte = 0x5C
        case UInt8(ascii: "/"): byte = 0x2F
        case UInt8(ascii: "b"): byte = 0x08
        case UInt8(ascii: "f"): byte = 0x0C
        case UInt8(ascii: "n"): byte = 0x0A
        case UInt8(ascii: "r"): byte = 0x0D
        case UInt8(ascii: "t"): byte = 0x09
        case UInt8(ascii: "u"):
            let unit = try readHex4(escapeAt: at)
            var scalar: UInt32
            if unit & 0xFC00 == 0xD800 {
                // High surrogate: combine with a following \uDC00-\uDFFF, else U+FFFD.
                scalar = 0xFFFD
                if i + 6 <= end && base[i] == UInt8(ascii: "\\") && base[i + 1] == UInt8(ascii: "u") {
                    let save = i
                    i += 2
                    let low = try readHex4(escapeAt: save)
                    if low & 0xFC00 == 0xDC00 {
                        scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    } else {
                        i = save  // decode the next escape on its own
                    }
                }
            } else if unit & 0xFC00 == 0xDC00 {
                scalar = 0xFFFD  // lone low surrogate
            } else {
                scalar = UInt32(unit)
            }
            appendUTF8(scalar)
            return
        default:
            throw error("invalid escape sequence", at: at)
        }
        scratch.append(byte)
    }

    @inline(__always)
    mutating func readHex4(escapeAt at: Int) throws(JSONParseError) -> UInt16 {
        guard end - i >= 4 else { throw error("invalid \\u escape", at: at) }
        var v: UInt16 = 0
        for k in 0..<4 {
            let c = base[i + k]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - 0x61 + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - 0x41 + 10
            default: throw error("invalid \\u escape", at: at)
            }
            v = v << 4 | UInt16(d)
        }
        i += 4
        return v
    }

    @inline(__always)
    mutating func appendUTF8(_ s: UInt32) {
        if s < 0x80 {
            scratch.append(UInt8(s))
        } else if s < 0x800 {
            scratch.append(UInt8(0xC0 | (s >> 6)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        } else if s < 0x10000 {
            scratch.append(UInt8(0xE0 | (s >> 12)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        } else {
            scratch.append(UInt8(0xF0 | (s >> 18)))
            scratch.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        }
    }
}
