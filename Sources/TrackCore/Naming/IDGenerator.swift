/// Run ids: 32 lowercase hex characters from a random UUID, as MLflow makes them; logged-model
/// ids are the same with `m-` before them.
public enum IDGenerator {
    public static func loggedModelID() -> String {
        "m-" + runID()
    }

    public static func runID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        // Set the version (4) and variant bits so the id is a valid uuid4 in hex.
        let h = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let l = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return hex(h) + hex(l)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 0, count: 16)
        var v = value
        for i in stride(from: 15, through: 0, by: -1) {
            bytes[i] = digits[Int(v & 0xF)]
            v >>= 4
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
