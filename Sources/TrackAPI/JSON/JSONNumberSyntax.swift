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

    /// Correctly rounded conversion of a valid literal, in one pass: significands of up to 19
    /// digits use the exact fast path (Clinger: significand <= 2^53, |exponent| <= 22) or
    /// Eisel-Lemire; anything else (and the rare undecided case) uses the standard library.
    static func double(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = b.count
        guard n > 0 else { return nil }
        var i = 0
        let negative = b[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var m: UInt64 = 0
        let intStart = i
        while i < n {
            let d = b[i] &- 0x30
            if d >= 10 { break }
            m = m &* 10 &+ UInt64(d)
            i += 1
        }
        // Significant digits so far: an integer part "0" contributes none. (Test the text, not
        // `m`: with more than 19 digits `m` has wrapped and may be anything, including 0.)
        let intIsZero = i - intStart == 1 && b[intStart] == UInt8(ascii: "0")
        var significant = intIsZero ? 0 : i - intStart
        var fractionDigits = 0
        if i < n && b[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            if intIsZero {
                while i < n && b[i] == UInt8(ascii: "0") { i += 1 }
            }
            let sigStart = i
            while i < n {
                let d = b[i] &- 0x30
                if d >= 10 { break }
                m = m &* 10 &+ UInt64(d)
                i += 1
            }
            significant += i - sigStart
            fractionDigits = i - fracStart
        }
        var exponent = 0
        if i < n && (b[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < n && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) {
                expNegative = b[i] == UInt8(ascii: "-")
                i += 1
            }
            while i < n {
                let d = b[i] &- 0x30
                if d >= 10 { break }
                if exponent < 1_000_000_000 { exponent = exponent &* 10 &+ Int(d) }
                i += 1
            }
            if expNegative { exponent = -exponent }
        }
        if significant <= 19 {  // m is exact
            if m == 0 { return negative ? -0.0 : 0.0 }
            let e10 = exponent - fractionDigits
            if m <= (1 << 53) && e10 >= -22 && e10 <= 22 {
                let v = e10 >= 0 ? Double(m) * exactPowersOfTen[e10] : Double(m) / exactPowersOfTen[-e10]
                return negative ? -v : v
            }
            if let v = JSONEiselLemire.double(m, e10, negative: negative) { return v }
        }
        return Double(String(decoding: b, as: UTF8.self))
    }

    /// Exact Int64 value of an integral literal in range, else nil.
    static func int64(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        // Fast path: plain integers of up to 18 digits cannot overflow.
        do {
            let n = b.count
            var i = 0
            let negative = n > 0 && b[0] == UInt8(ascii: "-")
            if negative { i = 1 }
            let digits = n - i
            if digits > 0 && digits <= 18 {
                var m: Int64 = 0
                while i < n {
                    let d = b[i] &- 0x30
                    if d >= 10 { break }
                    m = m &* 10 &+ Int64(d)
                    i += 1
                }
                if i == n { return negative ? -m : m }
            }
        }
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
