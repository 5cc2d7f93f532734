/// Correctly rounded decimal-to-binary64 conversion for decimal significands of up to 19 digits:
/// the Eisel–Lemire algorithm (D. Lemire, "Number Parsing at a Gigabyte per Second", 2021; as in
/// fast_float and Go's strconv). Returns nil for the rare inputs it cannot decide (and, to keep
/// this simple, for subnormal results); callers then fall back to the standard library parser.
enum JSONEiselLemire {
    /// `w × 10^q` rounded to nearest-even, negated if `negative`; nil if undecided.
    /// Requires `w != 0`.
    static func double(_ w: UInt64, _ q: Int, negative: Bool) -> Double? {
        if q < -342 {
            // w < 1.9e19, so w × 10^q < 1.9e-324: below half the smallest subnormal, hence zero.
            return negative ? -0.0 : 0.0
        }
        if q > 308 { return negative ? -.infinity : .infinity }
        let lz = w.leadingZeroBitCount
        let wn = w << UInt64(lz)
        let index = 2 * (q + 342)
        let (hi, lo) = powersOfFive.withUnsafeBufferPointer { table -> (UInt64, UInt64) in
            var (hi, lo) = wn.multipliedFullWidth(by: table[index])
            // Only 55 bits of `hi` matter; refine with the low table word when they might carry.
            if hi & 0x1FF == 0x1FF {
                let (hi2, _) = wn.multipliedFullWidth(by: table[index + 1])
                let (sum, carry) = lo.addingReportingOverflow(hi2)
                lo = sum
                if carry { hi &+= 1 }
            }
            return (hi, lo)
        }
        // Possibly inexact product outside the exponent range where it is known to be exact.
        if lo == .max && (q < -27 || q > 55) { return nil }
        let upperBit = Int(hi >> 63)
        let shift = UInt64(upperBit + 9)
        var mantissa = hi >> shift
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - lz + 1023
        if power2 <= 0 { return nil }  // subnormal: leave to the slow path
        // Exactly halfway between two doubles (only possible for small |q|): round to even.
        if lo <= 1 && q >= -4 && q <= 23 && mantissa & 3 == 1 && (mantissa << shift) == hi {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= (2 << 52) {
            mantissa = 1 << 52
            power2 += 1
        }
        mantissa &= ~(1 << 52)
        if power2 >= 0x7FF { return negative ? -.infinity : .infinity }
        let bits = (negative ? 1 << 63 : 0) | UInt64(power2) << 52 | mantissa
        return Double(bitPattern: bits)
    }
}
