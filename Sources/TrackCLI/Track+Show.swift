import ArgumentParser
import Foundation
import TrackAPI
import TrackClient

extension Track {
    /// `track show RUN`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one run: its info, description, params, metrics, datasets, logged models and tags."
        )

        @Argument(help: ArgumentHelp("The run: id, unique id prefix, or name.", valueName: "run"))
        var runName: String

        @OptionGroup var scope: RunScopeOptions

        @Flag(help: "Also show system tags (mlflow.*).")
        var all = false

        @Flag(help: "Print the run as the server returns it (runs/get), as JSON.")
        var json = false

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await Track.runClientCommand {
                let client = try server.client()
                let run = try await RunResolver(directory: client, experiment: scope.experiment).resolve(runName)
                if json {
                    let answer = try await client.get("runs/get", [("run_id", run.info.runID)])
                    var writer = JSONWriter(capacity: 4096)
                    writer.value(answer["run"] ?? .null)
                    Output.write(String(decoding: writer.bytes, as: UTF8.self) + "\n")
                    return
                }
                let summaries = try await client.metricSummaries(runIDs: [run.info.runID])
                let experiment = try await client.experiment(id: run.info.experimentID)
                let models = try await client.loggedModels(run.outputs.modelOutputs)
                Output.write(Views.run(
                    run, experimentName: experiment?.name, summaries: summaries, models: models, width: Terminal.width(),
                    style: Style(enabled: Terminal.colorEnabled()), showAll: all, now: Formatting.nowMilliseconds()
                ))
            }
        }
    }
}
