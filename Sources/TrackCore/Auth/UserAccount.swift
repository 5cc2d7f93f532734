/// A user who may sign in with a password or one of their access tokens.
public struct UserAccount: Sendable, Equatable {
    public var username: String
    public var role: Role
    /// The password's bcrypt hash (never the password).
    public var passwordHash: String
    /// Milliseconds since the epoch.
    public var createdAt: Int64

    public init(username: String, role: Role, passwordHash: String, createdAt: Int64) {
        self.username = username
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// A stored access token: its public id and the bcrypt hash of its secret part.
public struct AccessTokenRecord: Sendable, Equatable {
    /// The public part of the token, also its handle for listing and revoking.
    public var id: String
    public var username: String
    /// What the token is for (`laptop`, `ci`), chosen by its owner.
    public var name: String
    /// The bcrypt hash of the secret part (never the secret).
    public var secretHash: String
    /// Milliseconds since the epoch.
    public var createdAt: Int64

    public init(id: String, username: String, name: String, secretHash: String, createdAt: Int64) {
        self.id = id
        self.username = username
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
    }
}
