import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing
import TrackAPI
import TrackCore
@testable import Tracker

/// Against the real server in this process: what is logged is what is stored.
@Suite("Delivery")
struct DeliveryTests {
    @Test("every point arrives exactly once: values incl. NaN/inf, steps, timestamps, order; params, tags, status")
    func everyPointArrivesExactly() async throws {
        let server = try await InProcessServer.start()
        defer { Task { await server.stop() } }
        var configuration = Support.configuration(server.url, spool: Support.temporaryDirectory("spool"))
        configuration.flushPoints = 700  // batches that don't line up with anything
        configuration.heartbeatInterval = .milliseconds(200)
        let tracker = try await Tracker(
            experiment: "exact", runName: "lr-0.01", params: ["lr": 0.01, "hidden": 64], tags: ["team": "vision"],
            configuration: configuration
        )
        #expect(tracker.runID != nil, "\(String(describing: tracker.lastError))")
        let specials: [Double] = [
            .nan, .infinity, -.infinity, -0.0, 0, 1e-300, -1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
            0.1, 1.0 / 3, -2.5, 123_456_789.123_456_789,
        ]
        func value(_ step: Int) -> Double { step % 3 == 0 ? specials[(step / 3) % specials.count] : Double(step) * 0.001 - 1 }
        let count = 5000
        let start = Clocks.nowMillis()
        var explicit: [Metric] = []
        for step in 0..<count {
            tracker.log(metric: "loss", value: value(step), step: step)
            let stamp = 1_700_000_000_000 + Int64(step / 2)  // explicit timestamps, some shared
            tracker.log(metric: "explicit", value: value(step), step: step, timestamp: stamp)
            explicit.append(Metric(key: "explicit", value: value(step), timestamp: stamp, step: Int64(step)))
            if step % 1000 == 0 { await Task.yield() }
        }
        tracker.log(metrics: ["acc": 0.75, "val/loss": 0.5], step: 3)
        tracker.log(param: "optimizer", value: "adam")
        tracker.set(tag: "phase", value: "done")
        try await Task.sleep(for: .milliseconds(450))  // let a heartbeat or two go out
        try await tracker.finish()
        let end = Clocks.nowMillis()

        let client = TrackingClient(url: server.url)
        let runID = try #require(tracker.runID)
        expectSeries(try await client.history(runID, "loss"), steps: 0..<count, window: start...end, "loss", value: value)
        expectExactly(try await client.history(runID, "explicit"), explicit, "explicit")
        let acc = try await client.history(runID, "acc")
        #expect(acc.count == 1 && acc.first?.value == 0.75 && acc.first?.step == 3)
        #expect(try await client.history(runID, "val/loss").count == 1)

        let run = try await client.storedRun(runID)
        #expect(run.status == "FINISHED")
        #expect((run.endTime ?? 0) >= start && (run.endTime ?? 0) <= end)
        #expect(run.params == ["lr": "0.01", "hidden": "64", "optimizer": "adam"])
        #expect(run.tags["team"] == "vision")
        #expect(run.tags["phase"] == "done")
        #expect(run.tags["mlflow.runName"] == "lr-0.01")
        #expect(run.tags["mlflow.source.type"] == "LOCAL")
        #expect(run.tags["mlflow.source.name"]?.isEmpty == false)
        #expect(run.tags["mlflow.user"]?.isEmpty == false)
        #expect(run.tags["track.host"]?.isEmpty == false)
        #expect(run.tags["track.os"]?.isEmpty == false)
        #expect(run.tags["track.swift.version"]?.hasPrefix("6") == true)
        #expect(run.tags[TrackerTags.runKey] == tracker.runKey)
        let heartbeat = Int64(run.tags[TrackerTags.heartbeat] ?? "") ?? 0
        #expect(heartbeat > start, "the heartbeat tag is refreshed while the run lives")
        #expect(tracker.lastError == nil)
        #expect(tracker.counts.delivered == 2 * count + 2)
        #expect(tracker.counts.spooled == 0)
        // Logging after finish is ignored, not an error.
        tracker.log(metric: "loss", value: 1, step: count)
    }

    @Test("answers lost after the server stored a batch, and 503s, still give each point once")
    func lostAnswersAreIdempotent() async throws {
        let server = try await InProcessServer.start()
        defer { Task { await server.stop() } }
        let proxy = try FaultProxy(upstreamPort: server.port)
        defer { proxy.stop() }
        var configuration = Support.configuration(proxy.url, spool: Support.temporaryDirectory("spool"))
        configuration.credentials = .bearer(token: "s3cret")
        configuration.flushPoints = 400
        let tracker = try await Tracker(experiment: "lost-answers", configuration: configuration)
        proxy.state.withLock { rules in
            rules.dropAnswers["runs/log-batch"] = 3
            rules.failWith["runs/update"] = (503, 2)
        }
        let start = Clocks.nowMillis()
        for step in 0..<3000 {
            tracker.log(metric: "loss", value: Double(step) / 7, step: step)
            if step % 500 == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        try await tracker.finish()
        let end = Clocks.nowMillis()
        let client = TrackingClient(url: server.url)
        let runID = try #require(tracker.runID)
        expectSeries(try await client.history(runID, "loss"), steps: 0..<3000, window: start...end, "loss") { Double($0) / 7 }
        #expect(try await client.storedRun(runID).status == "FINISHED")
        let (requests, authorizations, dropsLeft) = proxy.state.withLock { ($0.requests, $0.authorizations, $0.dropAnswers["runs/log-batch"]) }
        #expect(dropsLeft == 0, "the proxy dropped three answers")
        #expect(requests.filter { $0.contains("runs/update") }.count >= 3)
        #expect(!authorizations.isEmpty && authorizations.allSatisfy { $0 == "Bearer s3cret" })
        #expect(try await client.runIDs(experiment: "lost-answers").count == 1)
    }

    @Test("a lost runs/create answer does not make a second run")
    func lostCreateAnswer() async throws {
        let server = try await InProcessServer.start()
        defer { Task { await server.stop() } }
        let proxy = try FaultProxy(upstreamPort: server.port)
        defer { proxy.stop() }
        proxy.state.withLock { $0.dropAnswers["runs/create"] = 1 }
        let configuration = Support.configuration(proxy.url, spool: Support.temporaryDirectory("spool"))
        let tracker = try await Tracker(experiment: "lost-create", configuration: configuration)
        tracker.log(metric: "x", value: 1, step: 0)
        try await tracker.finish()
        let client = TrackingClient(url: server.url)
        let runs = try await client.runIDs(experiment: "lost-create")
        #expect(runs.count == 1)
        #expect(runs.first == tracker.runID)
        #expect(try await client.history(try #require(tracker.runID), "x").count == 1)
    }

    @Test("a refused param or metric key is reported and does not stall the queue")
    func callerFaultsDoNotStall() async throws {
        let server = try await InProcessServer.start()
        defer { Task { await server.stop() } }
        let errors = Mutex<[TrackerError]>([])
        var configuration = Support.configuration(server.url, spool: Support.temporaryDirectory("spool"))
        configuration.onError = { error in errors.withLock { $0.append(error) } }
        let tracker = try await Tracker(experiment: "faults", params: ["lr": 0.01], configuration: configuration)
        await tracker.flush()
        tracker.log(param: "lr", value: 0.02)           // params are write-once: the server refuses
        tracker.log(metric: "bad key!", value: 1, step: 0)  // not a valid name
        for step in 0..<1500 { tracker.log(metric: "loss", value: Double(step), step: step) }
        tracker.log(param: "batch", value: 32)
        try await tracker.finish()
        let client = TrackingClient(url: server.url)
        let runID = try #require(tracker.runID)
        #expect(try await client.history(runID, "loss").count == 1500)
        let run = try await client.storedRun(runID)
        #expect(run.params == ["lr": "0.01", "batch": "32"])
        #expect(run.status == "FINISHED")
        let seen = errors.withLock { $0 }
        #expect(seen.count == 2, "\(seen)")
        #expect(seen.contains { $0.kind == .server && $0.status == 400 && $0.message.contains("lr") })
        #expect(seen.contains { $0.kind == .invalidInput && $0.message.contains("bad key!") })
        #expect(tracker.lastError != nil)
    }

    @Test("withRun marks FAILED when the body throws, FINISHED when it returns")
    func withRunStatus() async throws {
        let server = try await InProcessServer.start()
        defer { Task { await server.stop() } }
        let configuration = Support.configuration(server.url, spool: Support.temporaryDirectory("spool"))
        struct Diverged: Error {}
        let failedBox = Mutex<String?>(nil)
        await #expect(throws: Diverged.self) {
            try await Tracker.withRun(experiment: "with-run", configuration: configuration) { tracker in
                failedBox.withLock { $0 = tracker.runID }
                tracker.log(metric: "loss", value: .nan, step: 0)
                throw Diverged()
            }
        }
        let okID = try await Tracker.withRun(experiment: "with-run", configuration: configuration) { tracker in
            tracker.log(metric: "loss", value: 0.1, step: 0)
            return tracker.runID
        }
        let client = TrackingClient(url: server.url)
        let failedID = failedBox.withLock { $0 }
        let failed = try await client.storedRun(try #require(failedID))
        #expect(failed.status == "FAILED")
        #expect(try await client.history(try #require(failedID), "loss").first?.value.isNaN == true)
        #expect(try await client.storedRun(try #require(okID)).status == "FINISHED")
    }

    @Test("resume a finished run by id, artifacts, system metrics")
    func resumeArtifactsAndSystemMetrics() async throws {
        let server = try await InProcessServer.start()
        defer { Task { await server.stop() } }
        var configuration = Support.configuration(server.url, spool: Support.temporaryDirectory("spool"))
        let first = try await Tracker(experiment: "resume", configuration: configuration)
        for step in 0..<10 { first.log(metric: "loss", value: Double(step), step: step) }
        try await first.finish()
        let runID = try #require(first.runID)

        configuration.systemMetricsInterval = .milliseconds(100)
        let resumed = try await Tracker(runID: runID, configuration: configuration)
        let client = TrackingClient(url: server.url)
        #expect(try await client.storedRun(runID).status == "RUNNING")
        for step in 10..<20 { resumed.log(metric: "loss", value: Double(step), step: step) }
        let folder = Support.temporaryDirectory("artifact")
        let file = folder.appendingPathComponent("weights.bin")
        try Data([0, 1, 2, 3, 255]).write(to: file)
        try await resumed.log(artifact: file, path: "checkpoints")
        try await Task.sleep(for: .milliseconds(350))
        try await resumed.finish()
        #expect(try await client.history(runID, "loss").map(\.step) == (0..<20).map(Int64.init))
        let run = try await client.storedRun(runID)
        #expect(run.status == "FINISHED")
        #expect(run.metricKeys.contains("system/memory_rss_megabytes"))
        let info = try await client.getRun(id: runID)
        let path = try #require(TrackingClient.artifactStorePath(info.artifactURI))
        let (data, _) = try await URLSession.shared.data(from: server.url.appendingPathComponent("api/2.0/mlflow-artifacts/artifacts/\(path)/checkpoints/weights.bin"))
        #expect([UInt8](data) == [0, 1, 2, 3, 255])
    }

    @Test("the server URL and credentials come from the environment when not given")
    func environmentDefaults() {
        var configuration = TrackerConfiguration()
        configuration.url = nil
        #expect(configuration.resolvedURL.absoluteString.hasPrefix("http"))
        configuration.credentials = .basic(username: "ann", password: "pw")
        #expect(configuration.resolvedCredentials?.headerValue == "Basic " + Data("ann:pw".utf8).base64EncodedString())
    }
}
