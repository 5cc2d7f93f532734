import TrackCore

extension StoreConformance {
    static var accountChecks: [Check] {
        [
            ("accounts.createAndRead", { try await $0.accountCreateAndRead() }),
            ("accounts.duplicateUserRejected", { try await $0.accountDuplicateUserRejected() }),
            ("accounts.invalidUsernameRejected", { try await $0.accountInvalidUsernameRejected() }),
            ("accounts.updateRoleAndPassword", { try await $0.accountUpdateRoleAndPassword() }),
            ("accounts.unknownUserNotFound", { try await $0.accountUnknownUserNotFound() }),
            ("accounts.tokensBelongToExistingUsers", { try await $0.accountTokensBelongToExistingUsers() }),
            ("accounts.deletingAUserRevokesTheirTokens", { try await $0.accountDeletingAUserRevokesTheirTokens() }),
        ]
    }

    static func user(_ name: String, _ role: Role = .writer, hash: String = "$2b$12$hash") -> UserAccount {
        UserAccount(username: name, role: role, passwordHash: hash, createdAt: 1_700_000_000_000)
    }

    static func token(_ id: String, of user: String, createdAt: Int64 = 1_700_000_000_000) -> AccessTokenRecord {
        AccessTokenRecord(id: id, username: user, name: "for \(id)", secretHash: "$2b$12$secret-\(id)", createdAt: createdAt)
    }

    func accountCreateAndRead() async throws {
        let store = try await makeStore()
        try expectEqual(try await store.users(), [], "users of a fresh store")
        try await store.createUser(Self.user("carol", .admin))
        try await store.createUser(Self.user("alice", .reader))
        try expectEqual(try await store.user(named: "carol"), Self.user("carol", .admin), "user carol")
        try expectEqual(try await store.user(named: "nobody"), nil, "an unknown user")
        try expectEqual(try await store.users().map(\.username), ["alice", "carol"], "users, by name")
    }

    func accountDuplicateUserRejected() async throws {
        let store = try await makeStore()
        try await store.createUser(Self.user("alice", .reader))
        try await expectError("a second user named alice", code: .resourceAlreadyExists, message: "User 'alice' already exists.") {
            try await store.createUser(Self.user("alice", .admin))
        }
        try expectEqual(try await store.user(named: "alice")?.role, .reader, "alice's role after the refused duplicate")
    }

    func accountInvalidUsernameRejected() async throws {
        let store = try await makeStore()
        for name in ["", "a:b", "white space", "é", String(repeating: "x", count: 65)] {
            try await expectError("user name \(show(name))", code: .invalidParameterValue, messageContains: ["Invalid user name"]) {
                try await store.createUser(Self.user(name))
            }
        }
        try expectEqual(try await store.users(), [], "users after refused names")
    }

    func accountUpdateRoleAndPassword() async throws {
        let store = try await makeStore()
        try await store.createUser(Self.user("alice", .reader, hash: "old"))
        try await store.updateUser(named: "alice", role: .admin, passwordHash: nil)
        try expectEqual(try await store.user(named: "alice"), Self.user("alice", .admin, hash: "old"), "alice after a role change")
        try await store.updateUser(named: "alice", role: nil, passwordHash: "new")
        try expectEqual(try await store.user(named: "alice"), Self.user("alice", .admin, hash: "new"), "alice after a password change")
    }

    func accountUnknownUserNotFound() async throws {
        let store = try await makeStore()
        try await expectError("updating an unknown user", code: .resourceDoesNotExist, message: "User 'ghost' does not exist.") {
            try await store.updateUser(named: "ghost", role: .admin, passwordHash: nil)
        }
        try await expectError("deleting an unknown user", code: .resourceDoesNotExist, message: "User 'ghost' does not exist.") {
            try await store.deleteUser(named: "ghost")
        }
        try await expectError("revoking an unknown token", code: .resourceDoesNotExist) {
            try await store.deleteToken(id: "0000000000000000")
        }
    }

    func accountTokensBelongToExistingUsers() async throws {
        let store = try await makeStore()
        try await expectError("a token of an unknown user", code: .resourceDoesNotExist, message: "User 'ghost' does not exist.") {
            try await store.createToken(Self.token("aaaaaaaaaaaaaaaa", of: "ghost"))
        }
        try await store.createUser(Self.user("alice"))
        try await store.createUser(Self.user("bob"))
        try await store.createToken(Self.token("aaaaaaaaaaaaaaaa", of: "alice", createdAt: 1))
        try await store.createToken(Self.token("bbbbbbbbbbbbbbbb", of: "alice", createdAt: 2))
        try await store.createToken(Self.token("cccccccccccccccc", of: "bob", createdAt: 3))
        try expectEqual(try await store.token(id: "bbbbbbbbbbbbbbbb"), Self.token("bbbbbbbbbbbbbbbb", of: "alice", createdAt: 2), "token b")
        try expectEqual(try await store.tokens(username: "alice").map(\.id), ["bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa"], "alice's tokens, newest first")
        try expectEqual(try await store.tokens(username: nil).map(\.id), ["cccccccccccccccc", "bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa"], "all tokens")
        try await store.deleteToken(id: "aaaaaaaaaaaaaaaa")
        try expectEqual(try await store.token(id: "aaaaaaaaaaaaaaaa"), nil, "a revoked token")
    }

    func accountDeletingAUserRevokesTheirTokens() async throws {
        let store = try await makeStore()
        try await store.createUser(Self.user("alice"))
        try await store.createUser(Self.user("bob"))
        try await store.createToken(Self.token("aaaaaaaaaaaaaaaa", of: "alice"))
        try await store.createToken(Self.token("cccccccccccccccc", of: "bob"))
        try await store.deleteUser(named: "alice")
        try expectEqual(try await store.user(named: "alice"), nil, "a deleted user")
        try expectEqual(try await store.token(id: "aaaaaaaaaaaaaaaa"), nil, "the token of a deleted user")
        try expectEqual(try await store.tokens(username: nil).map(\.id), ["cccccccccccccccc"], "tokens after deleting alice")
    }
}
