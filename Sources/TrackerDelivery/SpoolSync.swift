import Foundation
import TrackAPI

/// Uploads spooled runs: what `track sync` does, and what a tracker does itself when the server
/// comes back.
///
/// A file is replayed from its first record to its last, in order. Replaying is idempotent, so
/// a sync that stopped half-way (or a file synced twice) does no harm: the run is found by its
/// `track.run_key` tag instead of being created again, log-batch stores an exact duplicate
/// point (same key, value, timestamp and step) once, a param logged again with the same value
/// is accepted, and tags are last-writer-wins. A file is renamed to `….jsonl.synced` only after
/// every one of its requests succeeded.
public enum SpoolSync {
    /// What happened to one file.
    public struct FileResult: Sendable {
        public enum Outcome: Sendable, Equatable {
            /// Every record reached the server; the file was renamed to `….synced`.
            case synced
            /// A live tracker holds the file; it was left alone.
            case inUse
            /// The server could not be reached (or kept failing); run sync again later.
            case failed
            /// The file is not a spool file this version understands.
            case unsupported
        }

        public var file: URL
        public var outcome: Outcome
        /// The run on the server the file went to (when it got that far).
        public var runID: String?
        /// Records replayed.
        public var records: Int = 0
        /// Metric points sent.
        public var metrics: Int = 0
        /// Half-written or unreadable lines skipped.
        public var ignoredLines: Int = 0
        /// Entities the server refused (they can never be accepted; the file still counts as synced).
        public var refused: [TrackerError] = []
        /// Why the file failed, for ``Outcome/failed`` and ``Outcome/unsupported``.
        public var error: TrackerError?
    }

    /// Syncs every pending file of `directory` (default: `TRACK_SPOOL`, else `~/.cache/track/spool`).
    public static func syncAll(
        directory: URL? = nil, client: TrackingClient, retry: RetryPolicy = .init(), attempts: Int = 5
    ) async -> [FileResult] {
        let folder = TrackerConfiguration.defaultSpoolDirectory(directory)
        var results: [FileResult] = []
        for file in Spool.pendingFiles(in: folder) {
            results.append(await sync(file: file, client: client, retry: retry, attempts: attempts))
        }
        return results
    }

    /// Syncs one spool file.
    /// - Parameter progress: called after each record with the records replayed and the total.
    public static func sync(
        file: URL, client: TrackingClient, retry: RetryPolicy = .init(), attempts: Int = 5,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) async -> FileResult {
        guard let lock = SpoolLock(file) else {
            return FileResult(file: file, outcome: FileManager.default.fileExists(atPath: file.path) ? .inUse : .failed,
                              error: TrackerError(kind: .spool, message: "cannot open or lock \(file.path)"))
        }
        var result = await replay(file: file, client: client, retry: retry, attempts: attempts, progress: progress)
        if result.outcome == .synced {
            result.outcome = markSynced(file) ? .synced : .failed
            if result.outcome == .failed {
                result.error = TrackerError(kind: .spool, message: "cannot rename \(file.path)")
            }
        }
        withExtendedLifetime(lock) {}
        return result
    }

    /// Renames `x.jsonl` to `x.jsonl.synced` and removes the artifact copies kept beside it.
    package static func markSynced(_ file: URL) -> Bool {
        let target = URL(fileURLWithPath: file.path + Spool.syncedSuffix)
        try? FileManager.default.removeItem(at: target)
        guard (try? FileManager.default.moveItem(at: file, to: target)) != nil else { return false }
        try? FileManager.default.removeItem(at: SpoolWriter.artifactFolder(of: file))
        return true
    }

    /// Replays a file without locking or renaming it (the caller holds it). `.synced` means
    /// every record reached the server.
    package static func replay(
        file: URL, client: TrackingClient, retry: RetryPolicy, attempts: Int, knownRun: RemoteRun? = nil,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) async -> FileResult {
        var result = FileResult(file: file, outcome: .failed)
        let contents: SpoolContents
        do {
            contents = try SpoolContents.read(file)
        } catch {
            result.error = error
            return result
        }
        result.ignoredLines = contents.ignoredLines
        guard let header = contents.header, header["format"]?.stringValue == Spool.formatName,
              let version = header["v"]?.numberValue?.int64Value else {
            result.outcome = .unsupported
            result.error = TrackerError(kind: .spool, message: "\(file.lastPathComponent) has no track-spool header")
            return result
        }
        guard version <= Spool.formatVersion else {
            result.outcome = .unsupported
            result.error = TrackerError(kind: .spool, message: "\(file.lastPathComponent) is spool format v\(version); this client reads up to v\(Spool.formatVersion)")
            return result
        }
        let runKey = header["run_key"]?.stringValue ?? ""
        var run = knownRun
        result.runID = run?.runID

        func retrying<T>(_ operation: () async throws(TrackerError) -> T) async throws(TrackerError) -> T {
            var attempt = 0
            while true {
                do {
                    return try await operation()
                } catch where error.isRetryable && attempt + 1 < attempts {
                    try? await Task.sleep(for: retry.delay(attempt: attempt))
                    attempt += 1
                }
            }
        }

        do throws(TrackerError) {
            for record in contents.records {
                let type = record["type"]?.stringValue ?? ""
                switch type {
                case "create_run":
                    if run != nil { break }
                    let experimentName = record["experiment_name"]?.stringValue
                    var experimentID = record["experiment_id"]?.stringValue
                    if experimentID == nil || experimentID?.isEmpty == true {
                        let name = experimentName ?? "Default"
                        experimentID = try await retrying { () async throws(TrackerError) -> String in try await client.experimentID(named: name) }
                    }
                    let experiment = experimentID ?? "0"
                    let key = record["run_key"]?.stringValue ?? runKey
                    if let existing = try await retrying({ () async throws(TrackerError) -> RemoteRun? in try await client.findRun(experimentID: experiment, runKey: key) }) {
                        run = existing
                    } else {
                        var tags: [(String, String)] = []
                        for item in record["tags"]?.arrayValue ?? [] {
                            if let k = item["key"]?.stringValue, let v = item["value"]?.stringValue { tags.append((k, v)) }
                        }
                        if !tags.contains(where: { $0.0 == TrackerTags.runKey }) { tags.append((TrackerTags.runKey, key)) }
                        let runName = record["run_name"]?.stringValue
                        let startTime = record["start_time"]?.numberValue?.int64Value ?? Clocks.nowMillis()
                        let user = record["user_id"]?.stringValue ?? ""
                        run = try await retrying { () async throws(TrackerError) -> RemoteRun in
                            // A create whose answer was lost must not make a second run.
                            if let again = try await client.findRun(experimentID: experiment, runKey: key) { return again }
                            return try await client.createRun(experimentID: experiment, runName: runName, startTime: startTime, userID: user, tags: tags)
                        }
                    }
                    result.runID = run?.runID
                case "run":
                    if run == nil, let id = record["run_id"]?.stringValue {
                        run = RemoteRun(
                            runID: id, experimentID: record["experiment_id"]?.stringValue ?? "",
                            artifactURI: record["artifact_uri"]?.stringValue ?? "", status: "RUNNING"
                        )
                        result.runID = id
                    }
                case "log_batch":
                    guard let runID = run?.runID else { throw TrackerError(kind: .spool, message: "log_batch before the run is known") }
                    let batch = try Batch(object: record)
                    // Re-chunk in case a writer used other limits than this server's.
                    for part in batch.count > Batch.maxEntities || batch.params.count > Batch.maxParams || batch.tags.count > Batch.maxTags
                        ? Batch.chunks(metrics: batch.metrics, params: batch.params, tags: batch.tags) : [batch] {
                        var refused: [TrackerError] = []
                        try await retrying { () async throws(TrackerError) in
                            refused.removeAll()
                            try await BatchDelivery.send(part, runID: runID, client: client) { refused.append($0) }
                        }
                        result.refused += refused
                    }
                    result.metrics += batch.metrics.count
                case "update_run":
                    guard let runID = run?.runID else { throw TrackerError(kind: .spool, message: "update_run before the run is known") }
                    let status = record["status"]?.stringValue ?? "FINISHED"
                    let endTime = record["end_time"]?.numberValue?.int64Value
                    do throws(TrackerError) {
                        try await retrying { () async throws(TrackerError) in try await client.updateRun(id: runID, status: status, endTime: endTime) }
                    } catch where error.isCallerFault {
                        result.refused.append(error)
                    }
                case "artifact":
                    guard var current = run else { throw TrackerError(kind: .spool, message: "artifact before the run is known") }
                    if current.artifactURI.isEmpty {
                        let runID = current.runID
                        current = try await retrying { () async throws(TrackerError) -> RemoteRun in try await client.getRun(id: runID) }
                        run = current
                    }
                    let local = URL(fileURLWithPath: record["local_path"]?.stringValue ?? "")
                    let path = record["artifact_path"]?.stringValue
                    let uri = current.artifactURI
                    do throws(TrackerError) {
                        try await retrying { () async throws(TrackerError) in try await client.uploadArtifact(local, path: path, artifactURI: uri) }
                    } catch where error.isCallerFault {
                        result.refused.append(error)
                    }
                default:
                    // A record type from a newer writer of the same major version: skipped.
                    break
                }
                result.records += 1
                progress?(result.records, contents.records.count)
            }
        } catch {
            result.error = error
            return result
        }
        result.outcome = .synced
        return result
    }
}
