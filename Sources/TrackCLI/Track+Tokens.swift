import ArgumentParser
import Foundation
import TrackClient
import TrackServer

extension Track {
    /// `track tokens`: access tokens for scripts and training jobs.
    struct Tokens: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage access tokens (for MLFLOW_TRACKING_TOKEN) on a server's data folder.",
            discussion: """
                A token acts as its user, with the user's role. Its secret is printed once, at \
                creation; only a hash is kept. Revoking reaches a running server within 30 seconds.
                """,
            subcommands: [Create.self, List.self, Revoke.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a token for a user and print it.")
            @OptionGroup var folder: DataFolderOptions
            @Argument(help: "The user the token acts as.") var user: String
            @Option(help: "What the token is for (shown in listings).") var name: String = ""

            func run() async throws {
                try await Track.runClientCommand {
                    let (record, text) = try await AccountService(store: try folder.openStore()).createToken(for: user, name: name)
                    Output.write(text + "\n")
                    Terminal.writeError("token \(record.id) for \(user): shown only now; use it as MLFLOW_TRACKING_TOKEN=<token>\n")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List tokens (ids and names, never secrets).")
            @OptionGroup var folder: DataFolderOptions
            @Option(help: "Only this user's tokens.") var user: String?

            func run() async throws {
                try await Track.runClientCommand {
                    let tokens = try await AccountService(store: try folder.openStore()).tokens(of: user)
                    let table = Table(
                        columns: [.init("ID"), .init("USER"), .init("NAME", flexible: true), .init("CREATED")],
                        rows: tokens.map { [$0.id, $0.username, $0.name, Formatting.time($0.createdAt)] }
                    )
                    Output.write(table.render(width: Terminal.width(), style: .plain) + "\n")
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")
            @OptionGroup var folder: DataFolderOptions
            @Argument var id: String

            func run() async throws {
                try await Track.runClientCommand {
                    try await AccountService(store: try folder.openStore()).revokeToken(id: id)
                    Output.write("revoked token \(id)\n")
                }
            }
        }
    }
}
