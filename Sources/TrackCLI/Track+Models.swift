import ArgumentParser
import Foundation
import TrackAPI
import TrackClient

extension Track {
    /// `track models [NAME]`.
    struct Models: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List registered models, or show one model's versions, stages and aliases."
        )

        @Argument(help: "A registered model's name: show its versions.")
        var name: String?

        @Flag(help: "Print MLflow's registered model (and model version) objects as JSON.")
        var json = false

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await Track.runClientCommand {
                let client = try server.client()
                let style = Style(enabled: Terminal.colorEnabled())
                guard let name else {
                    let models = try await client.registeredModels()
                    if json {
                        var writer = JSONWriter(capacity: 4096)
                        writer.beginObject()
                        writer.key("registered_models"); writer.beginArray()
                        for model in models { writer.registeredModel(model) }
                        writer.endArray()
                        writer.endObject()
                        Output.write(String(decoding: writer.bytes, as: UTF8.self) + "\n")
                        return
                    }
                    Output.write(Views.registeredModels(models, width: Terminal.width(), style: style))
                    return
                }
                let model = try await client.registeredModel(name: name)
                let versions = try await client.modelVersions(name: name, aliases: model.aliases)
                if json {
                    var writer = JSONWriter(capacity: 4096)
                    writer.beginObject()
                    writer.key("registered_model"); writer.registeredModel(model)
                    writer.key("model_versions"); writer.beginArray()
                    for version in versions { writer.modelVersion(version, includeAliases: true) }
                    writer.endArray()
                    writer.endObject()
                    Output.write(String(decoding: writer.bytes, as: UTF8.self) + "\n")
                    return
                }
                Output.write(Views.registeredModel(model, versions: versions, width: Terminal.width(), style: style))
            }
        }
    }
}
