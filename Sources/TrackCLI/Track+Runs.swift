import ArgumentParser
import Foundation
import TrackAPI
import TrackClient
import TrackCore

extension Track {
    /// `track runs`.
    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List and search runs.",
            discussion: """
                --filter takes MLflow's search language, e.g. "metrics.loss < 0.1 and params.lr = '0.01'", \
                "tags.team = 'vision'", "attributes.status = 'FINISHED'", "attributes.run_name LIKE 'base%'". \
                --order-by takes e.g. "metrics.loss ASC" or "attributes.start_time DESC" (repeatable). \
                Newest runs first by default.
                """
        )

        @Option(name: [.customShort("e"), .long], help: ArgumentHelp("Only runs of this experiment (id or name); default: every experiment.", valueName: "name-or-id"))
        var experiment: String?

        @Option(help: ArgumentHelp("A search filter in MLflow's language.", valueName: "filter"))
        var filter: String?

        @Option(name: .customLong("order-by"), help: ArgumentHelp("Sort term, e.g. \"metrics.loss ASC\" (repeatable).", valueName: "term"))
        var orderBy: [String] = []

        @Option(help: "The most runs to list.")
        var limit = 100

        @Flag(help: "Only deleted runs (what `track gc` would purge).")
        var deleted = false

        @Flag(help: "Print the runs as JSON (MLflow's run objects).")
        var json = false

        @OptionGroup var server: ServerOptions

        /// What a refused --filter or --order-by is followed by.
        static let searchHint = """
            --filter takes MLflow's search syntax, e.g. "metrics.loss < 0.1 and params.lr = '0.01'" (string values \
            in quotes; attributes.status, attributes.run_name, tags.`a key`); --order-by e.g. "metrics.loss ASC". \
            See `track runs --help`.
            """

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1.") }
        }

        func run() async throws {
            try await Track.runClientCommand {
                let client = try server.client()
                let experiments: [TrackCore.Experiment]
                if let experiment {
                    experiments = [try await client.experiment(idOrName: experiment)]
                } else {
                    experiments = try await client.experiments(viewType: deleted ? .all : .activeOnly)
                }
                let runs: [TrackCore.Run]
                do {
                    runs = try await client.searchAllRuns(
                        experimentIDs: experiments.map(\.id), filter: filter ?? "", orderBy: orderBy,
                        viewType: deleted ? .deletedOnly : .activeOnly, limit: limit
                    )
                } catch let error as ClientError {
                    guard case .server(400, _, _) = error, filter != nil || !orderBy.isEmpty else { throw error }
                    throw ClientError.invalidInput(error.message + "\n" + Self.searchHint)
                }
                if json {
                    var writer = JSONWriter(capacity: 4096)
                    writer.beginObject()
                    writer.key("runs"); writer.beginArray()
                    for run in runs { writer.run(run) }
                    writer.endArray()
                    writer.endObject()
                    Output.write(String(decoding: writer.bytes, as: UTF8.self) + "\n")
                    return
                }
                let names = Dictionary(experiments.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
                Output.write(Views.runs(
                    runs, experimentNames: names, width: Terminal.width(), style: Style(enabled: Terminal.colorEnabled()),
                    now: Formatting.nowMilliseconds()
                ))
            }
        }
    }
}
