import Foundation
import Testing
import TrackAPI
import TrackCore
@testable import Tracker

/// The spool format on its own (no server).
@Suite("Spool")
struct SpoolTests {
    @Test("records round-trip; incomplete and garbage lines are ignored")
    func roundTrip() throws {
        let folder = Support.temporaryDirectory("spool-unit")
        let writer = try SpoolWriter(directory: folder, runKey: "k1", trackingURI: "http://x", client: "test")
        let batch = Batch(
            metrics: [Metric(key: "loss", value: .nan, timestamp: 5, step: 1), Metric(key: "loss", value: -.infinity, timestamp: 6, step: 2)],
            params: [("lr", "0.1")], tags: [("t", "v")]
        )
        try writer.append(batch)
        try writer.append(type: "update_run") { w in w.key("status"); w.string("FINISHED") }
        writer.close()
        var data = try Data(contentsOf: writer.url)
        data.append(Data("not json\n{\"seq\":3,\"type\":\"log_ba".utf8))
        let contents = SpoolContents.parse(data)
        #expect(contents.header?["v"]?.numberValue?.int64Value == 1)
        #expect(contents.runKey == "k1")
        #expect(contents.records.count == 2)
        #expect(contents.ignoredLines == 2)
        let decoded = try Batch(object: try #require(contents.records.first))
        #expect(decoded.metrics.count == 2)
        #expect(decoded.metrics[0].value.isNaN && decoded.metrics[1].value == -.infinity)
        #expect(decoded.params.map(\.key) == ["lr"] && decoded.tags.map(\.value) == ["v"])
        #expect(contents.records.map { $0["seq"]?.numberValue?.int64Value } == [1, 2])
    }

    @Test("a file held by a live writer is not synced; newer formats are refused")
    func lockedAndNewerFiles() async throws {
        let folder = Support.temporaryDirectory("spool-lock")
        let writer = try SpoolWriter(directory: folder, runKey: "k2", trackingURI: "http://x", client: "test")
        let client = TrackingClient(url: URL(string: "http://127.0.0.1:9")!, timeout: .seconds(1))
        let locked = await SpoolSync.sync(file: writer.url, client: client, attempts: 1)
        #expect(locked.outcome == .inUse)
        writer.close()
        let newer = folder.appendingPathComponent("future.jsonl")
        try Data("{\"seq\":0,\"type\":\"header\",\"format\":\"track-spool\",\"v\":2,\"run_key\":\"k3\"}\n".utf8).write(to: newer)
        let result = await SpoolSync.sync(file: newer, client: client, attempts: 1)
        #expect(result.outcome == .unsupported)
        #expect(FileManager.default.fileExists(atPath: newer.path))
    }

    @Test("batches respect the server's limits and never repeat a param key")
    func batchLimits() {
        var queue = PendingQueue()
        queue.metrics = (0..<2500).map { Metric(key: "m", value: Double($0), timestamp: 1, step: Int64($0)) }
        queue.params = (0..<150).map { ("p\($0 % 120)", "v") }
        queue.tags = (0..<130).map { ("t\($0)", "v") }
        var batches: [Batch] = []
        while !queue.isEmpty {
            let batch = queue.nextBatch()
            queue.consume(batch)
            batches.append(batch)
        }
        for batch in batches {
            #expect(batch.count <= 1000 && batch.metrics.count <= 1000 && batch.params.count <= 100 && batch.tags.count <= 100)
            #expect(Set(batch.params.map(\.key)).count == batch.params.count)
        }
        #expect(batches.flatMap(\.metrics).map(\.step) == (0..<2500).map(Int64.init))
        #expect(batches.reduce(0) { $0 + $1.params.count } == 150)
        #expect(batches.reduce(0) { $0 + $1.tags.count } == 130)
    }
}
