/// The text of an access token: `trk_<id>_<secret>`.
///
/// The id (16 hex characters) is public: it finds the stored record and names the token in
/// listings. The secret (40 hex characters, 160 random bits) is shown once, when the token is
/// created, and only its bcrypt hash is kept.
public struct AccessTokenSecret: Sendable, Equatable {
    public static let prefix = "trk_"
    public let id: String
    public let secret: String

    public var text: String { Self.prefix + id + "_" + secret }

    /// A new token from the system's secure random generator.
    public static func generate() -> AccessTokenSecret {
        var generator = SystemRandomNumberGenerator()
        return AccessTokenSecret(id: hex(bytes: 8, &generator), secret: hex(bytes: 20, &generator))
    }

    /// Reads a token's text; `nil` when it has not the token's shape.
    public init?(text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let parts = text.dropFirst(Self.prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 16, parts[1].count == 40,
              parts.allSatisfy({ $0.utf8.allSatisfy(Self.isLowerHex) })
        else { return nil }
        id = String(parts[0])
        secret = String(parts[1])
    }

    private init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }

    private static func hex(bytes: Int, _ generator: inout SystemRandomNumberGenerator) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes * 2)
        for _ in 0..<bytes {
            let byte = UInt8.random(in: 0...255, using: &generator)
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
