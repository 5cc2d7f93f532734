import ArgumentParser
import Foundation
import TrackAPI
import TrackClient

extension Track {
    /// `track experiments`.
    struct Experiments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List experiments with their run counts and last activity."
        )

        @Flag(help: "Include deleted experiments.")
        var all = false

        @Flag(help: "Print the experiments as JSON (MLflow's experiment objects).")
        var json = false

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await Track.runClientCommand {
                let client = try server.client()
                let experiments = try await client.experiments(viewType: all ? .all : .activeOnly)
                if json {
                    var writer = JSONWriter(capacity: 4096)
                    writer.beginObject()
                    writer.key("experiments"); writer.beginArray()
                    for experiment in experiments { writer.experiment(experiment) }
                    writer.endArray()
                    writer.endObject()
                    Output.write(String(decoding: writer.bytes, as: UTF8.self) + "\n")
                    return
                }
                let summaries = try await client.experimentSummaries(ids: experiments.map(\.id))
                Output.write(Views.experiments(
                    experiments, summaries: summaries, width: Terminal.width(), style: Style(enabled: Terminal.colorEnabled()), showStage: all
                ))
            }
        }
    }
}
