import ArgumentParser
import Foundation
import Logging
import TrackClient
import TrackSQLite

/// `--data-dir` and `--artifact-root`, for the commands that work on a server's data folder
/// directly rather than through the server (accounts, backups).
struct DataFolderOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The server's data folder (default: $TRACK_DATA_DIR, else ./track-data).")
    var dataDirectory: String?

    @Option(name: .customLong("artifact-root"), help: "The artifact folder, if not <data-dir>/artifacts (default: $TRACK_ARTIFACT_ROOT).")
    var artifactRoot: String?

    var folder: URL {
        URL(fileURLWithPath: dataDirectory ?? ProcessInfo.processInfo.environment["TRACK_DATA_DIR"] ?? "track-data", isDirectory: true)
    }

    var database: URL { folder.appendingPathComponent("track.db") }

    var artifacts: URL {
        (artifactRoot ?? ProcessInfo.processInfo.environment["TRACK_ARTIFACT_ROOT"]).map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? folder.appendingPathComponent("artifacts", isDirectory: true)
    }

    /// Opens the folder's store (migrating it if needed); with `create`, a missing folder is
    /// made, which is how the first admin is added before the server ever ran.
    func openStore(create: Bool = false) throws -> SQLiteTrackingStore {
        if create {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } else if !FileManager.default.fileExists(atPath: database.path) {
            throw ClientError.invalidInput("no track.db in \(folder.path); give the server's data folder with --data-dir (or TRACK_DATA_DIR).")
        }
        var logger = Logger(label: "track.store.sqlite")
        logger.logLevel = .error
        do {
            return try SQLiteTrackingStore(path: database.path, logger: logger)
        } catch {
            throw ClientError.io("cannot open \(database.path): \(error)")
        }
    }
}
