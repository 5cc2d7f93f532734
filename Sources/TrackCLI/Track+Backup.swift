import ArgumentParser
import Foundation
import TrackClient
import TrackSQLite

extension Track {
    /// `track backup DEST`: a consistent copy of a data folder, while the server runs.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a data folder (database and artifacts) into a new folder, even while the server runs.",
            discussion: """
                The database is copied as one consistent snapshot (SQLite's VACUUM INTO), checked, and \
                written with the artifacts and a backup.json into DEST, which must be new or empty. \
                `track restore --backup DEST` brings it back.
                """
        )

        @Argument(help: ArgumentHelp("The folder to write the backup into (new or empty).", valueName: "dest"))
        var destination: String

        @OptionGroup var folder: DataFolderOptions

        func run() async throws {
            try await Track.runClientCommand {
                guard FileManager.default.fileExists(atPath: folder.database.path) else {
                    throw ClientError.invalidInput("no track.db in \(folder.folder.path); give the server's data folder with --data-dir (or TRACK_DATA_DIR).")
                }
                let destination = URL(fileURLWithPath: destination, isDirectory: true)
                let summary = try DataFolderBackup.create(database: folder.database, artifacts: folder.artifacts, destination: destination)
                Output.write(
                    "backed up \(summary.experiments) experiments, \(summary.runs) runs and \(summary.artifactFiles) artifact files "
                        + "(\(Formatting.bytes(summary.artifactBytes))) into \(destination.path)\n"
                )
            }
        }
    }
}
