/// Where users and their access tokens are kept. Every store backend conforms, so that several
/// servers on one database share their accounts.
///
/// Stores keep only hashes; hashing and verifying happen above the store. Each method validates
/// names with ``Validation`` first, so every backend refuses the same input.
public protocol UserStore: Sendable {
    /// Adds a user.
    /// - Throws: `RESOURCE_ALREADY_EXISTS` when the name is taken; `INVALID_PARAMETER_VALUE` for a
    ///   bad name.
    func createUser(_ user: UserAccount) async throws

    /// The user with this name, or `nil`.
    func user(named username: String) async throws -> UserAccount?

    /// Every user, by name.
    func users() async throws -> [UserAccount]

    /// Changes a user's role and/or password hash.
    /// - Throws: `RESOURCE_DOES_NOT_EXIST` for an unknown user.
    func updateUser(named username: String, role: Role?, passwordHash: String?) async throws

    /// Removes a user and every token of theirs.
    /// - Throws: `RESOURCE_DOES_NOT_EXIST` for an unknown user.
    func deleteUser(named username: String) async throws

    /// Stores a token of an existing user.
    /// - Throws: `RESOURCE_DOES_NOT_EXIST` for an unknown user.
    func createToken(_ token: AccessTokenRecord) async throws

    /// The token with this id, or `nil`.
    func token(id: String) async throws -> AccessTokenRecord?

    /// The tokens of one user (all users' with `nil`), newest first.
    func tokens(username: String?) async throws -> [AccessTokenRecord]

    /// Revokes a token.
    /// - Throws: `RESOURCE_DOES_NOT_EXIST` for an unknown id.
    func deleteToken(id: String) async throws
}
