import Foundation
import TrackAPI
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The on-disk spool: one append-only JSON-lines file per run segment (see `docs/SPOOL.md`).
public enum Spool {
    /// The format version this library writes and reads.
    public static let formatVersion = 1
    /// The `format` member of every header record.
    public static let formatName = "track-spool"
    /// Extension of a spool file still to be uploaded.
    public static let pendingExtension = "jsonl"
    /// Suffix added once every record of a file reached the server.
    public static let syncedSuffix = ".synced"

    /// Spool files still to be uploaded in `directory`, oldest first.
    public static func pendingFiles(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let files = names.filter { $0.hasSuffix("." + pendingExtension) && !$0.hasPrefix(".") }
            .map { directory.appendingPathComponent($0) }
        func modified(_ url: URL) -> Date {
            (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? .distantPast
        }
        return files.sorted { (modified($0), $0.lastPathComponent) < (modified($1), $1.lastPathComponent) }
    }
}

/// The records of one spool file, as read back.
public struct SpoolContents: Sendable {
    /// The header record (`type: header`), if the file had a valid one.
    public var header: JSONObject?
    /// Every complete record after the header, in file order.
    public var records: [JSONObject]
    /// Lines that were not complete JSON objects: normally at most one, the last line of a
    /// file whose writer was killed mid-record.
    public var ignoredLines: Int

    public var runKey: String? { header?["run_key"]?.stringValue }

    /// Reads a spool file. A line counts only when it ends with a newline and parses as a JSON
    /// object; anything else (a record half-written when the process died) is skipped.
    public static func read(_ url: URL) throws(TrackerError) -> SpoolContents {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TrackerError(kind: .spool, message: "cannot read \(url.path): \(error.localizedDescription)")
        }
        return parse(data)
    }

    public static func parse(_ data: Data) -> SpoolContents {
        var contents = SpoolContents(header: nil, records: [], ignoredLines: 0)
        let bytes = [UInt8](data)
        var start = 0
        var index = 0
        var first = true
        while index < bytes.count {
            if bytes[index] == 0x0A {
                let line = bytes[start..<index]
                start = index + 1
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
                    if let value = try? JSONReader.parse(line), let object = value.objectValue {
                        if first, object["type"]?.stringValue == "header" {
                            contents.header = object
                        } else {
                            contents.records.append(object)
                        }
                        first = false
                    } else {
                        contents.ignoredLines += 1
                    }
                }
            }
            index += 1
        }
        if start < bytes.count, !bytes[start...].allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
            contents.ignoredLines += 1
        }
        return contents
    }
}

/// Appends records to one spool file, holding an exclusive `flock` on it so `track sync` leaves
/// a live file alone. Not thread-safe: owned by the tracker's sender.
package final class SpoolWriter {
    package let url: URL
    private var fd: Int32
    private var sequence: Int64 = 0
    private var unsynced = false
    private var lastSync = ContinuousClock.now
    private var writer = JSONWriter(capacity: 64 * 1024)
    private var line: [UInt8] = []

    /// Creates `<directory>/<runKey>-<n>.jsonl` with the first free `n`, and writes its header.
    package init(directory: URL, runKey: String, trackingURI: String, client: String) throws(TrackerError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TrackerError(kind: .spool, message: "cannot create spool folder \(directory.path): \(error.localizedDescription)")
        }
        var segment = 1
        while true {
            let candidate = directory.appendingPathComponent(String(format: "%@-%03d.%@", runKey, segment, Spool.pendingExtension))
            let synced = candidate.path + Spool.syncedSuffix
            if FileManager.default.fileExists(atPath: synced) { segment += 1; continue }
            let opened = open(candidate.path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
            if opened >= 0 {
                fd = opened
                url = candidate
                break
            }
            if errno == EEXIST && segment < 100_000 { segment += 1; continue }
            throw TrackerError(kind: .spool, message: "cannot create \(candidate.path): \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let message = String(cString: strerror(errno))
            Glue.closeFD(fd)
            throw TrackerError(kind: .spool, message: "cannot lock \(url.path): \(message)")
        }
        try append(type: "header") { w in
            w.key("format"); w.string(Spool.formatName)
            w.key("v"); w.int(Int64(Spool.formatVersion))
            w.key("run_key"); w.string(runKey)
            w.key("client"); w.string(client)
            w.key("tracking_uri"); w.string(trackingURI)
            w.key("created"); w.int(Clocks.nowMillis())
        }
        try sync()
    }

    /// The folder that keeps this file's artifacts: `<file name without .jsonl>.artifacts`.
    package static func artifactFolder(of spoolFile: URL) -> URL {
        spoolFile.deletingPathExtension().appendingPathExtension("artifacts")
    }

    /// Keeps a copy of an artifact beside the spool file (a hard link where the file system
    /// allows, a copy otherwise), so that it can still be uploaded after the training program
    /// has moved or deleted the original. Returns the copy.
    package func keep(artifact local: URL) throws(TrackerError) -> URL {
        let folder = Self.artifactFolder(of: url).appendingPathComponent(String(sequence + 1), isDirectory: true)
        let copy = folder.appendingPathComponent(local.lastPathComponent)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if link(local.path, copy.path) != 0 {
                try FileManager.default.copyItem(at: local, to: copy)
            }
        } catch {
            throw TrackerError(kind: .spool, message: "cannot keep a copy of \(local.path) in the spool: \(error.localizedDescription)")
        }
        return copy
    }

    /// Appends one record `{"seq": n, "type": type, …members}` as one line, in one `write`.
    package func append(type: String, _ members: (inout JSONWriter) -> Void) throws(TrackerError) {
        guard fd >= 0 else { throw TrackerError(kind: .spool, message: "spool file \(url.path) is closed") }
        writer.reset()
        writer.beginObject()
        writer.key("seq"); writer.int(sequence)
        writer.key("type"); writer.string(type)
        members(&writer)
        writer.endObject()
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: writer.bytes)
        line.append(0x0A)
        sequence += 1
        let ok = line.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
        if !ok {
            throw TrackerError(kind: .spool, message: "cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
        unsynced = true
    }

    /// Appends a log-batch record.
    package func append(_ batch: Batch) throws(TrackerError) {
        try append(type: "log_batch") { batch.writeMembers(&$0) }
    }

    /// `fsync`s when something was written since the last one.
    package func sync() throws(TrackerError) {
        guard fd >= 0, unsynced else { return }
        if fsync(fd) != 0 {
            throw TrackerError(kind: .spool, message: "cannot fsync \(url.path): \(String(cString: strerror(errno)))")
        }
        unsynced = false
        lastSync = .now
    }

    /// `fsync`s when the last one is older than `interval`.
    package func syncIfDue(_ interval: Duration = .seconds(1)) throws(TrackerError) {
        if unsynced && ContinuousClock.now - lastSync >= interval { try sync() }
    }

    /// Syncs and closes (releasing the lock).
    package func close() {
        guard fd >= 0 else { return }
        try? sync()
        Glue.closeFD(fd)
        fd = -1
    }

    deinit { close() }
}

/// An exclusive, non-blocking `flock` on a spool file held while `track sync` replays it.
package final class SpoolLock {
    private var fd: Int32

    /// `nil` when another process (a live tracker) holds the file.
    package init?(_ url: URL) {
        fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            Glue.closeFD(fd)
            return nil
        }
    }

    deinit { Glue.closeFD(fd) }
}

package enum Glue {
    package static func closeFD(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #elseif canImport(Musl)
        _ = Musl.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }
}

package enum Clocks {
    /// Wall-clock epoch milliseconds (what MLflow stores as a metric's timestamp).
    @inline(__always)
    package static func nowMillis() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
