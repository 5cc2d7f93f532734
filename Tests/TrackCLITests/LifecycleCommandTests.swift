import Foundation
import Testing
import TrackAPI
import TrackClient
import TrackSQLite

/// `track delete`, `track restore` and `track gc`, on a server of their own.
@Suite(.serialized)
struct LifecycleCommandTests {
    @Test func deleteRestoreAndPurge() async throws {
        let server = try await TestServer.start()
        let experiment = try await server.createExperiment("lifecycle")
        let doomed = try await server.createRun(
            experiment: experiment, name: "doomed", start: Fixture.t0, duration: 1000,
            params: ["lr": "0.1"], tags: ["t": "v"], metrics: ["loss": (0..<50).map { Double($0) }]
        )
        let keeper = try await server.createRun(experiment: experiment, name: "keeper", start: Fixture.t0 + 1, duration: 1000)
        try server.writeArtifact(experiment: experiment, runID: doomed, path: "out/model.bin", contents: "bytes")
        try server.writeArtifact(experiment: experiment, runID: keeper, path: "kept.txt", contents: "kept")

        let deleted = try await CLITest.track(["delete", "doomed"], url: server.url)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains("Deleted run doomed (\(doomed))"))
        let listed = try await CLITest.track(["runs", "--deleted"], url: server.url)
        #expect(listed.stdout.contains("doomed"))
        #expect(!listed.stdout.contains("keeper"))
        let active = try await CLITest.track(["runs"], url: server.url)
        #expect(!active.stdout.contains("doomed"))

        // A new active run with the same name: restore looks at the deleted one.
        let twin = try await server.createRun(experiment: experiment, name: "doomed", start: Fixture.t0 + 2, duration: 1000)
        let restored = try await CLITest.track(["restore", "doomed"], url: server.url)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("Restored run doomed (\(doomed))"))
        let ambiguous = try await CLITest.track(["delete", "doomed"], url: server.url)
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr.contains(twin) && ambiguous.stderr.contains(doomed))
        #expect(try await CLITest.track(["delete", doomed], url: server.url).status == 0)

        // A logged model deleted through the store (as the server's DELETE does), with its files,
        // and one kept.
        func loggedModel(_ name: String) async throws -> String {
            let answer = try await server.client.post("logged-models") { w in
                w.beginObject(); w.key("experiment_id"); w.string(experiment); w.key("name"); w.string(name); w.endObject()
            }
            let id = answer["model"]?["info"]?["model_id"]?.stringValue ?? ""
            let file = server.dataDirectory.appendingPathComponent("artifacts/\(experiment)/models/\(id)/artifacts/MLmodel")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("flavors: {}\n".utf8).write(to: file)
            return id
        }
        let doomedModel = try await loggedModel("old-model")
        let keptModel = try await loggedModel("kept-model")
        try await SQLiteTrackingStore(path: server.dataDirectory.appendingPathComponent("track.db").path).deleteLoggedModel(id: doomedModel)

        // gc: --older-than spares the fresh deletion, --dry-run changes nothing, then the purge.
        let spared = try await CLITest.track(["gc", "--data-dir", server.dataDirectory.path, "--older-than", "1"], url: nil)
        #expect(spared.status == 0, "\(spared.stderr)")
        #expect(spared.stdout.contains("Purged 0 deleted runs"))
        let dry = try await CLITest.track(["gc", "--data-dir", server.dataDirectory.path, "--dry-run"], url: nil)
        #expect(dry.stdout.contains("would purge \(doomed)"))
        #expect(dry.stdout.contains("would purge logged model \(doomedModel)"))
        #expect(try await server.client.run(id: doomed) != nil)

        let purged = try await CLITest.track(["gc", "--data-dir", server.dataDirectory.path], url: nil)
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(purged.stdout.contains("purged \(doomed) (experiment \(experiment)), artifacts"))
        #expect(purged.stdout.contains("purged logged model \(doomedModel) (experiment \(experiment)), files"))
        #expect(purged.stdout.contains("Purged 1 deleted run, 1 deleted logged model and 2 artifact folders"), "\(purged.stdout)")
        let models = server.dataDirectory.appendingPathComponent("artifacts/\(experiment)/models")
        #expect(!FileManager.default.fileExists(atPath: models.appendingPathComponent(doomedModel).path))
        #expect(FileManager.default.fileExists(atPath: models.appendingPathComponent("\(keptModel)/artifacts/MLmodel").path))
        #expect(try await server.client.get("logged-models/\(keptModel)")["model"] != nil)
        #expect(try await server.client.run(id: doomed) == nil)
        #expect(try await server.client.run(id: keeper) != nil)
        let artifacts = server.dataDirectory.appendingPathComponent("artifacts/\(experiment)")
        #expect(!FileManager.default.fileExists(atPath: artifacts.appendingPathComponent(doomed).path))
        #expect(FileManager.default.fileExists(atPath: artifacts.appendingPathComponent("\(keeper)/artifacts/kept.txt").path))
        // The purged run's metrics went with it (cascade); the server still answers for the others.
        let summaries = try await server.client.metricSummaries(runIDs: [doomed, keeper])
        #expect(summaries.isEmpty)
        let gone = try await CLITest.track(["show", doomed], url: server.url)
        #expect(gone.status == 1)

        let missing = try await CLITest.track(["gc", "--data-dir", CLITest.temporaryDirectory("empty").path], url: nil)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no track.db"))
        await server.stop()
    }
}
