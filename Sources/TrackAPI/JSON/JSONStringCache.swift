/// A small direct-mapped cache of short ASCII strings for the parser.
///
/// Strings of at most 15 ASCII bytes are stored inline by Swift (no heap allocation), so the
/// cache only saves the validation and construction work in `String(decoding:as:)`; hits are
/// compared on the raw bytes, so a hit always returns an identical string.
struct JSONStringCache {
    private struct Entry {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var count = -1
        var string = ""
    }

    private static let slots = 64
    private var entries: [Entry] = []

    /// Returns the String for the ASCII bytes `base[start..<start+count]` (which the caller has
    /// checked contain no quote, backslash, control or non-ASCII byte). `inputEnd` bounds reads.
    @inline(__always)
    mutating func string(base: UnsafePointer<UInt8>, start: Int, count: Int, inputEnd: Int) -> String {
        guard count <= 15 else {
            return String(decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self)
        }
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        let p = UnsafeRawPointer(base + start)
        // Both paths put byte k at bits 8k..<8k+8 of the 16-byte key (word loads only on
        // little-endian machines, and only when 16 bytes are readable).
        #if _endian(little)
        let canLoadWords = start + 16 <= inputEnd
        #else
        let canLoadWords = false
        #endif
        if canLoadWords {
            w0 = p.loadUnaligned(as: UInt64.self)
            w1 = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            // Keep only the string's bytes (the low bytes of each little-endian word).
            if count < 8 {
                w0 &= (1 &<< UInt64(count &* 8)) &- 1
                w1 = 0
            } else {
                w1 &= (1 &<< UInt64((count &- 8) &* 8)) &- 1
            }
        } else {
            var k = 0
            while k < count && k < 8 {
                w0 |= UInt64(base[start + k]) &<< UInt64(k &* 8)
                k += 1
            }
            while k < count {
                w1 |= UInt64(base[start + k]) &<< UInt64((k &- 8) &* 8)
                k += 1
            }
        }
        if entries.isEmpty { entries = Array(repeating: Entry(), count: Self.slots) }
        let h = (w0 ^ (w1 &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(count)) &* 0xBF58_476D_1CE4_E5B9
        let slot = Int(truncatingIfNeeded: h >> 58)  // top 6 bits: 0..<64
        return entries.withUnsafeMutableBufferPointer { e in
            if e[slot].count == count && e[slot].w0 == w0 && e[slot].w1 == w1 {
                return e[slot].string
            }
            let s = String(decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self)
            e[slot] = Entry(w0: w0, w1: w1, count: count, string: s)
            return s
        }
    }
}
