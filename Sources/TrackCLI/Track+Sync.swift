import ArgumentParser
import Foundation
import TrackAPI
import Tracker

extension Track {
    /// `track sync`: uploads runs a tracker spooled while the server was away.
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload runs that trackers spooled to disk while the server was away.",
            discussion: """
                Replays every spool file (oldest first) against the server: creates runs the server never \
                saw, sends their metrics, params, tags and artifacts, and marks them ended. A file is \
                renamed to *.jsonl.synced once all of it was accepted. Safe to run again, and safe while \
                training runs: files a live tracker is writing are left alone. The spool folder is \
                $TRACK_SPOOL, else ~/.cache/track/spool; the server is $TRACK_URL, else \
                $MLFLOW_TRACKING_URI, else http://127.0.0.1:5000.
                """
        )

        @Option(help: "Spool folder (default: $TRACK_SPOOL, else ~/.cache/track/spool).")
        var spool: String?

        @Option(help: "Server URL (default: $TRACK_URL, else $MLFLOW_TRACKING_URI, else http://127.0.0.1:5000).")
        var url: String?

        @Option(help: "Attempts per request before a file is left for a later sync.")
        var attempts: Int = 5

        @Flag(help: "Only list the spooled files and what they hold.")
        var list = false

        func run() async throws {
            var configuration = TrackerConfiguration()
            if let url {
                guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https" else {
                    throw ValidationError("--url must be an http(s) URL.")
                }
                configuration.url = parsed
            }
            let directory = TrackerConfiguration.defaultSpoolDirectory(spool.map { URL(fileURLWithPath: $0, isDirectory: true) })
            let files = Spool.pendingFiles(in: directory)
            if files.isEmpty {
                print("Nothing to sync in \(directory.path).")
                return
            }
            if list {
                for file in files {
                    let contents = try SpoolContents.read(file)
                    let batches = contents.records.filter { $0["type"]?.stringValue == "log_batch" }.count
                    print("\(file.lastPathComponent): run key \(contents.runKey ?? "?"), \(contents.records.count) records (\(batches) batches)"
                          + (contents.ignoredLines > 0 ? ", \(contents.ignoredLines) incomplete line(s) ignored" : ""))
                }
                return
            }
            let client = TrackingClient(configuration: configuration)
            guard await client.isHealthy() else {
                print("The server at \(client.baseURL.absoluteString) is not answering; \(files.count) file(s) left in \(directory.path).")
                throw ExitCode(2)
            }
            var failed = 0
            for file in files {
                let result = await SpoolSync.sync(file: file, client: client, attempts: max(1, attempts))
                var line = "\(file.lastPathComponent): "
                switch result.outcome {
                case .synced: line += "synced to run \(result.runID ?? "?") (\(result.records) records, \(result.metrics) metric points)"
                case .inUse: line += "skipped, a running tracker is writing it"
                case .failed: line += "failed: \(result.error?.description ?? "unknown error"); run `track sync` again"; failed += 1
                case .unsupported: line += "skipped: \(result.error?.description ?? "not a spool file")"; failed += 1
                }
                if result.ignoredLines > 0 { line += "; \(result.ignoredLines) incomplete line(s) ignored" }
                if !result.refused.isEmpty {
                    line += "; the server refused \(result.refused.count) item(s), e.g. \(result.refused[0].message)"
                }
                print(line)
            }
            if failed > 0 { throw ExitCode.failure }
        }
    }
}
