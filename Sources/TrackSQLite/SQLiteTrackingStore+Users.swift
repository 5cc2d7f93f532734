import GRDB
import TrackCore

extension SQLiteTrackingStore: UserStore {
    public func createUser(_ user: UserAccount) async throws {
        try Validation.validateUsername(user.username)
        do {
            try await write { db in
                try db.execute(
                    sql: "INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [user.username, user.role.rawValue, user.passwordHash, user.createdAt]
                )
            }
        } catch let error as TrackError where error.code == .resourceAlreadyExists {
            throw TrackError(.resourceAlreadyExists, "User '\(user.username)' already exists.")
        }
    }

    public func user(named username: String) async throws -> UserAccount? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT username, role, password_hash, created_at FROM users WHERE username = ?", arguments: [username])
                .map(Self.userAccount)
        }
    }

    public func users() async throws -> [UserAccount] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT username, role, password_hash, created_at FROM users ORDER BY username").map(Self.userAccount)
        }
    }

    public func updateUser(named username: String, role: Role?, passwordHash: String?) async throws {
        try await write { db in
            if let role {
                try db.execute(sql: "UPDATE users SET role = ? WHERE username = ?", arguments: [role.rawValue, username])
            }
            if let passwordHash {
                try db.execute(sql: "UPDATE users SET password_hash = ? WHERE username = ?", arguments: [passwordHash, username])
            }
            let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE username = ?)", arguments: [username]) ?? false
            if !exists { throw Self.userNotFound(username) }
        }
    }

    public func deleteUser(named username: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM access_tokens WHERE username = ?", arguments: [username])
            try db.execute(sql: "DELETE FROM users WHERE username = ?", arguments: [username])
            if db.changesCount == 0 { throw Self.userNotFound(username) }
        }
    }

    public func createToken(_ token: AccessTokenRecord) async throws {
        try Validation.validateTokenName(token.name)
        try await write { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE username = ?)", arguments: [token.username]) ?? false
            if !exists { throw Self.userNotFound(token.username) }
            try db.execute(
                sql: "INSERT INTO access_tokens (token_id, username, name, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [token.id, token.username, token.name, token.secretHash, token.createdAt]
            )
        }
    }

    public func token(id: String) async throws -> AccessTokenRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT token_id, username, name, secret_hash, created_at FROM access_tokens WHERE token_id = ?", arguments: [id])
                .map(Self.tokenRecord)
        }
    }

    public func tokens(username: String?) async throws -> [AccessTokenRecord] {
        try await read { db in
            let columns = "SELECT token_id, username, name, secret_hash, created_at FROM access_tokens"
            let rows = if let username {
                try Row.fetchAll(db, sql: "\(columns) WHERE username = ? ORDER BY created_at DESC, token_id", arguments: [username])
            } else {
                try Row.fetchAll(db, sql: "\(columns) ORDER BY created_at DESC, token_id")
            }
            return rows.map(Self.tokenRecord)
        }
    }

    public func deleteToken(id: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM access_tokens WHERE token_id = ?", arguments: [id])
            if db.changesCount == 0 { throw TrackError.notFound("No access token with id '\(id)'.") }
        }
    }

    private static func userNotFound(_ username: String) -> TrackError {
        TrackError.notFound("User '\(username)' does not exist.")
    }

    private static func userAccount(_ row: Row) -> UserAccount {
        UserAccount(username: row[0], role: Role(rawValue: row[1]) ?? .reader, passwordHash: row[2], createdAt: row[3])
    }

    private static func tokenRecord(_ row: Row) -> AccessTokenRecord {
        AccessTokenRecord(id: row[0], username: row[1], name: row[2], secretHash: row[3], createdAt: row[4])
    }
}
