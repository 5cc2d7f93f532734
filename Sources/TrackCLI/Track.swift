import ArgumentParser

/// The `track` command.
@main
struct Track: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "A fast, self-hosted experiment tracker that speaks MLflow's API.",
        subcommands: [Server.self]
    )
}
