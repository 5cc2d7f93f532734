import HummingbirdBcrypt

/// bcrypt for passwords and token secrets. Hashing and verifying are slow on purpose (cost 12:
/// about a quarter of a second), so callers run them off the event loops and cache what they
/// verified.
public enum PasswordHashing {
    public static let cost: UInt8 = 12

    /// - Parameter cost: the work factor, 12 unless a test wants speed (the hash records its
    ///   own cost, so verifying needs no setting).
    public static func hash(_ secret: String, cost: UInt8 = PasswordHashing.cost) -> String {
        Bcrypt.hash(secret, cost: cost)
    }

    public static func verify(_ secret: String, hash: String) -> Bool {
        Bcrypt.verify(secret, hash: hash)
    }
}
