import ArgumentParser
import Foundation
import TrackClient
import TrackCore
import TrackServer

extension Track {
    /// `track users`: the accounts of a server with `--auth`, managed on its data folder.
    struct Users: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the users of a server started with --auth (works on its data folder).",
            discussion: """
                There is no default account: create the first admin with \
                `track users add NAME --role admin`. Roles: reader (read everything), writer (also log \
                runs, change and delete them, upload artifacts), admin (also manage users). Changes \
                reach a running server within 30 seconds.
                """,
            subcommands: [Add.self, List.self, Remove.self, SetPassword.self, SetRole.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a user (asks for the password).")
            @OptionGroup var folder: DataFolderOptions
            @Argument(help: "User name: letters, digits, '.', '_', '-' or '@'.") var name: String
            @Option(help: "reader, writer or admin.") var role: String = "writer"
            @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input instead of asking.")
            var passwordFromStandardInput = false

            func run() async throws {
                try await Track.runClientCommand {
                    let role = try Role.parse(role)
                    try Validation.validateUsername(name)
                    let password = try PasswordInput.read(fromStandardInput: passwordFromStandardInput, confirm: true)
                    try await AccountService(store: try folder.openStore(create: true)).addUser(name, password: password, role: role)
                    Output.write("added user \(name) (\(role.rawValue))\n")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the users and their roles.")
            @OptionGroup var folder: DataFolderOptions

            func run() async throws {
                try await Track.runClientCommand {
                    let users = try await AccountService(store: try folder.openStore()).users()
                    if users.isEmpty {
                        Output.write("no users yet: add one with `track users add NAME --role admin`\n")
                        return
                    }
                    let table = Table(
                        columns: [.init("USER"), .init("ROLE"), .init("CREATED")],
                        rows: users.map { [$0.username, $0.role.rawValue, Formatting.time($0.createdAt)] }
                    )
                    Output.write(table.render(width: Terminal.width(), style: .plain) + "\n")
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a user and their access tokens.")
            @OptionGroup var folder: DataFolderOptions
            @Argument var name: String

            func run() async throws {
                try await Track.runClientCommand {
                    try await AccountService(store: try folder.openStore()).removeUser(name)
                    Output.write("removed user \(name)\n")
                }
            }
        }

        struct SetPassword: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "set-password", abstract: "Change a user's password.")
            @OptionGroup var folder: DataFolderOptions
            @Argument var name: String
            @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input instead of asking.")
            var passwordFromStandardInput = false

            func run() async throws {
                try await Track.runClientCommand {
                    let password = try PasswordInput.read(fromStandardInput: passwordFromStandardInput, confirm: true)
                    try await AccountService(store: try folder.openStore()).setPassword(of: name, to: password)
                    Output.write("changed the password of \(name)\n")
                }
            }
        }

        struct SetRole: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change a user's role.")
            @OptionGroup var folder: DataFolderOptions
            @Argument var name: String
            @Argument(help: "reader, writer or admin.") var role: String

            func run() async throws {
                try await Track.runClientCommand {
                    let role = try Role.parse(role)
                    try await AccountService(store: try folder.openStore()).setRole(of: name, to: role)
                    Output.write("\(name) is now \(role.rawValue)\n")
                }
            }
        }
    }
}
