import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TrackAPI
import TrackCore
@testable import Tracker
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server away: at start, killed mid-run, gone for good; the training process killed.
@Suite("Resilience", .serialized)
struct ResilienceTests {
    @Test("server absent at start, then started: nothing lost, one run")
    func serverAbsentAtStart() async throws {
        let port = Support.freePort()
        let url = URL(string: "http://127.0.0.1:\(port)")!
        let configuration = Support.configuration(url, spool: Support.temporaryDirectory("spool"))
        let start = Clocks.nowMillis()
        let tracker = try await Tracker(experiment: "late-server", runName: "early", params: ["lr": 0.1], configuration: configuration)
        #expect(tracker.runID == nil)
        for step in 0..<2000 { tracker.log(metric: "loss", value: Double(step) * 0.5, step: step) }
        try await Task.sleep(for: .milliseconds(300))
        let server = try await InProcessServer.start(port: port)
        defer { Task { await server.stop() } }
        for step in 2000..<2500 { tracker.log(metric: "loss", value: Double(step) * 0.5, step: step) }
        try await tracker.finish()
        let end = Clocks.nowMillis()
        let client = TrackingClient(url: url)
        let runID = try #require(tracker.runID)
        expectSeries(try await client.history(runID, "loss"), steps: 0..<2500, window: start...end, "loss") { Double($0) * 0.5 }
        let run = try await client.storedRun(runID)
        #expect(run.status == "FINISHED")
        #expect(run.params == ["lr": "0.1"])
        #expect(run.tags["mlflow.runName"] == "early")
        #expect(try await client.runIDs(experiment: "late-server") == [runID])
        #expect(tracker.counts.spooled == 0)
    }

    @Test("server killed mid-run and restarted: every point once, in order")
    func serverKilledAndRestarted() async throws {
        let server = ChildServer()
        try await server.start()
        let configuration = Support.configuration(server.url, spool: Support.temporaryDirectory("spool"))
        let start = Clocks.nowMillis()
        let tracker = try await Tracker(experiment: "restart", configuration: configuration)
        let client = TrackingClient(url: server.url)
        let runID = try #require(tracker.runID)
        for step in 0..<3000 {
            tracker.log(metric: "loss", value: 1 / Double(step + 1), step: step)
            if step % 200 == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
        try await Support.eventually("the first points to arrive") { tracker.counts.delivered > 0 }
        server.kill()
        for step in 3000..<6000 {
            tracker.log(metric: "loss", value: 1 / Double(step + 1), step: step)
            if step % 500 == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        try await Task.sleep(for: .milliseconds(500))
        try await server.start()
        for step in 6000..<7000 { tracker.log(metric: "loss", value: 1 / Double(step + 1), step: step) }
        try await tracker.finish()
        let end = Clocks.nowMillis()
        expectSeries(try await client.history(runID, "loss"), steps: 0..<7000, window: start...end, "loss") { 1 / Double($0 + 1) }
        #expect(try await client.storedRun(runID).status == "FINISHED")
        #expect(tracker.counts.spooled == 0, "the outage was shorter than spoolAfter")
        server.kill()
    }

    @Test("server gone for good: the run is spooled, then `track sync` (library, then again, then the binary) completes it")
    func goneForGoodThenSync() async throws {
        let spool = Support.temporaryDirectory("spool")
        let port = Support.freePort()
        let url = URL(string: "http://127.0.0.1:\(port)")!
        let configuration = Support.configuration(url, spool: spool, spoolAfter: .milliseconds(300))
        let start = Clocks.nowMillis()
        let tracker = try await Tracker(experiment: "offline", runName: "spooled", params: ["lr": 0.5], tags: ["where": "plane"], configuration: configuration)
        for step in 0..<2500 { tracker.log(metric: "loss", value: Double(step).squareRoot(), step: step) }
        tracker.log(metric: "odd", value: .infinity, step: 0)
        let artifact = Support.temporaryDirectory("artifact").appendingPathComponent("notes.txt")
        try "hello".write(to: artifact, atomically: true, encoding: .utf8)
        try await tracker.log(artifact: artifact, path: "docs")  // a copy is kept beside the spool file
        try FileManager.default.removeItem(at: artifact)  // the program may delete its file at once
        try await tracker.finish()  // does not throw: the data is safe on disk
        let end = Clocks.nowMillis()
        #expect(tracker.runID == nil)
        #expect(tracker.counts.spooled == 2501)
        let files = Spool.pendingFiles(in: spool)
        #expect(files.count == 1)
        let contents = try SpoolContents.read(try #require(files.first))
        #expect(contents.runKey == tracker.runKey)
        #expect(contents.records.first?["type"]?.stringValue == "create_run")
        #expect(contents.records.last?["type"]?.stringValue == "update_run")
        #expect(contents.ignoredLines == 0)

        let server = try await InProcessServer.start(port: port)
        defer { Task { await server.stop() } }
        let client = TrackingClient(url: url)
        let results = await SpoolSync.syncAll(directory: spool, client: client)
        #expect(results.count == 1)
        let result = try #require(results.first)
        #expect(result.outcome == .synced)
        #expect(result.metrics == 2501)
        let runID = try #require(result.runID)
        expectSeries(try await client.history(runID, "loss"), steps: 0..<2500, window: start...end, "loss") { Double($0).squareRoot() }
        #expect(try await client.history(runID, "odd").first?.value == .infinity)
        let run = try await client.storedRun(runID)
        #expect(run.status == "FINISHED")
        #expect(run.params == ["lr": "0.5"])
        #expect(run.tags["where"] == "plane")
        #expect(run.tags["mlflow.runName"] == "spooled")
        #expect(run.tags[TrackerTags.runKey] == tracker.runKey)
        let info = try await client.getRun(id: runID)
        let path = try #require(TrackingClient.artifactStorePath(info.artifactURI))
        let (data, _) = try await URLSession.shared.data(from: url.appendingPathComponent("api/2.0/mlflow-artifacts/artifacts/\(path)/docs/notes.txt"))
        #expect(String(decoding: data, as: UTF8.self) == "hello")
        #expect(Spool.pendingFiles(in: spool).isEmpty)
        #expect(FileManager.default.fileExists(atPath: files[0].path + Spool.syncedSuffix))
        #expect(!FileManager.default.fileExists(atPath: SpoolWriter.artifactFolder(of: files[0]).path), "the kept copy is removed once synced")

        // Syncing the same file again changes nothing (same run, no duplicate points).
        try FileManager.default.copyItem(atPath: files[0].path + Spool.syncedSuffix, toPath: files[0].path + ".again.jsonl")
        let again = await SpoolSync.syncAll(directory: spool, client: client)
        #expect(again.map(\.outcome) == [.synced])
        #expect(again.first?.runID == runID)
        #expect(try await client.history(runID, "loss").count == 2500)
        #expect(try await client.runIDs(experiment: "offline") == [runID])

        // The `track sync` binary on a second spooled run.
        let trackBinary = try Support.requireBinary("track")
        var offline = Support.configuration(url, spool: spool)
        offline.offline = true
        let second = try await Tracker(experiment: "offline", runName: "second", configuration: offline)
        for step in 0..<100 { second.log(metric: "loss", value: Double(step), step: step) }
        try await second.finish()
        #expect(Spool.pendingFiles(in: spool).count == 1)
        let process = Process()
        process.executableURL = trackBinary
        process.arguments = ["sync", "--spool", spool.path, "--url", url.absoluteString]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("synced to run"), "\(text)")
        #expect(Spool.pendingFiles(in: spool).isEmpty)
        #expect(try await client.runIDs(experiment: "offline").count == 2)
    }

    @Test("spooling, then the server comes back: the tracker uploads its spool itself and goes live")
    func healsWhenServerReturns() async throws {
        let spool = Support.temporaryDirectory("spool")
        let port = Support.freePort()
        let url = URL(string: "http://127.0.0.1:\(port)")!
        let configuration = Support.configuration(url, spool: spool, spoolAfter: .milliseconds(200))
        let start = Clocks.nowMillis()
        let tracker = try await Tracker(experiment: "heal", configuration: configuration)
        for step in 0..<1000 { tracker.log(metric: "loss", value: Double(step), step: step) }
        try await Support.eventually("the tracker to spool") { tracker.isSpooling }
        await tracker.flush()
        let spoolFile = try #require(tracker.spoolFile)
        let server = try await InProcessServer.start(port: port)
        defer { Task { await server.stop() } }
        try await Support.eventually("the tracker to go live again") { !tracker.isSpooling }
        #expect(FileManager.default.fileExists(atPath: spoolFile.path + Spool.syncedSuffix))
        #expect(tracker.runID != nil)
        for step in 1000..<2000 { tracker.log(metric: "loss", value: Double(step), step: step) }
        try await tracker.finish()
        let end = Clocks.nowMillis()
        let client = TrackingClient(url: url)
        let runID = try #require(tracker.runID)
        expectSeries(try await client.history(runID, "loss"), steps: 0..<2000, window: start...end, "loss") { Double($0) }
        #expect(try await client.storedRun(runID).status == "FINISHED")
        #expect(Spool.pendingFiles(in: spool).isEmpty)
    }

    @Test("a training process killed with SIGKILL: its spool is readable and sync uploads what it flushed")
    func sigkilledProcess() async throws {
        let demo = try Support.requireBinary("train-demo")
        let spool = Support.temporaryDirectory("spool")
        let port = Support.freePort()
        let url = URL(string: "http://127.0.0.1:\(port)")!
        let process = Process()
        process.executableURL = demo
        process.arguments = ["--quick", "--url", url.absoluteString, "--experiment", "crash", "--crash-after-steps", "60"]
        var environment = ProcessInfo.processInfo.environment
        environment["TRACK_SPOOL"] = spool.path
        environment["TRACK_SPOOL_AFTER"] = "0"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGKILL)
        #expect(text.contains("FLUSHED step=60"), "\(text)")

        let files = Spool.pendingFiles(in: spool)
        #expect(files.count == 1)
        let file = try #require(files.first)
        // Simulate the worst case too: a record cut off mid-write.
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"seq\":999,\"type\":\"log_batch\",\"metrics\":[{\"key\":\"loss\",\"val".utf8))
        try handle.close()
        let contents = try SpoolContents.read(file)
        #expect(contents.ignoredLines == 1)
        #expect(contents.records.first?["type"]?.stringValue == "create_run")

        let server = try await InProcessServer.start(port: port)
        defer { Task { await server.stop() } }
        let client = TrackingClient(url: url)
        let result = await SpoolSync.sync(file: file, client: client)
        #expect(result.outcome == .synced)
        #expect(result.ignoredLines == 1)
        let runID = try #require(result.runID)
        let loss = try await client.history(runID, "loss")
        let steps = loss.map(\.step)
        // Everything up to the flush is there, once; what never left memory may be missing.
        #expect(Array(steps.prefix(61)) == (0...60).map(Int64.init))
        #expect(Set(steps).count == steps.count)
        #expect(try await client.history(runID, "accuracy").count >= 61)
        let run = try await client.storedRun(runID)
        #expect(run.status == "RUNNING", "a killed process never finished its run")
        #expect(run.params["hidden"] == "16")
        #expect(run.tags["demo"] == "train-demo")
    }
}
