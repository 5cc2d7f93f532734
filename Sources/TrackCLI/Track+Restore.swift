import ArgumentParser
import Foundation
import TrackClient
import TrackServer
import TrackSQLite

extension Track {
    /// `track restore RUN`, and `track restore --backup FOLDER` for a whole data folder.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a deleted run (not yet purged by `track gc`), or a data folder from a backup.",
            discussion: """
                When a name or prefix matches both deleted and active runs, the deleted ones are the \
                candidates. With --backup FOLDER (made by `track backup`), the data folder's database \
                and artifacts are replaced by the backup's, after checking it; the server must be \
                stopped, and what the folder held is moved to <data-dir>/replaced-<time>/, not deleted.
                """
        )

        @Argument(help: ArgumentHelp("The run: id, unique id prefix, or name.", valueName: "run"))
        var runName: String?

        @Option(name: .customLong("backup"), help: ArgumentHelp("Restore the data folder from this backup instead.", valueName: "folder"))
        var backup: String?

        @OptionGroup var scope: RunScopeOptions
        @OptionGroup var server: ServerOptions
        @OptionGroup var folder: DataFolderOptions

        func validate() throws {
            if (runName == nil) == (backup == nil) {
                throw ValidationError("Give either a run to restore or --backup FOLDER.")
            }
        }

        func run() async throws {
            if let backup {
                try await Track.runClientCommand { try restoreBackup(URL(fileURLWithPath: backup, isDirectory: true)) }
                return
            }
            guard let runName else { return }
            try await Track.runClientCommand {
                let client = try server.client()
                let resolver = RunResolver(directory: client, experiment: scope.experiment, preferredStage: .deleted)
                let run = try await resolver.resolve(runName)
                if run.info.lifecycleStage == .active {
                    Output.write("Run \(run.info.runName) (\(run.info.runID)) is not deleted.\n")
                    return
                }
                try await client.restoreRun(id: run.info.runID)
                Output.write("Restored run \(run.info.runName) (\(run.info.runID)).\n")
            }
        }

        private func restoreBackup(_ backup: URL) throws {
            let lock = try DataFolderLock(folder: folder.folder, mode: .exclusive)
            let (summary, replaced) = try DataFolderBackup.restore(from: backup, database: folder.database, artifacts: folder.artifacts)
            withExtendedLifetime(lock) {}
            Output.write(
                "restored \(summary.experiments) experiments, \(summary.runs) runs and \(summary.artifactFiles) artifact files into \(folder.folder.path)\n"
            )
            if let replaced { Output.write("the data it replaced is in \(replaced.path)\n") }
        }
    }
}
