/// Byte-level helpers for JSON number literals (RFC 8259 section 6).
enum JSONNumberSyntax {
    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// Whether `b` is exactly one valid JSON number literal.
    static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        if i < n && b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { return false }
        if b[i] == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(b[i]) {
            while i < n && isDigit(b[i]) { i += 1 }
        } else {
            return false
        }
        if i < n && b[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n && isDigit(b[i]) else { return false }
            while i < n && isDigit(b[i]) { i += 1 }
        }
        if i < n && (b[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < n && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < n && isDigit(b[i]) else { return false }
            while i < n && isDigit(b[i]) { i += 1 }
        }
        return i == n
    }

    /// The decomposition of a valid literal: sign, the positions of the integer and fraction
    /// digit runs, and the (saturated) explicit exponent.
    struct Parts {
        var negative = false
        var intStart = 0, intEnd = 0
        var fracStart = 0, fracEnd = 0
        var exponent = 0  // saturated to +-1_000_000_000
        var hasFracOrExp = false
    }

    @inline(__always)
    static func split(_ b: UnsafeBufferPointer<UInt8>) -> Parts {
        var p = Parts()
        var i = 0
        let n = b.count
        if i < n && b[i] == UInt8(ascii: "-") { p.negative = true; i += 1 }
        p.intStart = i
        while i < n && isDigit(b[i]) { i += 1 }
        p.intEnd = i
        p.fracStart = i
        p.fracEnd = i
        if i < n && b[i] == UInt8(ascii: ".") {
            p.hasFracOrExp = true
            i += 1
            p.fracStart = i
            while i < n && isDigit(b[i]) { i += 1 }
            p.fracEnd = i
        }
        if i < n && (b[i] | 0x20) == UInt8(ascii: "e") {
            p.hasFracOrExp = true
            i += 1
            var expNegative = false
            if i < n && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) {
                expNegative = b[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            while i < n && isDigit(b[i]) {
                if e < 1_000_000_000 { e = e * 10 + Int(b[i] &- 0x30) }
                i += 1
            }
            p.exponent = expNegative ? -e : e
        }
        return p
    }

    /// Exact powers of ten representable as Double (10^0 ... 10^22).
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Correctly rounded conversion. Uses the exact fast path (Clinger) when the significand fits
    /// in 53 bits and the decimal exponent is within +-22, otherwise the standard library parser.
    static func double(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        let p = split(b)
        var mantissa: UInt64 = 0
        var digits = 0
        var i = p.intStart
        // Leading zeros of the integer part are at most one "0"; skip zeros so "0.000123" counts
        // only significant digits.
        while i < p.intEnd {
            let d = UInt64(b[i] &- 0x30)
            if mantissa != 0 || d != 0 { digits += 1 }
            mantissa = mantissa &* 10 &+ d
            i += 1
        }
        i = p.fracStart
        while i < p.fracEnd {
            let d = UInt64(b[i] &- 0x30)
            if mantissa != 0 || d != 0 { digits += 1 }
            mantissa = mantissa &* 10 &+ d
            i += 1
        }
        if digits <= 19 && mantissa <= (1 << 53) {
            let e10 = p.exponent - (p.fracEnd - p.fracStart)
            if mantissa == 0 {
                return p.negative ? -0.0 : 0.0
            }
            if e10 >= 0 && e10 <= 22 {
                let v = Double(mantissa) * exactPowersOfTen[e10]
                return p.negative ? -v : v
            }
            if e10 < 0 && e10 >= -22 {
                let v = Double(mantissa) / exactPowersOfTen[-e10]
                return p.negative ? -v : v
            }
        }
        return Double(String(decoding: b, as: UTF8.self))
    }

    /// Exact Int64 value of an integral literal in range, else nil.
    static func int64(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        let p = split(b)
        let limit: UInt64 = p.negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        if !p.hasFracOrExp {
            var m: UInt64 = 0
            for i in p.intStart..<p.intEnd {
                let (x, o1) = m.multipliedReportingOverflow(by: 10)
                let (y, o2) = x.addingReportingOverflow(UInt64(b[i] &- 0x30))
                if o1 || o2 || y > limit { return nil }
                m = y
            }
            return p.negative ? Int64(bitPattern: 0 &- m) : Int64(m)
        }
        // General case: value = D * 10^e where D is the digit string int+frac.
        let nInt = p.intEnd - p.intStart
        let nAll = nInt + (p.fracEnd - p.fracStart)
        @inline(__always) func digit(_ k: Int) -> UInt8 {
            k < nInt ? b[p.intStart + k] &- 0x30 : b[p.fracStart + k - nInt] &- 0x30
        }
        var first = 0
        while first < nAll && digit(first) == 0 { first += 1 }
        if first == nAll { return 0 }
        var last = nAll  // exclusive
        while digit(last - 1) == 0 { last -= 1 }
        // Value = digits[first..<last] * 10^(e + (nAll - last)) with e = exponent - nFrac.
        let e = p.exponent - (p.fracEnd - p.fracStart) + (nAll - last)
        if e < 0 { return nil }
        if (last - first) + e > 19 { return nil }
        var m: UInt64 = 0
        for k in first..<last { m = m * 10 + UInt64(digit(k)) }  // <= 19 digits: no overflow
        for _ in 0..<e {
            let (x, o) = m.multipliedReportingOverflow(by: 10)
            if o { return nil }
            m = x
        }
        if m > limit { return nil }
        return p.negative ? Int64(bitPattern: 0 &- m) : Int64(m)
    }
}
