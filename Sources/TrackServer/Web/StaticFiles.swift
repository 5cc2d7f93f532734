import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import TrackCore

/// Serves the web UI's static files with their content types, strong ETags and gzip.
///
/// Files are read once and kept in memory (the UI is small) and re-read when their size or
/// modification time changes, so editing the UI needs no restart.
final class StaticFiles: Sendable {
    private struct Entry: Sendable {
        var modified: Date
        var size: Int
        var body: ByteBuffer
        var gzipped: ByteBuffer?
        var etag: String
    }

    let root: URL
    private let cache = Mutex<[String: Entry]>([:])

    init(root: URL) {
        self.root = root.standardizedFileURL
    }

    func register(on router: Router<TrackRequestContext>) {
        let handler: @Sendable (Request, TrackRequestContext) async throws -> Response = { [self] request, _ in
            try self.respond(to: request)
        }
        router.get("/", use: handler)
        for folder in ["css", "js", "img", "tests"] {
            router.get(RouterPath("/\(folder)/**"), use: handler)
        }
        router.get("/favicon.ico", use: handler)
        router.get("/favicon.svg", use: handler)
        router.get("/index.html", use: handler)
    }

    func respond(to request: Request) throws -> Response {
        var raw = Substring(request.uri.path)
        while raw.hasPrefix("/") { raw = raw.dropFirst() }
        let path = raw.isEmpty ? try ArtifactPath(decoded: "index.html") : try ArtifactPath(urlEncoded: raw)
        guard let entry = try load(path) else {
            throw TrackError(.endpointNotFound, "No such file: '\(path)'")
        }
        var headers: HTTPFields = [
            .contentType: Self.contentType(for: path.name),
            .cacheControl: "no-cache",
            HTTPField.Name("ETag")!: entry.etag,
            .vary: "Accept-Encoding",
        ]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == entry.etag }) {
            return Response(status: .notModified, headers: headers)
        }
        let acceptsGzip = request.headers[.acceptEncoding]?.lowercased().contains("gzip") ?? false
        if acceptsGzip, let gzipped = entry.gzipped {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: gzipped))
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: entry.body))
    }

    private func load(_ path: ArtifactPath) throws -> Entry? {
        var url = root
        for segment in path.segments { url.appendPathComponent(segment) }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              attributes[.type] as? FileAttributeType == .typeRegular
        else { return nil }
        let modified = attributes[.modificationDate] as? Date ?? .distantPast
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let key = path.description
        if let cached = cache.withLock({ $0[key] }), cached.modified == modified, cached.size == size {
            return cached
        }
        let data = try Data(contentsOf: url)
        let body = ByteBuffer(bytes: data)
        var source = body
        let gzipped = data.count > 512 ? try? source.compress(with: .gzip()) : nil
        let entry = Entry(modified: modified, size: size, body: body, gzipped: gzipped, etag: "\"\(Self.fingerprint(data))\"")
        cache.withLock { $0[key] = entry }
        return entry
    }

    /// FNV-1a over the bytes: a strong validator for content we serve ourselves.
    private static func fingerprint(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16) + "-" + String(data.count, radix: 16)
    }

    static func contentType(for name: String) -> String {
        switch name.split(separator: ".").last.map({ $0.lowercased() }) ?? "" {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        default: "application/octet-stream"
        }
    }

    /// Where the UI is when no folder is given: `./web`, or beside the package the binary was
    /// built in, or `share/track/web` beside an installed binary.
    static func defaultRoot() -> URL? {
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("web")]
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("web"))
            candidates.append(folder.appendingPathComponent("share/track/web"))
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("index.html").path) }
    }
}
