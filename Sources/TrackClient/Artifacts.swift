import AsyncHTTPClient
import Foundation
import NIOCore
import TrackAPI
import TrackCore

/// Relative artifact paths, checked before they touch the disk or a URL.
public enum SafePath {
    /// The segments of a relative path, or nil when any segment could escape a folder: empty
    /// (`a//b`), `.`, `..`, containing `\` or NUL, or the path is absolute. A trailing `/` is
    /// allowed. The empty path is the root (no segments).
    public static func segments(_ path: String) -> [String]? {
        if path.isEmpty { return [] }
        var text = Substring(path)
        if text.hasSuffix("/") { text = text.dropLast() }
        if text.isEmpty || text.hasPrefix("/") { return nil }
        var result: [String] = []
        for segment in text.split(separator: "/", omittingEmptySubsequences: false) {
            guard isSafeName(segment) else { return nil }
            result.append(String(segment))
        }
        return result
    }

    /// Whether one file or folder name is safe to create inside a folder.
    public static func isSafeName(_ name: Substring) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\\") && !name.contains("\0")
    }
}

/// One file to download: where it is in the run, where it goes under the destination.
public struct PlannedDownload: Sendable, Equatable {
    /// Segments relative to the run's artifact root.
    public var remote: [String]
    /// Segments relative to the destination folder.
    public var local: [String]
    public var size: Int64?
}

/// `track artifacts ls/get`: listing and safe recursive download.
public struct ArtifactService: Sendable {
    public let client: APIClient
    /// Folder nesting deeper than this is refused (a server could answer with endless folders).
    public var maxDepth = 64

    public init(client: APIClient) {
        self.client = client
    }

    /// The run's artifact folder in the server's artifact store: `mlflow-artifacts:/1/<run>/artifacts`
    /// → `["1", "<run>", "artifacts"]`.
    public static func storeSegments(ofURI uri: String, runID: String) throws -> [String] {
        let scheme = "mlflow-artifacts:"
        guard uri.hasPrefix(scheme) else { throw ClientError.artifactsNotServed(runID: runID, uri: uri) }
        var rest = uri.dropFirst(scheme.count)
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            guard let slash = rest.firstIndex(of: "/") else { return [] }
            rest = rest[slash...]
        }
        while rest.hasPrefix("/") { rest = rest.dropFirst() }
        guard let segments = SafePath.segments(String(rest)) else { throw ClientError.unsafePath(String(rest)) }
        return segments
    }

    /// The children of `path`, each checked to be a direct child with a safe name.
    public func list(run: Run, path: [String]) async throws -> [ArtifactFile] {
        let prefix = path.joined(separator: "/")
        let entries = try await client.listArtifacts(runID: run.info.runID, path: prefix)
        return try entries.map { entry in
            _ = try Self.childName(of: entry.path, in: prefix)
            return entry
        }
    }

    /// The name of a listed entry inside `prefix`, refusing anything but a direct child.
    static func childName(of entryPath: String, in prefix: String) throws -> String {
        var name = Substring(entryPath)
        if !prefix.isEmpty {
            guard name.hasPrefix(prefix + "/") else { throw ClientError.unsafePath(entryPath) }
            name = name.dropFirst(prefix.count + 1)
        }
        guard SafePath.isSafeName(name) else { throw ClientError.unsafePath(entryPath) }
        return String(name)
    }

    /// The files to download for `path` (a file, a folder, or the empty path for everything).
    /// A file goes to `<dest>/<its name>`, a folder to `<dest>/<its name>/…`, the root to `<dest>/…`.
    public func plan(run: Run, path: [String]) async throws -> [PlannedDownload] {
        if path.isEmpty {
            return try await walk(run: run, remote: [], local: [], depth: 0)
        }
        let parent = Array(path.dropLast())
        let name = path.last!
        let siblings = try await list(run: run, path: parent)
        let parentPrefix = parent.joined(separator: "/")
        guard let entry = try siblings.first(where: { try Self.childName(of: $0.path, in: parentPrefix) == name }) else {
            throw ClientError.artifactNotFound(runID: run.info.runID, path: path.joined(separator: "/"))
        }
        if entry.isDirectory {
            return try await walk(run: run, remote: path, local: [name], depth: 0)
        }
        return [PlannedDownload(remote: path, local: [name], size: entry.size)]
    }

    func walk(run: Run, remote: [String], local: [String], depth: Int) async throws -> [PlannedDownload] {
        if depth > maxDepth { throw ClientError.unsafePath(remote.joined(separator: "/")) }
        var result: [PlannedDownload] = []
        let prefix = remote.joined(separator: "/")
        for entry in try await list(run: run, path: remote) {
            let name = try Self.childName(of: entry.path, in: prefix)
            if entry.isDirectory {
                result += try await walk(run: run, remote: remote + [name], local: local + [name], depth: depth + 1)
            } else {
                result.append(PlannedDownload(remote: remote + [name], local: local + [name], size: entry.size))
            }
        }
        return result
    }

    /// Downloads the planned files under `destination`, creating folders as needed. Every path
    /// is re-checked; no symbolic link on the way is followed; each file is written to a
    /// temporary name first and renamed into place when complete.
    public func download(run: Run, plan: [PlannedDownload], to destination: URL, progress: ProgressBar?) async throws -> Int64 {
        let store = try Self.storeSegments(ofURI: run.info.artifactURI, runID: run.info.runID)
        let root = destination.standardizedFileURL
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var total: Int64 = 0
        for item in plan {
            guard item.remote.allSatisfy({ SafePath.isSafeName(Substring($0)) }),
                  !item.local.isEmpty, item.local.allSatisfy({ SafePath.isSafeName(Substring($0)) }) else {
                throw ClientError.unsafePath((item.local.isEmpty ? item.remote : item.local).joined(separator: "/"))
            }
            let target = try Self.prepare(root: root, local: item.local)
            let path = (store + item.remote).map(QueryString.encode).joined(separator: "/")
            total += try await fetch(client.baseURL + "/api/2.0/mlflow-artifacts/artifacts/" + path, to: target, progress: progress)
        }
        return total
    }

    /// Creates the folders of `local` under `root` (refusing symbolic links) and returns the file URL.
    static func prepare(root: URL, local: [String]) throws -> URL {
        var folder = root
        for name in local.dropLast() {
            folder = folder.appendingPathComponent(name, isDirectory: true)
            switch kind(folder.path) {
            case .directory: continue
            case .missing:
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
                } catch {
                    throw ClientError.io("cannot create the folder \(folder.path): \(error.localizedDescription)")
                }
            case .symlink, .other:
                throw ClientError.io("refusing to write through \(folder.path): it is not a plain folder (a symbolic link?)")
            }
        }
        let file = folder.appendingPathComponent(local.last!, isDirectory: false)
        switch kind(file.path) {
        case .missing, .other: break
        case .directory: throw ClientError.io("cannot write \(file.path): a folder is in the way")
        case .symlink: throw ClientError.io("refusing to overwrite the symbolic link \(file.path)")
        }
        guard file.standardizedFileURL.path.hasPrefix(root.path.hasSuffix("/") ? root.path : root.path + "/") else {
            throw ClientError.unsafePath(local.joined(separator: "/"))
        }
        return file
    }

    enum Kind { case missing, directory, symlink, other }

    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Streams one file to `target` via a temporary file beside it.
    func fetch(_ url: String, to target: URL, progress: ProgressBar?) async throws -> Int64 {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: "track-cli")
        let response = try await client.send(request, timeout: .seconds(24 * 3600))
        if response.status.code >= 400 {
            let body = try? await response.body.collect(upTo: 1 << 20)
            throw APIClient.serverError(status: Int(response.status.code), body: body.map { Array($0.readableBytesView) } ?? [], url: url)
        }
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).track-download-\(getpid())")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw ClientError.io("cannot write \(temporary.path)")
        }
        var written: Int64 = 0
        do {
            for try await chunk in response.body {
                try handle.write(contentsOf: Data(chunk.readableBytesView))
                written += Int64(chunk.readableBytes)
                progress?.add(Int64(chunk.readableBytes))
            }
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            if error is ClientError { throw error }
            throw ClientError.io("downloading \(target.lastPathComponent) failed: \(error)")
        }
        if rename(temporary.path, target.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw ClientError.io("cannot move the download into \(target.path)")
        }
        return written
    }
}
