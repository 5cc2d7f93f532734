import ArgumentParser
import Foundation
import TrackClient

extension Track {
    /// `track artifacts ls|get`.
    struct Artifacts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List and download a run's artifacts.",
            subcommands: [List.self, Get.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "ls",
                abstract: "List a run's artifacts (a folder's direct children, or everything with --recursive)."
            )

            @Argument(help: ArgumentHelp("The run: id, unique id prefix, or name.", valueName: "run"))
            var runName: String

            @Argument(help: ArgumentHelp("A folder inside the run's artifacts (default: the top).", valueName: "path"))
            var path: String = ""

            @Flag(name: [.customShort("r"), .long], help: "List every file below the folder.")
            var recursive = false

            @OptionGroup var scope: RunScopeOptions
            @OptionGroup var server: ServerOptions

            func run() async throws {
                try await Track.runClientCommand {
                    guard let segments = SafePath.segments(path) else { throw ClientError.unsafePath(path) }
                    let client = try server.client()
                    let run = try await RunResolver(directory: client, experiment: scope.experiment).resolve(runName)
                    let service = ArtifactService(client: client)
                    let entries: [ArtifactFile]
                    if recursive {
                        entries = try await service.plan(run: run, path: segments).map {
                            ArtifactFile(path: $0.remote.joined(separator: "/"), isDirectory: false, size: $0.size)
                        }
                    } else {
                        entries = try await service.list(run: run, path: segments)
                    }
                    Output.write(Views.artifacts(entries, width: Terminal.width(), style: Style(enabled: Terminal.colorEnabled())))
                }
            }
        }

        struct Get: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Download a file or a folder (recursively) of a run's artifacts.",
                discussion: """
                    A file goes to DEST/<name>, a folder to DEST/<folder>/…, and no path downloads every \
                    artifact into DEST. Every name the server returns is checked: nothing is written \
                    outside DEST (no '..', absolute paths, backslashes or symbolic links on the way).
                    """
            )

            @Argument(help: ArgumentHelp("The run: id, unique id prefix, or name.", valueName: "run"))
            var runName: String

            @Argument(help: ArgumentHelp("A file or folder inside the run's artifacts (default: all of them).", valueName: "path"))
            var path: String = ""

            @Option(help: ArgumentHelp("The folder to download into (created if missing).", valueName: "dir"))
            var dest: String = "."

            @OptionGroup var scope: RunScopeOptions
            @OptionGroup var server: ServerOptions

            func run() async throws {
                try await Track.runClientCommand {
                    guard let segments = SafePath.segments(path) else { throw ClientError.unsafePath(path) }
                    let client = try server.client()
                    let run = try await RunResolver(directory: client, experiment: scope.experiment).resolve(runName)
                    let service = ArtifactService(client: client)
                    let plan = try await service.plan(run: run, path: segments)
                    if plan.isEmpty {
                        Output.write("Nothing to download: \(path.isEmpty ? "the run has no artifacts" : "'\(path)' is an empty folder").\n")
                        return
                    }
                    let total = plan.reduce(Int64(0)) { $0 + ($1.size ?? 0) }
                    let progress = ProgressBar(label: "downloading", total: total, unit: .bytes)
                    let destination = URL(fileURLWithPath: dest, isDirectory: true)
                    let written = try await service.download(run: run, plan: plan, to: destination, progress: progress)
                    progress.finish()
                    Output.write("Downloaded \(plan.count) file\(plan.count == 1 ? "" : "s") (\(Formatting.bytes(written))) to \(destination.standardizedFileURL.path).\n")
                }
            }
        }
    }
}
