import Foundation
import GRDB
import TrackCore

/// Consistent copies of a data folder (`track.db` and the artifact folder), taken while a server
/// runs, and their restoration.
///
/// The database is copied with SQLite's `VACUUM INTO`, one read transaction: a snapshot of a
/// single moment, whatever the server commits meanwhile. Artifacts are copied after it, so every
/// artifact a copied run refers to is there (files are written before the client finishes the
/// run). A backup folder holds `track.db`, `artifacts/` and `backup.json`.
public enum DataFolderBackup {
    public struct Summary: Sendable, Equatable {
        public var experiments: Int
        public var runs: Int
        public var artifactFiles: Int
        public var artifactBytes: Int64
    }

    static let manifestName = "backup.json"

    /// Writes a backup of the data folder into `destination`, a folder that must not exist yet
    /// (or be empty).
    public static func create(database: URL, artifacts: URL, destination: URL) throws -> Summary {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: database.path) else {
            throw TrackError.invalidParameter("No database at \(database.path).")
        }
        if let contents = try? fileManager.contentsOfDirectory(atPath: destination.path), !contents.isEmpty {
            throw TrackError.invalidParameter("\(destination.path) is not empty: back up into a new folder.")
        }
        try fileManager.createDirectory(at: destination, withIntermediateDirectories: true)
        let copy = destination.appendingPathComponent("track.db")
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        let source = try DatabaseQueue(path: database.path, configuration: configuration)
        try source.inDatabase { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [copy.path])
        }
        var summary = try check(database: copy)
        (summary.artifactFiles, summary.artifactBytes) = try copyTree(from: artifacts, to: destination.appendingPathComponent("artifacts", isDirectory: true))
        let manifest: [String: Any] = [
            "format": 1, "created_at": Clock.nowMilliseconds(), "experiments": summary.experiments, "runs": summary.runs,
            "artifact_files": summary.artifactFiles, "artifact_bytes": summary.artifactBytes,
        ]
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: destination.appendingPathComponent(manifestName))
        return summary
    }

    /// Replaces a data folder's database and artifacts with a backup's, after checking the
    /// backup. The caller holds the folder's exclusive ``DataFolderLock``. What the folder held
    /// before is moved aside into `<data dir>/replaced-<time>/`, never deleted.
    /// - Returns: the backup's summary, and the folder the old data went to (if there was any).
    public static func restore(from backup: URL, database: URL, artifacts: URL) throws -> (Summary, URL?) {
        let fileManager = FileManager.default
        let backupDatabase = backup.appendingPathComponent("track.db")
        guard fileManager.fileExists(atPath: backup.appendingPathComponent(manifestName).path),
              fileManager.fileExists(atPath: backupDatabase.path)
        else {
            throw TrackError.invalidParameter("\(backup.path) is not a track backup (no \(manifestName) and track.db).")
        }
        var summary = try check(database: backupDatabase)
        let backupArtifacts = backup.appendingPathComponent("artifacts", isDirectory: true)

        // Move the current data aside.
        var replaced: URL?
        let existing = [database, URL(fileURLWithPath: database.path + "-wal"), URL(fileURLWithPath: database.path + "-shm"), artifacts]
            .filter { fileManager.fileExists(atPath: $0.path) }
        if !existing.isEmpty {
            let aside = database.deletingLastPathComponent().appendingPathComponent("replaced-\(Clock.nowMilliseconds())", isDirectory: true)
            try fileManager.createDirectory(at: aside, withIntermediateDirectories: true)
            for item in existing { try fileManager.moveItem(at: item, to: aside.appendingPathComponent(item.lastPathComponent)) }
            replaced = aside
        }
        try fileManager.createDirectory(at: database.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Copy, then rename into place: a crash mid-copy leaves no half database under the name.
        let staging = URL(fileURLWithPath: database.path + ".restoring")
        try? fileManager.removeItem(at: staging)
        try fileManager.copyItem(at: backupDatabase, to: staging)
        try fileManager.moveItem(at: staging, to: database)
        (summary.artifactFiles, summary.artifactBytes) = try copyTree(from: backupArtifacts, to: artifacts)
        return (summary, replaced)
    }

    /// Checks a database file (`PRAGMA integrity_check`) and counts what it holds.
    static func check(database: URL) throws -> Summary {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: database.path, configuration: configuration)
        return try queue.read { db in
            let result = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard result == ["ok"] else {
                throw TrackError(.invalidState, "The database \(database.path) is damaged: \(result.prefix(5).joined(separator: "; "))")
            }
            return Summary(
                experiments: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM experiments") ?? 0,
                runs: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs") ?? 0,
                artifactFiles: 0, artifactBytes: 0
            )
        }
    }

    /// Copies the regular files and folders under `source` (symbolic links are skipped, never
    /// followed); a missing source is an empty tree.
    static func copyTree(from source: URL, to destination: URL) throws -> (files: Int, bytes: Int64) {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: destination, withIntermediateDirectories: true)
        guard let names = try? fileManager.contentsOfDirectory(atPath: source.path) else { return (0, 0) }
        var files = 0
        var bytes: Int64 = 0
        for name in names.sorted() {
            let from = source.appendingPathComponent(name)
            let to = destination.appendingPathComponent(name)
            let attributes = try fileManager.attributesOfItem(atPath: from.path)
            switch attributes[.type] as? FileAttributeType {
            case .typeDirectory?:
                let (f, b) = try copyTree(from: from, to: to)
                files += f
                bytes += b
            case .typeRegular?:
                try fileManager.copyItem(at: from, to: to)
                files += 1
                bytes += (attributes[.size] as? NSNumber)?.int64Value ?? 0
            default:
                continue
            }
        }
        return (files, bytes)
    }
}
