import ArgumentParser
import Foundation
import TrackClient
import TrackSQLite

extension Track {
    /// `track gc`: purges soft-deleted runs from a data folder.
    struct GC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Purge deleted runs and logged models for good: their data and their files.",
            discussion: """
                Works on the data folder directly (not through the server): every run in the deleted \
                state (`track delete`, or deleted with its experiment) is removed from track.db with \
                its params, tags, metrics and inputs, and its artifacts folder \
                <artifact-root>/<experiment id>/<run id> is removed; so is every deleted logged model \
                with its files, <artifact-root>/<experiment id>/models/<model id>. Experiments are kept, \
                deleted or not. Best run while the server is stopped; with it running, SQLite's locking keeps \
                both consistent.
                """
        )

        @OptionGroup var folder: DataFolderOptions

        @Option(name: .customLong("older-than"), help: ArgumentHelp("Only runs and models deleted at least this many days ago.", valueName: "days"))
        var olderThan: Double?

        @Flag(name: .customLong("dry-run"), help: "Only list what would be purged.")
        var dryRun = false

        func validate() throws {
            if let olderThan, !(olderThan >= 0) || olderThan > 1_000_000 { throw ValidationError("--older-than takes a number of days ≥ 0.") }
        }

        func run() async throws {
            try await Track.runClientCommand {
                let data = folder.folder
                let artifacts = folder.artifacts
                let store = try folder.openStore()
                let age = olderThan.map { Int64($0 * 86_400_000) }
                let runs = dryRun ? try await store.deletedRuns(olderThan: age) : try await store.purgeDeletedRuns(olderThan: age)
                var folders = 0
                /// Removes a purged item's folder (or, on a dry run, only counts it).
                func removeFolder(_ folder: URL) -> Bool {
                    guard FileManager.default.fileExists(atPath: folder.path) else { return false }
                    folders += 1
                    if !dryRun {
                        do {
                            try FileManager.default.removeItem(at: folder)
                        } catch {
                            Terminal.writeError("warning: could not remove \(folder.path): \(error.localizedDescription)\n")
                        }
                    }
                    return true
                }
                for run in runs {
                    let runFolder = artifacts.appendingPathComponent(run.experimentID, isDirectory: true)
                        .appendingPathComponent(run.runID, isDirectory: true)
                    let removed = removeFolder(runFolder)
                    Output.write("\(dryRun ? "would purge" : "purged") \(run.runID) (experiment \(run.experimentID))\(removed ? ", artifacts" : "")\n")
                }
                let models = dryRun ? try await store.deletedLoggedModels(olderThan: age) : try await store.purgeDeletedLoggedModels(olderThan: age)
                for model in models {
                    let modelFolder = artifacts.appendingPathComponent(model.experimentID, isDirectory: true)
                        .appendingPathComponent("models", isDirectory: true).appendingPathComponent(model.modelID, isDirectory: true)
                    let removed = removeFolder(modelFolder)
                    Output.write("\(dryRun ? "would purge" : "purged") logged model \(model.modelID) (experiment \(model.experimentID))\(removed ? ", files" : "")\n")
                }
                let modelPart = models.isEmpty ? "" : ", \(models.count) deleted logged model\(models.count == 1 ? "" : "s")"
                let what = "\(runs.count) deleted run\(runs.count == 1 ? "" : "s")\(modelPart) and \(folders) artifact folder\(folders == 1 ? "" : "s")"
                Output.write(dryRun ? "Would purge \(what) from \(data.path).\n" : "Purged \(what) from \(data.path).\n")
            }
        }
    }
}
