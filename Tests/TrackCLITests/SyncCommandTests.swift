import Foundation
import Testing
import TrackAPI
import TrackClient
import TrackCore

/// `track sync` on spool files written by hand from docs/SPOOL.md, against the real server.
@Suite(.serialized)
struct SyncCommandTests {
    /// A spooled run of `points` loss points (NaN and ±Infinity among them), its params, tags and
    /// end; optionally a record cut off mid-write at the end, as a killed writer leaves it.
    static func writeSpool(in folder: URL, runKey: String, experiment: String, points: Int, version: Int = 1, cutOff: Bool = false) throws -> URL {
        var lines = [
            #"{"seq":0,"type":"header","format":"track-spool","v":\#(version),"run_key":"\#(runKey)","client":"hand","tracking_uri":"http://127.0.0.1:5000","created":1700000000000}"#,
            #"{"seq":1,"type":"create_run","run_key":"\#(runKey)","experiment_name":"\#(experiment)","run_name":"spooled","start_time":1700000000000,"user_id":"ann","tags":[{"key":"track.run_key","value":"\#(runKey)"},{"key":"where","value":"plane"}]}"#,
        ]
        var seq = 2
        for start in stride(from: 0, to: points, by: 1000) {
            let metrics = (start..<min(points, start + 1000)).map { step in
                #"{"key":"loss","value":\#(Self.spoolValue(step)),"timestamp":\#(1_700_000_000_000 + Int64(step)),"step":\#(step)}"#
            }
            let params = start == 0 ? #"[{"key":"lr","value":"0.01"}]"# : "[]"
            lines.append(#"{"seq":\#(seq),"type":"log_batch","metrics":[\#(metrics.joined(separator: ","))],"params":\#(params),"tags":[]}"#)
            seq += 1
        }
        lines.append(#"{"seq":\#(seq),"type":"update_run","status":"FINISHED","end_time":1700000100000}"#)
        var text = lines.joined(separator: "\n") + "\n"
        if cutOff { text += #"{"seq":99999,"type":"log_batch","metrics":[{"key":"loss","val"# }
        let file = folder.appendingPathComponent("\(runKey)-001.jsonl")
        try Data(text.utf8).write(to: file)
        return file
    }

    static func value(_ step: Int) -> Double {
        switch step % 7 {
        case 0: .nan
        case 1: .infinity
        case 2: -.infinity
        default: Double(step) / 3
        }
    }

    static func spoolValue(_ step: Int) -> String {
        let v = value(step)
        if v.isNaN { return #""NaN""# }
        if v.isInfinite { return v > 0 ? #""Infinity""# : #""-Infinity""# }
        return "\(v)"
    }

    static func runKey() -> String { UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }

    @Test func uploadsASpoolExactlyOnce() async throws {
        let server = try await TestServer.start()
        let spool = CLITest.temporaryDirectory("spool")
        let key = Self.runKey()
        let file = try Self.writeSpool(in: spool, runKey: key, experiment: "offline", points: 2500, cutOff: true)

        let listed = try await CLITest.track(["sync", "--list", "--spool", spool.path], url: server.url)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout == "\(key)-001.jsonl: run key \(key), 5 records (3 batches), 1 incomplete line(s) ignored\n")

        let synced = try await CLITest.track(["sync", "--spool", spool.path], url: server.url)
        #expect(synced.status == 0, "\(synced.stderr)")
        let experiment = try await server.client.experiment(idOrName: "offline")
        let runs = try await server.client.searchAllRuns(
            experimentIDs: [experiment.id], filter: "tags.`track.run_key` = '\(key)'", orderBy: [], viewType: .all, limit: nil
        )
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(synced.stdout == "\(key)-001.jsonl: synced to run \(run.info.runID) (5 records, 2500 metric points); 1 incomplete line(s) ignored\n")
        #expect(run.info.status == .finished && run.info.runName == "spooled" && run.info.endTime == 1_700_000_100_000)
        #expect(run.data.params.map(\.value) == ["0.01"])
        #expect(run.data.tags.contains { $0.key == "where" && $0.value == "plane" })
        var points: [MetricPoint] = []
        try await server.client.metricHistory(runID: run.info.runID, key: "loss") { points += $0 }
        #expect(points.count == 2500)
        #expect(points.map(\.step) == (0..<2500).map(Int64.init))
        #expect(points.allSatisfy { $0.timestamp == 1_700_000_000_000 + $0.step })
        #expect(points.allSatisfy { point in
            let want = Self.value(Int(point.step))
            return want.isNaN ? point.value.isNaN : point.value == want
        })
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(FileManager.default.fileExists(atPath: file.path + ".synced"))

        let again = try await CLITest.track(["sync", "--spool", spool.path], url: server.url)
        #expect(again.status == 0)
        #expect(again.stdout == "Nothing to sync in \(spool.path).\n")
        await server.stop()
    }

    @Test func errorsSayWhatToDo() async throws {
        let spool = CLITest.temporaryDirectory("spool-errors")
        let file = try Self.writeSpool(in: spool, runKey: Self.runKey(), experiment: "offline", points: 10)
        let down = URL(string: "http://127.0.0.1:\(CLITest.freePort())")!
        let unreachable = try await CLITest.track(["sync", "--spool", spool.path], url: down)
        #expect(unreachable.status == 1)
        #expect(unreachable.stdout.isEmpty)
        #expect(unreachable.stderr.hasPrefix(
            "error: cannot reach the track server at \(down.absoluteString) (no answer to /health; 1 spooled file left in \(spool.path))."
        ), "\(unreachable.stderr)")
        #expect(unreachable.stderr.contains("Start one with `track server`"))
        #expect(FileManager.default.fileExists(atPath: file.path), "the file stays for the next sync")

        let flag = try await CLITest.track(["sync", "--spool", spool.path, "--url", "ftp://host"], url: nil)
        #expect(flag.status == 1)
        #expect(flag.stderr.contains("--url is 'ftp://host', which is not an http(s) URL"), "\(flag.stderr)")
        let environment = try await CLITest.track(["sync", "--spool", spool.path], url: nil, environment: ["TRACK_URL": "file:///tmp/x"])
        #expect(environment.status == 1)
        #expect(environment.stderr.contains("TRACK_URL is 'file:///tmp/x'"), "\(environment.stderr)")

        let empty = try await CLITest.track(["sync", "--spool", CLITest.temporaryDirectory("spool-empty").path], url: down)
        #expect(empty.status == 0, "nothing to do is not an error, server or not")
        #expect(empty.stdout.hasPrefix("Nothing to sync in "))

        // A file from a newer writer is left alone and reported; the others still sync.
        let server = try await TestServer.start()
        let newer = try Self.writeSpool(in: spool, runKey: Self.runKey(), experiment: "offline", points: 5, version: 9)
        let mixed = try await CLITest.track(["sync", "--spool", spool.path], url: server.url)
        #expect(mixed.status == 1)
        #expect(mixed.stdout.contains("synced to run"))
        #expect(mixed.stdout.contains("\(newer.lastPathComponent): skipped: "), "\(mixed.stdout)")
        #expect(mixed.stderr == "error: 1 of 2 spooled files could not be synced (see above); they stay in \(spool.path).\n", "\(mixed.stderr)")
        #expect(FileManager.default.fileExists(atPath: newer.path))
        await server.stop()
    }

    @Test func progressOnATerminal() async throws {
        let server = try await TestServer.start()
        let spool = CLITest.temporaryDirectory("spool-tty")
        for _ in 0..<3 { _ = try Self.writeSpool(in: spool, runKey: Self.runKey(), experiment: "tty", points: 3000) }
        let result = try await CLITest.trackInTerminal(["sync", "--spool", spool.path], url: server.url, columns: 100)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("\rsyncing  ["), "\(result.stdout)")
        let lines = CLITest.stripANSI(result.stdout).split(separator: "\n").map { $0.split(separator: "\r").last.map(String.init) ?? "" }
        #expect(lines.filter { $0.contains("synced to run") }.count == 3, "\(lines)")
        await server.stop()
    }
}
