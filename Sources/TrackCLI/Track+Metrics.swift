import ArgumentParser
import Foundation
import TrackClient

extension Track {
    /// `track metrics RUN KEY`.
    struct Metrics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the full history of one metric of a run.",
            discussion: "Every point, in the server's order (time, then step), fetched page by page. --csv prints step,timestamp,value."
        )

        @Argument(help: ArgumentHelp("The run: id, unique id prefix, or name.", valueName: "run"))
        var runName: String

        @Argument(help: ArgumentHelp("The metric's key.", valueName: "key"))
        var key: String

        @OptionGroup var scope: RunScopeOptions

        @Flag(help: "Print CSV: step,timestamp,value.")
        var csv = false

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await Track.runClientCommand {
                let client = try server.client()
                let run = try await RunResolver(directory: client, experiment: scope.experiment).resolve(runName)
                let summaries = try await client.metricSummaries(runIDs: [run.info.runID])
                guard let summary = summaries.first(where: { $0.key == key }) else {
                    let known = summaries.map(\.key).joined(separator: ", ")
                    throw ClientError.invalidInput(
                        "run \(run.info.runName) (\(run.info.runID)) has no metric '\(key)'" + (known.isEmpty ? "; it has no metrics." : "; it has: \(known).")
                    )
                }
                // A bar only when the points go to a file or a pipe, not to the terminal it would garble.
                let progress = ProgressBar(
                    label: key, total: summary.count, unit: .points,
                    enabled: Terminal.isTTY(STDERR_FILENO) && !Terminal.isTTY(STDOUT_FILENO)
                )
                Output.write(csv ? "step,timestamp,value\n" : Views.historyHeader())
                try await client.metricHistory(runID: run.info.runID, key: key) { points in
                    if csv {
                        var text = ""
                        for point in points { text += "\(point.step),\(point.timestamp),\(CSV.value(point.value))\n" }
                        Output.write(text)
                    } else {
                        Output.write(Views.historyLines(points))
                    }
                    progress.add(Int64(points.count))
                }
                progress.finish()
            }
        }
    }
}
