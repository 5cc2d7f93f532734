import Foundation
import Hummingbird
import TrackCore

/// Artifacts in a folder on the local disk.
///
/// Every operation resolves an ``ArtifactPath`` under the root and refuses to go through a
/// symbolic link, so nothing outside the root can be read, written or deleted. Uploads stream to
/// a staging file and are renamed into place only when complete.
struct LocalArtifactStore: Sendable {
    let root: URL
    let staging: URL
    private let fileIO = FileIO()

    init(root: URL) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: root, withIntermediateDirectories: true)
        self.root = root.resolvingSymlinksInPath().standardizedFileURL
        staging = self.root.deletingLastPathComponent().appendingPathComponent(".artifact-uploads", isDirectory: true)
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    enum Kind: Equatable {
        case missing
        case file(size: Int64)
        case directory
    }

    /// What is at `path`; a symbolic link anywhere on the way counts as missing.
    func kind(of path: ArtifactPath) -> Kind {
        guard let url = try? checkedURL(path) else { return .missing }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return .missing }
        switch attributes[.type] as? FileAttributeType {
        case .typeDirectory?: return .directory
        case .typeRegular?: return .file(size: (attributes[.size] as? NSNumber)?.int64Value ?? 0)
        default: return .missing
        }
    }

    /// The children of a folder, sorted by name; empty for a file or a missing path.
    func list(_ path: ArtifactPath) -> [ArtifactEntry] {
        guard kind(of: path) == .directory, let url = try? checkedURL(path),
              let names = try? FileManager.default.contentsOfDirectory(atPath: url.path)
        else { return [] }
        var entries: [ArtifactEntry] = []
        for name in names.sorted() {
            guard let child = try? ArtifactPath(decoded: name) else { continue }
            switch kind(of: path.appending(child)) {
            case .directory: entries.append(ArtifactEntry(name: name, isDirectory: true, size: nil))
            case .file(let size): entries.append(ArtifactEntry(name: name, isDirectory: false, size: size))
            case .missing: continue
            }
        }
        return entries
    }

    /// Streams `body` into the file at `path`, replacing it when it exists.
    func write(_ path: ArtifactPath, body: some AsyncSequence<ByteBuffer, any Error> & Sendable, context: some RequestContext) async throws {
        if path.isRoot { throw ArtifactPath.invalidPath }
        let destination = try checkedURL(path)
        if kind(of: path) == .directory {
            throw TrackError.invalidParameter("Artifact path refers to a directory, not a file: '\(path)'")
        }
        try makeParentDirectories(of: path)
        let temporary = staging.appendingPathComponent(UUID().uuidString)
        do {
            try await fileIO.writeFile(contents: body, path: temporary.path, context: context)
            // Re-check after the upload: nothing may have swapped a folder on the way for a link.
            _ = try checkedURL(path)
            if rename(temporary.path, destination.path) != 0 {
                throw TrackError.internalError("Could not store the artifact.")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// The streamed content of the file at `path`.
    func read(_ path: ArtifactPath, context: some RequestContext) async throws -> (body: ResponseBody, size: Int64) {
        let url = try checkedURL(path)
        guard case .file(let size) = kind(of: path) else {
            if kind(of: path) == .directory {
                throw TrackError.invalidParameter("Artifact path refers to a directory, not a file: '\(path)'")
            }
            throw TrackError.notFound("No such artifact: '\(path)'")
        }
        return (try await fileIO.loadFile(path: url.path, context: context), size)
    }

    /// Deletes the file or folder at `path`; the root itself can't be deleted.
    func delete(_ path: ArtifactPath) throws {
        if path.isRoot { throw ArtifactPath.invalidPath }
        let url = try checkedURL(path)
        if kind(of: path) == .missing { return }
        try FileManager.default.removeItem(at: url)
    }

    // MARK: - Containment

    /// The URL of `path`, after checking that no existing component on the way is a link.
    private func checkedURL(_ path: ArtifactPath) throws -> URL {
        var url = root
        for segment in path.segments {
            url.appendPathComponent(segment)
            if let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
               attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                throw ArtifactPath.invalidPath
            }
        }
        guard url.standardizedFileURL.path.hasPrefix(root.path + "/") || url.standardizedFileURL.path == root.path else {
            throw ArtifactPath.invalidPath
        }
        return url
    }

    private func makeParentDirectories(of path: ArtifactPath) throws {
        var current = ArtifactPath.root
        for segment in path.segments.dropLast() {
            current = current.appending(try ArtifactPath(decoded: segment))
            switch kind(of: current) {
            case .directory: continue
            case .file: throw TrackError.invalidParameter("Artifact path '\(current)' is a file, not a directory.")
            case .missing:
                let url = try checkedURL(current)
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            }
        }
    }
}

extension ArtifactPath {
    static let invalidPath = TrackError.invalidParameter("Invalid path")
}
