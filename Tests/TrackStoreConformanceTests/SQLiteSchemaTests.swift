import Foundation
import GRDB
import Testing
import TrackSQLite

/// The schema of a fresh SQLite store, compared with the committed snapshot
/// `Schema/sqlite.sql`. A schema change must be deliberate (a new migration) and show up in review
/// as a change of that file: run with `TRACK_UPDATE_SCHEMA_SNAPSHOT=1` to rewrite it.
@Test func sqliteSchemaMatchesSnapshot() throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("track-schema-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("store.sqlite").path
    do {
        _ = try SQLiteTrackingStore(path: path)
    }
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    let statements = try queue.read { db in
        try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql NOT NULL ORDER BY name")
    }
    let schema = statements.map { $0 + ";" }.joined(separator: "\n\n") + "\n"

    let snapshot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Schema", isDirectory: true).appendingPathComponent("sqlite.sql")
    let update = ProcessInfo.processInfo.environment["TRACK_UPDATE_SCHEMA_SNAPSHOT"] == "1"
    guard !update, let committed = try? String(contentsOf: snapshot, encoding: .utf8) else {
        try FileManager.default.createDirectory(at: snapshot.deletingLastPathComponent(), withIntermediateDirectories: true)
        try schema.write(to: snapshot, atomically: true, encoding: .utf8)
        Issue.record("Wrote the SQLite schema snapshot to \(snapshot.path); review and commit it.")
        return
    }
    if committed != schema {
        Issue.record("""
            The SQLite schema of a fresh store differs from \(snapshot.path) \
            (- snapshot, + now). If the change is intended, add it as a new migration and \
            rerun with TRACK_UPDATE_SCHEMA_SNAPSHOT=1 to rewrite the snapshot.

            \(lineDiff(old: committed, new: schema))
            """)
    }
}

/// A minimal line diff (longest common subsequence): unchanged lines indented, removed lines
/// with `-`, added ones with `+`; long unchanged stretches are elided.
func lineDiff(old: String, new: String) -> String {
    let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
        for j in stride(from: b.count - 1, through: 0, by: -1) {
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
        }
    }
    var lines: [(mark: Character, text: String)] = []
    var i = 0, j = 0
    while i < a.count || j < b.count {
        if i < a.count, j < b.count, a[i] == b[j] {
            lines.append((" ", a[i])); i += 1; j += 1
        } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
            lines.append(("-", a[i])); i += 1
        } else {
            lines.append(("+", b[j])); j += 1
        }
    }
    // Keep two lines of context around each change.
    let changed = lines.indices.filter { lines[$0].mark != " " }
    var output: [String] = []
    var lastPrinted = -1
    for index in lines.indices where changed.contains(where: { abs($0 - index) <= 2 }) {
        if index > lastPrinted + 1 { output.append("  …") }
        output.append("\(lines[index].mark) \(lines[index].text)")
        lastPrinted = index
    }
    if lastPrinted < lines.count - 1 { output.append("  …") }
    return output.joined(separator: "\n")
}
