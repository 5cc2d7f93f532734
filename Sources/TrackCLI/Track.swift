import ArgumentParser
import Foundation

/// The `track` command.
@main
struct Track: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "A fast, self-hosted experiment tracker that speaks MLflow's API.",
        discussion: """
            Exit status: 0 success, 1 error (server unreachable, run not found, ambiguous run…), \
            2 usage error (unknown flag, missing argument). Shell completion: \
            `track --generate-completion-script bash|zsh|fish`.
            """,
        subcommands: [
            Server.self, Sync.self, Experiments.self, Runs.self, Show.self, Compare.self, Metrics.self,
            Artifacts.self, Models.self, Export.self, Delete.self, Restore.self, GC.self, Backup.self, Users.self, Tokens.self,
        ]
    )

    /// ArgumentParser's `main`, except that usage errors exit with 2 (its default is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
