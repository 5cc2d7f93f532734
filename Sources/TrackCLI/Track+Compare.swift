import ArgumentParser
import Foundation
import TrackClient

extension Track {
    /// `track compare RUN RUN [RUN...]`.
    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare runs side by side: params, metrics, tags, and metric curves.",
            discussion: """
                Runs are named by id, unique id prefix or name (--experiment narrows names and prefixes \
                to one experiment). Params that differ are marked ≠ and identical ones are hidden; \
                metrics show last, min, max and the step of the best value, and ★ marks the best run \
                per metric: lower is better for names containing loss, error, err, rmse, mae, mse or \
                perplexity, higher otherwise (--lower/--higher override). Tags that differ are shown; \
                system tags (mlflow.*, and track.* set by the trackers) only with --all. --metric draws \
                the runs' curves in the terminal, each ending with the run's number. --json prints the \
                same content as JSON for scripts (see the README for its shape).
                """
        )

        @Argument(help: ArgumentHelp("Two or more runs: id, unique id prefix, or name.", valueName: "run"))
        var runs: [String]

        @OptionGroup var scope: RunScopeOptions

        @Flag(help: "Also show identical params and tags, and system tags (mlflow.*, track.*).")
        var all = false

        @Option(help: ArgumentHelp("Draw this metric's curves for every run (repeatable).", valueName: "key"))
        var metric: [String] = []

        @Option(help: ArgumentHelp("Lower is better for this metric (repeatable).", valueName: "key"))
        var lower: [String] = []

        @Option(help: ArgumentHelp("Higher is better for this metric (repeatable).", valueName: "key"))
        var higher: [String] = []

        @Flag(help: "Print JSON instead of text.")
        var json = false

        @Option(help: "Height of charts, in terminal rows.")
        var height = 12

        @Option(name: .customLong("max-points"), help: "Points fetched per series for charts and best steps (the server downsamples above this).")
        var maxPoints = 1000

        @OptionGroup var server: ServerOptions

        func validate() throws {
            if runs.count < 2 { throw ValidationError("Name at least two runs to compare.") }
            if let both = Set(lower).intersection(higher).first {
                throw ValidationError("'\(both)' is given to both --lower and --higher.")
            }
            if height < 2 || height > 200 { throw ValidationError("--height must be between 2 and 200.") }
            if maxPoints < 4 || maxPoints > 100_000 { throw ValidationError("--max-points must be between 4 and 100000.") }
        }

        func run() async throws {
            try await Track.runClientCommand {
                let client = try server.client()
                let service = CompareService(client: client, maxPoints: maxPoints)
                let comparison = try await service.load(
                    runs: runs, experiment: scope.experiment, rules: MetricGoalRules(lower: lower, higher: higher), charts: metric
                )
                if json {
                    Output.write(String(decoding: ComparisonJSON.encode(comparison), as: UTF8.self) + "\n")
                } else {
                    let renderer = ComparisonRenderer(
                        width: Terminal.width(), style: Style(enabled: Terminal.colorEnabled()), showAll: all,
                        chartHeight: height, maxPoints: maxPoints
                    )
                    Output.write(renderer.render(comparison))
                }
            }
        }
    }
}
