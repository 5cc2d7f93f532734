import ArgumentParser
import Foundation
import Synchronization
import TrackAPI
import TrackClient
import TrackerDelivery

extension Track {
    /// `track sync`: uploads runs a tracker spooled while the server was away.
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload runs that trackers spooled to disk while the server was away.",
            discussion: """
                Replays every spool file (oldest first) against the server: creates runs the server never \
                saw, sends their metrics, params, tags and artifacts, and marks them ended. A file is \
                renamed to *.jsonl.synced once all of it was accepted. Safe to run again, and safe while \
                training runs: files a live tracker is writing are left alone. Exit status 1 when the \
                server is unreachable or a file could not be synced (it stays for the next sync). The spool folder is \
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
            try await Track.runClientCommand {
                var configuration = TrackerConfiguration()
                configuration.url = URL(string: try ServerURL.resolve(flag: url))
                let directory = TrackerConfiguration.defaultSpoolDirectory(spool.map { URL(fileURLWithPath: $0, isDirectory: true) })
                let files = Spool.pendingFiles(in: directory)
                if files.isEmpty {
                    Output.write("Nothing to sync in \(directory.path).\n")
                    return
                }
                if list {
                    for file in files {
                        let contents: SpoolContents
                        do {
                            contents = try SpoolContents.read(file)
                        } catch {
                            Output.write("\(file.lastPathComponent): unreadable: \(error)\n")
                            continue
                        }
                        let batches = contents.records.filter { $0["type"]?.stringValue == "log_batch" }.count
                        Output.write("\(file.lastPathComponent): run key \(contents.runKey ?? "?"), \(contents.records.count) records (\(batches) batches)"
                            + (contents.ignoredLines > 0 ? ", \(contents.ignoredLines) incomplete line(s) ignored" : "") + "\n")
                    }
                    return
                }
                let client = TrackingClient(configuration: configuration, transport: SyncTransport())
                guard await client.isHealthy() else {
                    throw ClientError.unreachable(
                        url: client.baseURL.absoluteString,
                        reason: "no answer to /health; \(files.count) spooled file\(files.count == 1 ? "" : "s") left in \(directory.path)"
                    )
                }
                let sizes = files.map { file in
                    ((try? FileManager.default.attributesOfItem(atPath: file.path)[.size]) as? NSNumber)?.int64Value ?? 0
                }
                let progress = ProgressBar(label: "syncing", total: sizes.reduce(0, +), unit: .bytes)
                var failed = 0
                for (file, size) in zip(files, sizes) {
                    // The bar moves record by record through the file, in proportion to its size.
                    let reported = Mutex<Int64>(0)
                    let result = await SpoolSync.sync(file: file, client: client, attempts: max(1, attempts)) { done, total in
                        let target = total > 0 ? Int64(Double(size) * Double(done) / Double(total)) : size
                        let delta = reported.withLock { reported -> Int64 in
                            defer { reported = max(reported, target) }
                            return max(0, target - reported)
                        }
                        progress.add(delta)
                    }
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
                    progress.add(size - reported.withLock { $0 })
                    progress.printAbove(line + "\n")
                }
                progress.finish()
                if failed > 0 {
                    throw ClientError.invalidInput("\(failed) of \(files.count) spooled file\(files.count == 1 ? "" : "s") could not be synced (see above); they stay in \(directory.path).")
                }
            }
        }
    }
}
