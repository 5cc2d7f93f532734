import ArgumentParser
import Foundation
import TrackClient

extension Track {
    /// `track delete RUN`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a run (soft: `track restore` brings it back until `track gc` purges it)."
        )

        @Argument(help: ArgumentHelp("The run: id, unique id prefix, or name.", valueName: "run"))
        var runName: String

        @OptionGroup var scope: RunScopeOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await Track.runClientCommand {
                let client = try server.client()
                let run = try await RunResolver(directory: client, experiment: scope.experiment).resolve(runName)
                if run.info.lifecycleStage == .deleted {
                    Output.write("Run \(run.info.runName) (\(run.info.runID)) is already deleted.\n")
                    return
                }
                try await client.deleteRun(id: run.info.runID)
                Output.write("Deleted run \(run.info.runName) (\(run.info.runID)). `track restore \(run.info.runID)` brings it back; `track gc` purges it for good.\n")
            }
        }
    }
}
