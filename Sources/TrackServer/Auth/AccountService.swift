import TrackCore

/// Managing users and access tokens: validation, hashing, then the store. `track users` and
/// `track tokens` use it on a data folder directly, which is how the first admin is made: the
/// server never has a default account or password.
public struct AccountService<Store: UserStore>: Sendable {
    public let store: Store
    /// bcrypt's work factor for new hashes (tests lower it for speed).
    let hashCost: UInt8
    let now: @Sendable () -> Int64

    public init(store: Store, hashCost: UInt8 = PasswordHashing.cost, now: @escaping @Sendable () -> Int64 = { Clock.nowMilliseconds() }) {
        self.store = store
        self.hashCost = hashCost
        self.now = now
    }

    public func addUser(_ username: String, password: String, role: Role) async throws {
        try Validation.validateUsername(username)
        try Validation.validatePassword(password)
        let hash = PasswordHashing.hash(password, cost: hashCost)
        try await store.createUser(UserAccount(username: username, role: role, passwordHash: hash, createdAt: now()))
    }

    public func setPassword(of username: String, to password: String) async throws {
        try Validation.validatePassword(password)
        try await store.updateUser(named: username, role: nil, passwordHash: PasswordHashing.hash(password, cost: hashCost))
    }

    public func setRole(of username: String, to role: Role) async throws {
        try await store.updateUser(named: username, role: role, passwordHash: nil)
    }

    public func removeUser(_ username: String) async throws {
        try await store.deleteUser(named: username)
    }

    public func users() async throws -> [UserAccount] {
        try await store.users()
    }

    /// Creates a token for `username`; the returned text is the only copy of its secret.
    public func createToken(for username: String, name: String) async throws -> (record: AccessTokenRecord, text: String) {
        try Validation.validateTokenName(name)
        let token = AccessTokenSecret.generate()
        let record = AccessTokenRecord(
            id: token.id, username: username, name: name, secretHash: PasswordHashing.hash(token.secret, cost: hashCost), createdAt: now()
        )
        try await store.createToken(record)
        return (record, token.text)
    }

    public func tokens(of username: String?) async throws -> [AccessTokenRecord] {
        try await store.tokens(username: username)
    }

    public func revokeToken(id: String) async throws {
        try await store.deleteToken(id: id)
    }
}
