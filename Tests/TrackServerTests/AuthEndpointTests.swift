import Foundation
import HTTPTypes
import Testing
import TrackCore
import TrackServer
import TrackSQLite

/// `track server --auth`: every request but /health and /version must prove a user, whose role
/// decides what it may do.
@Suite("Authentication")
struct AuthEndpointTests {
    static let users: [(name: String, password: String, role: Role)] = [
        ("ada", "admin-password", .admin), ("wes", "writer-password", .writer), ("rita", "reader-password", .reader),
    ]

    static func basic(_ user: String, _ password: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
    }

    static func bearer(_ token: String) -> HTTPFields {
        [.authorization: "Bearer " + token]
    }

    @Test func withoutCredentialsOnlyHealthAnswers() async throws {
        try await withTrackServer(users: Self.users) { api throws in
            #expect(try await api.get("/health").status == 200)
            #expect(try await api.get("/version").status == 200)
            for reply in [
                try await api.get("experiments/get", [("experiment_id", "0")]),
                try await api.post("experiments/search", [:]),
                try await api.post("experiments/create", ["name": "x"]),
                try await api.get("/"),
                try await api.getArtifact("0/r/artifacts/a.txt"),
            ] {
                expectError(reply, status: 401, code: "UNAUTHENTICATED", messageContains: "Authentication required")
                #expect(reply.header("WWW-Authenticate") == "Basic realm=\"track\", charset=\"UTF-8\"")
                #expect(reply.header("X-Content-Type-Options") == "nosniff")
            }
        }
    }

    @Test func wrongPasswordsAndUnknownUsersAreRefusedAlike() async throws {
        try await withTrackServer(users: Self.users) { api throws in
            for headers in [Self.basic("wes", "wrong-password"), Self.basic("nobody", "writer-password"), Self.basic("wes", ""),
                            Self.bearer("trk_0123456789abcdef_0123456789abcdef0123456789abcdef01234567"), Self.bearer("garbage"),
                            [.authorization: "Basic !!!not-base64"]] {
                let reply = try await api.get("experiments/get", [("experiment_id", "0")], headers: headers)
                expectError(reply, status: 401, code: "UNAUTHENTICATED", messageContains: "Authentication required")
            }
        }
    }

    @Test func readersReadButDoNotWrite() async throws {
        try await withTrackServer(users: Self.users) { api throws in
            let reader = Self.basic("rita", "reader-password")
            #expect(try await api.get("experiments/get", [("experiment_id", "0")], headers: reader).status == 200)
            #expect(try await api.post("experiments/search", [:], headers: reader).status == 200)
            #expect(try await api.post("runs/search", ["experiment_ids": ["0"]], headers: reader).status == 200)
            #expect(try await api.post("logged-models/search", ["experiment_ids": ["0"]], headers: reader).status == 200)
            // A read sent as POST: answered (404 here, no such model), not refused.
            #expect(try await api.post("registered-models/get-latest-versions", ["name": "m"], headers: reader).status == 404)
            let refused = [
                try await api.post("experiments/create", ["name": "x"], headers: reader),
                try await api.post("runs/create", ["experiment_id": "0"], headers: reader),
                try await api.post("logged-models", ["experiment_id": "0"], headers: reader),
                try await api.post("registered-models/create", ["name": "m"], headers: reader),
                try await api.post("model-versions/transition-stage", ["name": "m", "version": "1", "stage": "Production"], headers: reader),
                try await api.send(.put, TrackClient.artifacts + "/0/r/artifacts/a.txt", headers: reader, body: Array("x".utf8)),
                try await api.send(.delete, TrackClient.artifacts + "/0/r/artifacts/a.txt", headers: reader),
            ]
            for reply in refused {
                expectError(reply, status: 403, code: "PERMISSION_DENIED", message: "User 'rita' has the role 'reader', which may not write here.")
            }
            #expect(try await api.post("experiments/search", [:], headers: reader).text.contains("\"Default\""))
            #expect(!api.server.snapshot().contains("data/artifacts/0/r/artifacts/a.txt"))
        }
    }

    @Test func writersAndAdminsWrite() async throws {
        try await withTrackServer(users: Self.users) { api throws in
            for (user, password) in [("wes", "writer-password"), ("ada", "admin-password")] {
                let reply = try await api.post("experiments/create", ["name": .string("made by \(user)")], headers: Self.basic(user, password))
                #expect(reply.status == 200, "\(reply)")
            }
            let put = try await api.send(.put, TrackClient.artifacts + "/0/r/artifacts/a.txt", headers: Self.basic("wes", "writer-password"), body: Array("x".utf8))
            #expect(put.status == 200, "\(put)")
        }
    }

    @Test func accessTokensActAsTheirUserAsBearerOrAsBasicPassword() async throws {
        try await withTrackServer(users: Self.users) { api throws in
            let accounts = AccountService(store: try SQLiteTrackingStore(path: api.server.dataDirectory.appendingPathComponent("track.db").path), hashCost: 4)
            let (_, writerToken) = try await accounts.createToken(for: "wes", name: "ci")
            let (_, readerToken) = try await accounts.createToken(for: "rita", name: "laptop")
            #expect(try await api.post("experiments/create", ["name": "by token"], headers: Self.bearer(writerToken)).status == 200)
            #expect(try await api.post("experiments/create", ["name": "by basic token"], headers: Self.basic("wes", writerToken)).status == 200)
            // A token works only with its own user's name.
            expectError(
                try await api.post("experiments/create", ["name": "x"], headers: Self.basic("ada", writerToken)),
                status: 401, code: "UNAUTHENTICATED", messageContains: "Authentication required"
            )
            expectError(
                try await api.post("experiments/create", ["name": "x"], headers: Self.bearer(readerToken)),
                status: 403, code: "PERMISSION_DENIED", messageContains: "'rita'"
            )
            // Revoked before first use: refused at once. A wrong secret with a real id: refused.
            let (record, revoked) = try await accounts.createToken(for: "wes", name: "old")
            try await accounts.revokeToken(id: record.id)
            expectError(try await api.get("experiments/get", [("experiment_id", "0")], headers: Self.bearer(revoked)), status: 401, code: "UNAUTHENTICATED", messageContains: "Authentication required")
            let forged = "trk_\(record.id)_" + String(repeating: "0", count: 40)
            expectError(try await api.get("experiments/get", [("experiment_id", "0")], headers: Self.bearer(forged)), status: 401, code: "UNAUTHENTICATED", messageContains: "Authentication required")
        }
    }

    @Test func startingWithAuthenticationButNoUsersIsRefused() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("track-auth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, dataDirectory: root, logLevel: .error, requiresAuthentication: true)
        await #expect(throws: TrackError.self) { _ = try await TrackServerApplication.build(configuration) }
        do {
            _ = try await TrackServerApplication.build(configuration)
        } catch let error as TrackError {
            #expect(error.message.contains("track users add"))
        }
    }

    @Test(arguments: ["0.0.0.0", "192.168.1.20", "::", "example.com"])
    func aPublicAddressWithoutAuthenticationIsRefused(host: String) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("track-auth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let configuration = ServerConfiguration(host: host, port: 0, dataDirectory: root, logLevel: .error)
        do {
            _ = try await TrackServerApplication.build(configuration)
            Issue.record("the server agreed to listen on \(host) without authentication")
        } catch let error as TrackError {
            #expect(error.message.contains("--auth") && error.message.contains("--insecure-no-auth"))
        }
        #expect(!FileManager.default.fileExists(atPath: root.path), "nothing is created before the refusal")
    }

    @Test(arguments: ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
    func loopbackNeedsNoAuthentication(host: String) {
        #expect(ServerConfiguration.isLoopback(host))
    }

    @Test func loopbackLookalikesAreNotLoopback() {
        for host in ["127.evil.com", "0.0.0.0", "1270.0.0.1", "127.0.0", "::"] {
            #expect(!ServerConfiguration.isLoopback(host), "\(host)")
        }
    }
}
