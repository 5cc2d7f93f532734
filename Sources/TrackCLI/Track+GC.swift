import ArgumentParser
import Foundation
import Logging
import TrackClient
import TrackSQLite

extension Track {
    /// `track gc`: purges soft-deleted runs from a data folder.
    struct GC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Purge deleted runs for good: their data and their artifacts folder.",
            discussion: """
                Works on the data folder directly (not through the server): every run in the deleted \
                state (`track delete`, or deleted with its experiment) is removed from track.db with \
                its params, tags, metrics and inputs, and its artifacts folder \
                <artifact-root>/<experiment id>/<run id> is removed. Experiments are kept, deleted or \
                not. Best run while the server is stopped; with it running, SQLite's locking keeps \
                both consistent.
                """
        )

        @Option(name: .customLong("data-dir"), help: "The server's data folder (default: $TRACK_DATA_DIR, else ./track-data).")
        var dataDirectory: String?

        @Option(name: .customLong("artifact-root"), help: "The artifact folder, if not <data-dir>/artifacts (default: $TRACK_ARTIFACT_ROOT).")
        var artifactRoot: String?

        @Option(name: .customLong("older-than"), help: ArgumentHelp("Only runs deleted at least this many days ago.", valueName: "days"))
        var olderThan: Double?

        @Flag(name: .customLong("dry-run"), help: "Only list what would be purged.")
        var dryRun = false

        func validate() throws {
            if let olderThan, !(olderThan >= 0) || olderThan > 1_000_000 { throw ValidationError("--older-than takes a number of days ≥ 0.") }
        }

        func run() async throws {
            try await Track.runClientCommand {
                let environment = ProcessInfo.processInfo.environment
                let data = URL(fileURLWithPath: dataDirectory ?? environment["TRACK_DATA_DIR"] ?? "track-data", isDirectory: true)
                let database = data.appendingPathComponent("track.db")
                guard FileManager.default.fileExists(atPath: database.path) else {
                    throw ClientError.invalidInput("no track.db in \(data.path); give the server's data folder with --data-dir (or TRACK_DATA_DIR).")
                }
                let artifacts = (artifactRoot ?? environment["TRACK_ARTIFACT_ROOT"]).map { URL(fileURLWithPath: $0, isDirectory: true) }
                    ?? data.appendingPathComponent("artifacts", isDirectory: true)
                var logger = Logger(label: "track.gc")
                logger.logLevel = .error
                let store: SQLiteTrackingStore
                do {
                    store = try SQLiteTrackingStore(path: database.path, logger: logger)
                } catch {
                    throw ClientError.io("cannot open \(database.path): \(error)")
                }
                let age = olderThan.map { Int64($0 * 86_400_000) }
                let runs = dryRun ? try await store.deletedRuns(olderThan: age) : try await store.purgeDeletedRuns(olderThan: age)
                var folders = 0
                for run in runs {
                    let folder = artifacts.appendingPathComponent(run.experimentID, isDirectory: true)
                        .appendingPathComponent(run.runID, isDirectory: true)
                    let exists = FileManager.default.fileExists(atPath: folder.path)
                    if exists { folders += 1 }
                    if !dryRun, exists {
                        do {
                            try FileManager.default.removeItem(at: folder)
                        } catch {
                            Terminal.writeError("warning: could not remove \(folder.path): \(error.localizedDescription)\n")
                        }
                    }
                    Output.write("\(dryRun ? "would purge" : "purged") \(run.runID) (experiment \(run.experimentID))\(exists ? ", artifacts" : "")\n")
                }
                let what = "\(runs.count) deleted run\(runs.count == 1 ? "" : "s") and \(folders) artifact folder\(folders == 1 ? "" : "s")"
                Output.write(dryRun ? "Would purge \(what) from \(data.path).\n" : "Purged \(what) from \(data.path).\n")
            }
        }
    }
}
