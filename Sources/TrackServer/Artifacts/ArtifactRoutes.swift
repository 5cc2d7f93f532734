import HTTPTypes
import Hummingbird
import TrackAPI
import TrackCore

/// MLflow's proxied artifact API: `/api/2.0/mlflow-artifacts/artifacts[/<path>]` (PUT, GET,
/// DELETE, and listing with `?path=`), plus the tracking-side `artifacts/list` of a run.
struct ArtifactRoutes<Store: TrackingStore> {
    let store: Store
    let artifacts: LocalArtifactStore

    static var prefixes: [String] { ["/api/2.0/mlflow-artifacts/artifacts", "/ajax-api/2.0/mlflow-artifacts/artifacts"] }

    func register(on router: Router<TrackRequestContext>, api: inout APIRouter) {
        for prefix in Self.prefixes {
            router.get(RouterPath(prefix)) { request, _ in
                let parameters = RequestParameters(query: request.uri.query)
                let path = try ArtifactPath(decoded: try parameters.string("path") ?? "")
                return listing(artifacts.list(path), relativeTo: nil)
            }
            router.put(RouterPath("\(prefix)/**")) { request, context in
                let path = try Self.path(of: request, prefix: prefix)
                try await artifacts.write(path, body: request.body, context: context)
                return Response(status: .ok)
            }
            router.get(RouterPath("\(prefix)/**")) { request, context in
                let path = try Self.path(of: request, prefix: prefix)
                let (body, size) = try await artifacts.read(path, context: context)
                var headers: HTTPFields = [
                    .contentType: ArtifactContentType.forName(path.name),
                    .contentLength: String(size),
                    .contentDisposition: ArtifactContentType.attachment(filename: path.name),
                    .contentSecurityPolicy: "sandbox; default-src 'none'",
                ]
                headers[.xContentTypeOptions] = "nosniff"
                return Response(status: .ok, headers: headers, body: body)
            }
            router.delete(RouterPath("\(prefix)/**")) { request, _ in
                try artifacts.delete(try Self.path(of: request, prefix: prefix))
                return JSONResponse.empty
            }
        }
        // The tracking-side listing, relative to the run's artifact root.
        api.on(.get, "artifacts/list") { parameters, _, _ in
            let run = try await store.run(id: try parameters.runID())
            guard let runRoot = Self.storePath(ofURI: run.info.artifactURI) else {
                return JSONResponse.make { $0.beginObject(); $0.key("root_uri"); $0.string(run.info.artifactURI); $0.endObject() }
            }
            let relative = try ArtifactPath(decoded: try parameters.string("path") ?? "")
            return listing(artifacts.list(runRoot.appending(relative)), relativeTo: relative, rootURI: run.info.artifactURI)
        }
    }

    private func listing(_ entries: [ArtifactEntry], relativeTo base: ArtifactPath?, rootURI: String? = nil) -> Response {
        JSONResponse.make(capacity: 64 + entries.count * 96) { writer in
            writer.beginObject()
            if let rootURI { writer.key("root_uri"); writer.string(rootURI) }
            if !entries.isEmpty {
                writer.key("files"); writer.beginArray()
                for entry in entries {
                    writer.beginObject()
                    let name = base.map { $0.isRoot ? entry.name : "\($0)/\(entry.name)" } ?? entry.name
                    writer.key("path"); writer.string(name)
                    writer.key("is_dir"); writer.bool(entry.isDirectory)
                    // MLflow leaves the size out for folders and for empty files.
                    if let size = entry.size, size > 0 { writer.key("file_size"); writer.int(size) }
                    writer.endObject()
                }
                writer.endArray()
            }
            writer.endObject()
        }
    }

    /// The checked artifact path of a request, from its raw (still encoded) URL path.
    static func path(of request: Request, prefix: String) throws -> ArtifactPath {
        let raw = request.uri.path
        guard raw.hasPrefix(prefix + "/") else { throw ArtifactPath.invalidPath }
        let path = try ArtifactPath(urlEncoded: raw.dropFirst(prefix.count + 1))
        if path.isRoot { throw ArtifactPath.invalidPath }
        return path
    }

    /// The store path of a `mlflow-artifacts:/...` URI; `nil` for other schemes.
    static func storePath(ofURI uri: String) -> ArtifactPath? {
        let scheme = "mlflow-artifacts:"
        guard uri.hasPrefix(scheme) else { return nil }
        var rest = uri.dropFirst(scheme.count)
        // `mlflow-artifacts://host:port/path` names a server; the path is what follows it.
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            guard let slash = rest.firstIndex(of: "/") else { return .root }
            rest = rest[slash...]
        }
        while rest.hasPrefix("/") { rest = rest.dropFirst() }
        return try? ArtifactPath(decoded: String(rest))
    }
}

/// Content types for downloads: text as text, images as images, anything else as bytes.
/// Nothing is ever served as HTML or SVG, so an uploaded file can't run in the UI's origin.
enum ArtifactContentType {
    static func forName(_ name: String) -> String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "txt", "log", "json", "yaml", "yml", "csv", "tsv", "md", "py", "toml", "ini", "cfg", "mlmodel", "jsonl", "xml", "html", "htm", "svg", "js", "css":
            return "text/plain; charset=utf-8"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        default:
            return name == "MLmodel" ? "text/plain; charset=utf-8" : "application/octet-stream"
        }
    }

    static func attachment(filename: String) -> String {
        let safe = filename.unicodeScalars.map { scalar -> String in
            (scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\") ? String(scalar) : "_"
        }.joined()
        let encoded = QueryString.encode(filename)
        return "attachment; filename=\"\(safe)\"; filename*=UTF-8''\(encoded)"
    }
}
