import ArgumentParser
import Foundation
import TrackClient

extension RunExporter.Format: ExpressibleByArgument {}

extension Track {
    /// `track export RUN --format json|csv`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a run with the full history of every metric, as JSON or CSV.",
            discussion: """
                JSON: {"run": <the run as runs/get returns it>, "metrics": {"<key>": {"steps": [...], \
                "timestamps": [...], "values": [...]}}}. CSV: kind,key,step,timestamp,value with one \
                row per param, tag and metric point.
                """
        )

        @Argument(help: ArgumentHelp("The run: id, unique id prefix, or name.", valueName: "run"))
        var runName: String

        @Option(help: "json or csv.")
        var format: RunExporter.Format = .json

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
        var output: String?

        @OptionGroup var scope: RunScopeOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await Track.runClientCommand {
                let client = try server.client()
                let run = try await RunResolver(directory: client, experiment: scope.experiment).resolve(runName)
                let toTerminal = output == nil && Terminal.isTTY(STDOUT_FILENO)
                let progress = ProgressBar(label: "exporting", total: nil, unit: .points, enabled: Terminal.isTTY(STDERR_FILENO) && !toTerminal)
                let exporter = RunExporter(client: client)
                if let output {
                    let url = URL(fileURLWithPath: output)
                    guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
                        throw ClientError.io("cannot write \(url.path)")
                    }
                    defer { try? handle.close() }
                    try await exporter.export(run, format: format, progress: progress) { try handle.write(contentsOf: Data($0.utf8)) }
                    progress.finish()
                    Terminal.writeError("Exported run \(run.info.runName) (\(run.info.runID)) to \(output).\n")
                } else {
                    try await exporter.export(run, format: format, progress: progress) { Output.write($0) }
                    progress.finish()
                }
            }
        }
    }
}
