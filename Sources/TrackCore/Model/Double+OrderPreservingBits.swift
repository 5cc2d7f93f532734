extension Double {
    /// A signed integer whose order is the order of the doubles (−∞ < … < −0 < +0 < … < +∞ < NaN)
    /// and that maps back to the exact bits. Stores use it to keep metric values bit-exact
    /// (NaN payloads included) while still sorting by value.
    public var orderPreservingBits: Int64 {
        let bits = bitPattern
        let flipped = (bits >> 63) == 1 ? ~bits : bits | (1 << 63)
        return Int64(bitPattern: flipped ^ (1 << 63))
    }

    /// The double whose ``orderPreservingBits`` is `encoded`.
    public init(orderPreservingBits encoded: Int64) {
        let flipped = UInt64(bitPattern: encoded) ^ (1 << 63)
        let bits = (flipped >> 63) == 1 ? flipped & ~(1 << 63) : ~flipped
        self = Double(bitPattern: bits)
    }
}
