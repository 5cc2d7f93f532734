import ArgumentParser
import Foundation
import TrackClient

/// `--url`, shared by every command that talks to the server.
struct ServerOptions: ParsableArguments {
    @Option(help: "Server URL (default: $TRACK_URL, else $MLFLOW_TRACKING_URI, else http://127.0.0.1:5000).")
    var url: String?

    func client() throws -> APIClient {
        APIClient(baseURL: try ServerURL.resolve(flag: url))
    }
}

/// `--experiment`, for commands that name runs.
struct RunScopeOptions: ParsableArguments {
    @Option(name: [.customShort("e"), .long], help: ArgumentHelp(
        "Look for runs named by prefix or name in this experiment (id or name) only.",
        valueName: "name-or-id"
    ))
    var experiment: String?
}

extension Track {
    /// Runs a client command: its errors are printed as `error: …` with exit status 1.
    static func runClientCommand(_ body: () async throws -> Void) async throws {
        let status = await CommandRunner.run(body)
        if status != 0 { throw ExitCode(status) }
    }
}
