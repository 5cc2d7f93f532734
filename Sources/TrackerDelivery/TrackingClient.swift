import Foundation
import TrackAPI

/// What the tracker needs to know of a run on the server.
public struct RemoteRun: Sendable, Equatable {
    public var runID: String
    public var experimentID: String
    public var artifactURI: String
    public var status: String

    public init(runID: String, experimentID: String, artifactURI: String, status: String) {
        self.runID = runID
        self.experimentID = experimentID
        self.artifactURI = artifactURI
        self.status = status
    }
}

/// One HTTP request of the tracker: absolute URL, method, headers and body.
public struct TrackerHTTPRequest: Sendable {
    public var url: URL
    public var method: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// How long the request may take in all.
    public var timeout: Duration

    public init(url: URL, method: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil, timeout: Duration) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// The answer to a ``TrackerHTTPRequest``.
public struct TrackerHTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// How the tracker's requests reach the server. Any answer, whatever its status, is returned;
/// only a request that got no answer throws (``TrackerError/Kind/transport``).
public protocol TrackerTransport: Sendable {
    func send(_ request: TrackerHTTPRequest) async throws(TrackerError) -> TrackerHTTPResponse
}

/// A thin client for the MLflow REST calls the tracker makes (JSON via TrackAPI), over a
/// ``TrackerTransport``.
///
/// Every method throws ``TrackerError`` only; each makes exactly one attempt (retrying is the
/// caller's policy).
public final class TrackingClient: Sendable {
    public let baseURL: URL
    package let credentials: Credentials?
    package let transport: any TrackerTransport
    package let timeout: Duration

    public init(url: URL, credentials: Credentials? = nil, timeout: Duration = .seconds(15), transport: any TrackerTransport) {
        self.baseURL = url
        self.credentials = credentials
        self.timeout = max(.milliseconds(100), timeout)
        self.transport = transport
    }

    /// A client for a configuration's server and credentials.
    public convenience init(configuration: TrackerConfiguration, transport: any TrackerTransport) {
        self.init(url: configuration.resolvedURL, credentials: configuration.resolvedCredentials, timeout: configuration.requestTimeout, transport: transport)
    }

    // MARK: - Transport

    package func url(_ path: String) -> URL {
        var text = baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + path)!
    }

    /// Sends one request; returns the body of a 2xx answer, throws otherwise.
    package func send(_ request: TrackerHTTPRequest) async throws(TrackerError) -> [UInt8] {
        var request = request
        if let credentials { request.headers.append((name: "Authorization", value: credentials.headerValue)) }
        let response = try await transport.send(request)
        if (200..<300).contains(response.status) { return response.body }
        if response.status == 401 {
            throw TrackerError(
                kind: .server, status: 401, code: "UNAUTHENTICATED",
                message: credentials == nil
                    ? "the server requires authentication: set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD"
                    : "the server refused the credentials (MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)"
            )
        }
        var code: String?
        var message = String(decoding: response.body.prefix(2000), as: UTF8.self)
        if let json = try? JSONReader.parse(response.body), let object = json.objectValue {
            code = object["error_code"]?.stringValue
            if let text = object["message"]?.stringValue { message = text }
        }
        if message.isEmpty { message = "HTTP status \(response.status)" }
        throw TrackerError(kind: .server, status: response.status, code: code, message: message)
    }

    /// `POST /api/2.0/mlflow/<endpoint>` with a JSON body; the parsed answer.
    @discardableResult
    public func post(_ endpoint: String, body: [UInt8]) async throws(TrackerError) -> JSONValue {
        let request = TrackerHTTPRequest(
            url: url("/api/2.0/mlflow/" + endpoint), method: "POST",
            headers: [(name: "Content-Type", value: "application/json")], body: body, timeout: timeout
        )
        return Self.parse(try await send(request))
    }

    /// `GET /api/2.0/mlflow/<endpoint>?query`; the parsed answer.
    public func get(_ endpoint: String, query: [(String, String)]) async throws(TrackerError) -> JSONValue {
        let encoded = query.map { "\(QueryString.encode($0.0))=\(QueryString.encode($0.1))" }.joined(separator: "&")
        let request = TrackerHTTPRequest(url: url("/api/2.0/mlflow/" + endpoint + (encoded.isEmpty ? "" : "?" + encoded)), method: "GET", timeout: timeout)
        return Self.parse(try await send(request))
    }

    package static func parse(_ data: [UInt8]) -> JSONValue {
        if data.isEmpty { return .object(JSONObject()) }
        return (try? JSONReader.parse(data)) ?? .object(JSONObject())
    }

    /// Whether `GET /health` answers 200 right now.
    public func isHealthy() async -> Bool {
        let request = TrackerHTTPRequest(url: url("/health"), method: "GET", timeout: min(timeout, .seconds(5)))
        do {
            _ = try await send(request)
            return true
        } catch {
            return false
        }
    }

    // MARK: - Calls

    /// The id of the experiment called `name`, created if it does not exist.
    public func experimentID(named name: String) async throws(TrackerError) -> String {
        do throws(TrackerError) {
            let answer = try await get("experiments/get-by-name", query: [("experiment_name", name)])
            if let id = answer["experiment"]?["experiment_id"]?.stringValue { return id }
        } catch where error.status == 404 {
            // Not there yet: create it below.
        }
        var writer = JSONWriter(capacity: 64 + name.utf8.count)
        writer.beginObject(); writer.key("name"); writer.string(name); writer.endObject()
        do throws(TrackerError) {
            let answer = try await post("experiments/create", body: writer.bytes)
            if let id = answer["experiment_id"]?.stringValue { return id }
            throw TrackerError(kind: .server, message: "experiments/create answered without an experiment_id")
        } catch where error.code == "RESOURCE_ALREADY_EXISTS" {
            // Someone else created it meanwhile.
            let answer = try await get("experiments/get-by-name", query: [("experiment_name", name)])
            if let id = answer["experiment"]?["experiment_id"]?.stringValue { return id }
            throw error
        }
    }

    /// `runs/create`.
    public func createRun(experimentID: String, runName: String?, startTime: Int64, userID: String, tags: [(String, String)]) async throws(TrackerError) -> RemoteRun {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("experiment_id"); writer.string(experimentID)
        if let runName, !runName.isEmpty { writer.key("run_name"); writer.string(runName) }
        writer.key("start_time"); writer.int(startTime)
        writer.key("user_id"); writer.string(userID)
        writer.key("tags"); writer.beginArray()
        for (key, value) in tags {
            writer.beginObject(); writer.key("key"); writer.string(key); writer.key("value"); writer.string(value); writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        let answer = try await post("runs/create", body: writer.bytes)
        guard let run = Self.remoteRun(answer["run"]?["info"]) else {
            throw TrackerError(kind: .server, message: "runs/create answered without run info")
        }
        return run
    }

    /// The run of `experimentID` tagged `track.run_key = runKey`, if one exists (it makes run
    /// creation idempotent: a create whose answer was lost is found rather than repeated).
    public func findRun(experimentID: String, runKey: String) async throws(TrackerError) -> RemoteRun? {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("experiment_ids"); writer.beginArray(); writer.string(experimentID); writer.endArray()
        writer.key("filter"); writer.string("tags.`\(TrackerTags.runKey)` = '\(runKey)'")
        writer.key("run_view_type"); writer.string("ALL")
        writer.key("max_results"); writer.int(1)
        writer.endObject()
        let answer = try await post("runs/search", body: writer.bytes)
        guard let first = answer["runs"]?.arrayValue?.first else { return nil }
        return Self.remoteRun(first["info"])
    }

    /// `runs/get`.
    public func getRun(id: String) async throws(TrackerError) -> RemoteRun {
        let answer = try await get("runs/get", query: [("run_id", id)])
        guard let run = Self.remoteRun(answer["run"]?["info"]) else {
            throw TrackerError(kind: .server, message: "runs/get answered without run info")
        }
        return run
    }

    /// `runs/update` with a status and optional end time.
    public func updateRun(id: String, status: String, endTime: Int64?) async throws(TrackerError) {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("run_id"); writer.string(id)
        writer.key("status"); writer.string(status)
        if let endTime { writer.key("end_time"); writer.int(endTime) }
        writer.endObject()
        try await post("runs/update", body: writer.bytes)
    }

    /// Uploads a file (or every file under a folder) into the run's artifacts under `path`.
    public func uploadArtifact(_ local: URL, path: String?, artifactURI: String) async throws(TrackerError) {
        guard let root = Self.artifactStorePath(artifactURI) else {
            throw TrackerError(kind: .invalidInput, message: "artifact URI '\(artifactURI)' is not served by the tracking server (mlflow-artifacts:)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: local.path, isDirectory: &isDirectory) else {
            throw TrackerError(kind: .invalidInput, message: "no file at \(local.path)")
        }
        let base = [root, path ?? ""].filter { !$0.isEmpty }.joined(separator: "/")
        if isDirectory.boolValue {
            let folderBase = [base, local.lastPathComponent].filter { !$0.isEmpty }.joined(separator: "/")
            let files = (FileManager.default.enumerator(at: local, includingPropertiesForKeys: [.isRegularFileKey])?.allObjects as? [URL]) ?? []
            let rootPath = local.standardizedFileURL.resolvingSymlinksInPath().path
            for file in files.sorted(by: { $0.path < $1.path }) {
                let resolved = file.standardizedFileURL.resolvingSymlinksInPath()
                guard (try? resolved.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let relative = String(resolved.path.dropFirst(rootPath.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                try await put(resolved, to: folderBase + "/" + relative)
            }
        } else {
            try await put(local, to: [base, local.lastPathComponent].filter { !$0.isEmpty }.joined(separator: "/"))
        }
    }

    package func put(_ file: URL, to storePath: String) async throws(TrackerError) {
        let encoded = storePath.split(separator: "/").map { QueryString.encode(String($0)) }.joined(separator: "/")
        let contents: Data
        do {
            contents = try Data(contentsOf: file)
        } catch {
            throw TrackerError(kind: .invalidInput, message: "cannot read \(file.path): \(error.localizedDescription)")
        }
        let request = TrackerHTTPRequest(
            url: url("/api/2.0/mlflow-artifacts/artifacts/" + encoded), method: "PUT",
            headers: [(name: "Content-Type", value: "application/octet-stream")], body: Array(contents), timeout: timeout
        )
        _ = try await send(request)
    }

    /// The store path of `mlflow-artifacts:/1/abc/artifacts` (or `mlflow-artifacts://host/1/…`).
    package static func artifactStorePath(_ uri: String) -> String? {
        let scheme = "mlflow-artifacts:"
        guard uri.hasPrefix(scheme) else { return nil }
        var rest = Substring(uri.dropFirst(scheme.count))
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            guard let slash = rest.firstIndex(of: "/") else { return "" }
            rest = rest[slash...]
        }
        return rest.split(separator: "/").joined(separator: "/")
    }

    package static func remoteRun(_ info: JSONValue?) -> RemoteRun? {
        guard let info, let id = info["run_id"]?.stringValue ?? info["run_uuid"]?.stringValue else { return nil }
        return RemoteRun(
            runID: id,
            experimentID: info["experiment_id"]?.stringValue ?? "",
            artifactURI: info["artifact_uri"]?.stringValue ?? "",
            status: info["status"]?.stringValue ?? ""
        )
    }
}

/// Tag names the tracker sets.
public enum TrackerTags {
    /// The client-side key of a run, which makes creating it idempotent.
    public static let runKey = "track.run_key"
    /// Epoch milliseconds of the last sign of life of the process logging the run.
    public static let heartbeat = "track.heartbeat"
    /// How often the heartbeat is refreshed, in milliseconds.
    public static let heartbeatInterval = "track.heartbeat_interval_ms"
}
