import Foundation
import Testing
import TrackCore
@testable import Tracker

/// The SDK against `track server --auth`: the credentials MLflow's client reads from the
/// environment, or given in the configuration.
@Suite("Authentication")
struct TrackerAuthenticationTests {
    static let users: [(name: String, password: String, role: Role)] = [("wes", "writer-password", .writer), ("rita", "reader-password", .reader)]

    @Test("a writer's password: every point arrives")
    func writerLogs() async throws {
        let server = try await InProcessServer.start(users: Self.users)
        defer { Task { await server.stop() } }
        var configuration = Support.configuration(server.url, spool: Support.temporaryDirectory("spool"))
        configuration.credentials = .basic(username: "wes", password: "writer-password")
        let tracker = try await Tracker(experiment: "secured", configuration: configuration)
        for step in 0..<500 { tracker.log(metric: "loss", value: Double(step), step: step) }
        try await tracker.finish()
        #expect(tracker.lastError == nil)
        let runID = try #require(tracker.runID)
        let reader = TrackingClient(url: server.url, credentials: .basic(username: "rita", password: "reader-password"))
        #expect(try await reader.history(runID, "loss").map(\.step) == (0..<500).map(Int64.init))
    }

    @Test("credentials come from MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN")
    func credentialsFromTheEnvironment() {
        #expect(TrackerConfiguration.credentials(environment: ["MLFLOW_TRACKING_USERNAME": "wes", "MLFLOW_TRACKING_PASSWORD": "pw"]) == .basic(username: "wes", password: "pw"))
        #expect(TrackerConfiguration.credentials(environment: ["MLFLOW_TRACKING_TOKEN": "trk_x", "MLFLOW_TRACKING_USERNAME": "wes", "MLFLOW_TRACKING_PASSWORD": "pw"]) == .bearer(token: "trk_x"))
        #expect(TrackerConfiguration.credentials(environment: [:]) == nil)
    }

    @Test("a wrong password or a reader's account: the tracker refuses to start, with the server's reason")
    func refusedCredentialsSurfaceAtOnce() async throws {
        let server = try await InProcessServer.start(users: Self.users)
        defer { Task { await server.stop() } }
        for (credentials, code) in [
            (Credentials.basic(username: "wes", password: "wrong-password"), "UNAUTHENTICATED"),
            (Credentials.basic(username: "rita", password: "reader-password"), "PERMISSION_DENIED"),
            (nil, "UNAUTHENTICATED"),
        ] {
            var configuration = Support.configuration(server.url, spool: Support.temporaryDirectory("spool"))
            configuration.credentials = credentials
            do {
                _ = try await Tracker(experiment: "secured", configuration: configuration)
                Issue.record("the tracker started with \(String(describing: credentials))")
            } catch let error as TrackerError {
                #expect(error.code == code, "\(error)")
                #expect(!error.isRetryable)
            }
        }
    }
}
