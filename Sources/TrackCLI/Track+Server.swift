import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TrackCore
import TrackServer

extension Track {
    /// `track server`: the tracking server, embedded store by default.
    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the tracking server (MLflow REST API, artifacts and the web UI).",
            discussion: """
                With no flags it listens on http://127.0.0.1:5000 and keeps everything in ./track-data \
                (one SQLite file and an artifacts folder). Every flag can also be set with an \
                environment variable: TRACK_HOST, TRACK_PORT, TRACK_DATA_DIR, TRACK_BACKEND_STORE_URI, \
                TRACK_ARTIFACT_ROOT, TRACK_WEB_ROOT, TRACK_LOG_LEVEL, TRACK_ALLOWED_HOSTS, TRACK_AUTH=1, \
                TRACK_RUN_CACHE_MB. \
                On an address other than loopback it refuses to start without --auth (or an explicit \
                --insecure-no-auth).
                """
        )

        @Option(help: "Address to listen on.")
        var host: String?

        @Option(help: "Port to listen on (0 picks a free one).")
        var port: Int?

        @Option(name: .customLong("data-dir"), help: "Folder for the database and artifacts (created if missing).")
        var dataDirectory: String?

        @Option(name: .customLong("backend-store-uri"), help: "Store URI, e.g. sqlite:///path/track.db (default: <data-dir>/track.db).")
        var backendStoreURI: String?

        @Option(name: .customLong("artifact-root"), help: "Artifact folder (default: <data-dir>/artifacts).")
        var artifactRoot: String?

        @Option(name: .customLong("web-root"), help: "Folder of the web UI (default: found beside the binary or in ./web).")
        var webRoot: String?

        @Option(name: .customLong("allowed-hosts"), help: "Comma-separated host names to answer to (default on loopback: localhost, 127.0.0.1, [::1]; elsewhere: any).")
        var allowedHosts: String?

        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel: String?

        @Flag(name: .customLong("durable"), help: "Make every commit survive power loss (fsync per commit), not only a crash of the process.")
        var durable = false

        @Flag(name: .customLong("auth"), help: "Require a user name and password or an access token on every request (create users with `track users add`).")
        var auth = false

        @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Close connections silent for this long (default 75).", valueName: "seconds"))
        var idleTimeout: Double?

        @Option(name: .customLong("run-cache-mb"), help: ArgumentHelp("Memory for runs kept loaded for searches and run pages (default \(ServerConfiguration.defaultRunCacheMegabytes); 0 turns it off).", valueName: "megabytes"))
        var runCacheMegabytes: Int?

        @Flag(name: .customLong("insecure-no-auth"), help: "Allow listening on an address other than loopback without --auth.")
        var insecureNoAuth = false

        func validate() throws {
            if let idleTimeout, !(idleTimeout > 0 && idleTimeout <= 86_400) {
                throw ValidationError("--idle-timeout takes a number of seconds between 0 and 86400.")
            }
        }

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let levelName = logLevel ?? environment["TRACK_LOG_LEVEL"] ?? "info"
            guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
                throw ValidationError("Unknown log level '\(levelName)'.")
            }
            LoggingSystem.bootstrap { label in ServerLogHandler(label: label, logLevel: level) }
            let host = host ?? environment["TRACK_HOST"] ?? "127.0.0.1"
            guard let port = port ?? environment["TRACK_PORT"].flatMap(Int.init) ?? 5000 as Int?, (0...65535).contains(port) else {
                throw ValidationError("The port must be between 0 and 65535.")
            }
            guard let runCache = runCacheMegabytes ?? environment["TRACK_RUN_CACHE_MB"].flatMap(Int.init) ?? ServerConfiguration.defaultRunCacheMegabytes as Int?,
                  (0...65536).contains(runCache) else {
                throw ValidationError("The run cache must be between 0 and 65536 megabytes.")
            }
            let hosts = (allowedHosts ?? environment["TRACK_ALLOWED_HOSTS"]).map {
                $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            let configuration = ServerConfiguration(
                host: host,
                port: port,
                dataDirectory: URL(fileURLWithPath: dataDirectory ?? environment["TRACK_DATA_DIR"] ?? "track-data"),
                backendStoreURI: backendStoreURI ?? environment["TRACK_BACKEND_STORE_URI"],
                artifactRoot: (artifactRoot ?? environment["TRACK_ARTIFACT_ROOT"]).map { URL(fileURLWithPath: $0) },
                webRoot: (webRoot ?? environment["TRACK_WEB_ROOT"]).map { URL(fileURLWithPath: $0) },
                allowedHosts: hosts,
                logLevel: level,
                durableAgainstPowerLoss: durable,
                requiresAuthentication: auth || ["1", "true", "yes"].contains(environment["TRACK_AUTH"]?.lowercased() ?? ""),
                allowsInsecureNoAuth: insecureNoAuth,
                idleTimeout: .milliseconds(Int64((idleTimeout ?? 75) * 1000)),
                runCacheMegabytes: runCache
            )
            let app: any ApplicationProtocol
            do {
                app = try await TrackServerApplication.build(configuration)
            } catch let error as TrackError {
                // A refusal to start (no users with --auth, a public address without it): the
                // message says what to do.
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
                throw ExitCode.failure
            }
            try await app.runService()
        }
    }
}
