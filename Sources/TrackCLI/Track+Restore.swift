import ArgumentParser
import Foundation
import TrackClient

extension Track {
    /// `track restore RUN`.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a deleted run (not yet purged by `track gc`).",
            discussion: "When a name or prefix matches both deleted and active runs, the deleted ones are the candidates."
        )

        @Argument(help: ArgumentHelp("The run: id, unique id prefix, or name.", valueName: "run"))
        var runName: String

        @OptionGroup var scope: RunScopeOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
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
    }
}
