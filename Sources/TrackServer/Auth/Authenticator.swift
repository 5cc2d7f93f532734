import HummingbirdAuth
import HTTPTypes
import NIOPosix
import Synchronization
import TrackCore

/// Verifies the credentials of a request: HTTP Basic (a user name with their password, or with
/// one of their access tokens) or a Bearer access token, as the mlflow client sends them from
/// `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD` and `MLFLOW_TRACKING_TOKEN`.
///
/// bcrypt runs on two threads of its own, never on the event loops, which also bounds the CPU a
/// flood of wrong passwords can take. Verified credentials are remembered for
/// ``cacheLifetime`` (keyed by a digest under a per-process random key, never the secret
/// itself), so a client that sends its password with every request pays for bcrypt once; a
/// changed password, role or a revoked token takes effect within that time on every server.
public final class Authenticator<Users: UserStore>: Sendable {
    public static var cacheLifetime: Int64 { 30_000 }
    static var maxCachedCredentials: Int { 10_000 }

    let users: Users
    private let hashing: NIOThreadPool
    private let cache = Mutex<[Int: (identity: Identity, expires: Int64)]>([:])
    /// Verified against when the user or token does not exist, so that a wrong name costs as
    /// much time as a wrong password (no enumeration by timing): the cost-12 hash of a random
    /// password that was thrown away.
    private let decoyHash = "$2b$12$giml2Cljj4P.5djO1fPkq.HoOeUVc/DaRj6GH0A0d0jBKtEKDe0vq"

    public init(users: Users) {
        self.users = users
        hashing = NIOThreadPool(numberOfThreads: 2)
        hashing.start()
    }

    deinit {
        hashing.shutdownGracefully { _ in }
    }

    /// The identity the request's credentials prove.
    /// - Throws: `UNAUTHENTICATED` when they are missing or wrong.
    public func identify(_ headers: HTTPFields) async throws -> Identity {
        if let bearer = headers.bearer {
            return try await verified(kind: 1, name: "", secret: bearer.token) {
                try await self.verifyToken(bearer.token)
            }
        }
        if let basic = headers.basic {
            return try await verified(kind: 2, name: basic.username, secret: basic.password) {
                try await self.verifyBasic(username: basic.username, secret: basic.password)
            }
        }
        throw Self.unauthenticated
    }

    static var unauthenticated: TrackError {
        TrackError(.unauthenticated, "Authentication required: send a user name and password (HTTP Basic) or an access token (Bearer).")
    }

    // MARK: - Verification

    private func verified(kind: Int, name: String, secret: String, verify: () async throws -> Identity?) async throws -> Identity {
        var hasher = Hasher()
        hasher.combine(kind)
        hasher.combine(name)
        hasher.combine(secret)
        let key = hasher.finalize()
        let now = Clock.nowMilliseconds()
        if let hit = cache.withLock({ $0[key] }), hit.expires > now {
            return hit.identity
        }
        guard let identity = try await verify() else { throw Self.unauthenticated }
        cache.withLock { cache in
            if cache.count >= Self.maxCachedCredentials {
                cache = cache.filter { $0.value.expires > now }
                if cache.count >= Self.maxCachedCredentials { cache.removeAll() }
            }
            cache[key] = (identity, now + Self.cacheLifetime)
        }
        return identity
    }

    private func verifyBasic(username: String, secret: String) async throws -> Identity? {
        let account = try await users.user(named: username)
        // A token in the password field works too, for tools that only speak Basic.
        if let token = AccessTokenSecret(text: secret), let identity = try await verifyToken(token.text), identity.username == username {
            return identity
        }
        let ok = try await bcrypt(secret, account?.passwordHash ?? decoyHash)
        guard ok, let account else { return nil }
        return Identity(username: account.username, role: account.role)
    }

    private func verifyToken(_ text: String) async throws -> Identity? {
        guard let token = AccessTokenSecret(text: text) else { return nil }
        let record = try await users.token(id: token.id)
        let ok = try await bcrypt(token.secret, record?.secretHash ?? decoyHash)
        guard ok, let record, let account = try await users.user(named: record.username) else { return nil }
        return Identity(username: account.username, role: account.role)
    }

    private func bcrypt(_ secret: String, _ hash: String) async throws -> Bool {
        try await hashing.runIfActive { PasswordHashing.verify(secret, hash: hash) }
    }
}
