import Foundation
import TrackAPI
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

/// A thin client for the MLflow REST calls the tracker makes (URLSession, JSON via TrackAPI).
///
/// Every method throws ``TrackerError`` only; each makes exactly one attempt (retrying is the
/// caller's policy).
public final class TrackingClient: Sendable {
    public let baseURL: URL
    let credentials: Credentials?
    let session: URLSession
    let timeout: TimeInterval

    public init(url: URL, credentials: Credentials? = nil, timeout: Duration = .seconds(15)) {
        self.baseURL = url
        self.credentials = credentials
        self.timeout = max(0.1, timeout.seconds)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = self.timeout
        configuration.timeoutIntervalForResource = max(self.timeout, 300)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpMaximumConnectionsPerHost = 4
        self.session = URLSession(configuration: configuration, delegate: ChallengeRefusal(), delegateQueue: nil)
    }

    /// Answers a server's request for credentials (a 401) by cancelling the request: the
    /// credentials, if any, are already in the request's header. Without a delegate, Linux's
    /// URLSession never completes a request answered with 401.
    final class ChallengeRefusal: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
            completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
        ) {
            completionHandler(.cancelAuthenticationChallenge, nil)
        }
    }

    /// A client for a configuration's server and credentials.
    public convenience init(configuration: TrackerConfiguration) {
        self.init(url: configuration.resolvedURL, credentials: configuration.resolvedCredentials, timeout: configuration.requestTimeout)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    // MARK: - Transport

    func url(_ path: String) -> URL {
        var text = baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + path)!
    }

    /// Sends one request; returns the body of a 2xx answer, throws otherwise.
    func send(_ request: URLRequest) async throws(TrackerError) -> Data {
        var request = request
        request.timeoutInterval = timeout
        if let credentials { request.setValue(credentials.headerValue, forHTTPHeaderField: "Authorization") }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError where error.code == .cancelled && !Task.isCancelled {
            // Only a credentials challenge cancels a request that the caller did not cancel.
            throw TrackerError(
                kind: .server, status: 401, code: "UNAUTHENTICATED",
                message: credentials == nil
                    ? "the server requires authentication: set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD"
                    : "the server refused the credentials (MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)"
            )
        } catch {
            throw TrackerError(kind: .transport, message: "\(request.url?.absoluteString ?? ""): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else {
            throw TrackerError(kind: .transport, message: "not an HTTP answer")
        }
        if (200..<300).contains(http.statusCode) { return data }
        var code: String?
        var message = String(decoding: data.prefix(2000), as: UTF8.self)
        if let json = try? JSONReader.parse(data), let object = json.objectValue {
            code = object["error_code"]?.stringValue
            if let text = object["message"]?.stringValue { message = text }
        }
        if message.isEmpty { message = HTTPURLResponse.localizedString(forStatusCode: http.statusCode) }
        throw TrackerError(kind: .server, status: http.statusCode, code: code, message: message)
    }

    /// `POST /api/2.0/mlflow/<endpoint>` with a JSON body; the parsed answer.
    @discardableResult
    public func post(_ endpoint: String, body: [UInt8]) async throws(TrackerError) -> JSONValue {
        var request = URLRequest(url: url("/api/2.0/mlflow/" + endpoint))
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        return Self.parse(try await send(request))
    }

    /// `GET /api/2.0/mlflow/<endpoint>?query`; the parsed answer.
    public func get(_ endpoint: String, query: [(String, String)]) async throws(TrackerError) -> JSONValue {
        let encoded = query.map { "\(QueryString.encode($0.0))=\(QueryString.encode($0.1))" }.joined(separator: "&")
        var request = URLRequest(url: url("/api/2.0/mlflow/" + endpoint + (encoded.isEmpty ? "" : "?" + encoded)))
        request.httpMethod = "GET"
        return Self.parse(try await send(request))
    }

    static func parse(_ data: Data) -> JSONValue {
        if data.isEmpty { return .object(JSONObject()) }
        return (try? JSONReader.parse(data)) ?? .object(JSONObject())
    }

    /// Whether `GET /health` answers 200 right now.
    public func isHealthy() async -> Bool {
        var request = URLRequest(url: url("/health"))
        request.timeoutInterval = min(timeout, 5)
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

    func put(_ file: URL, to storePath: String) async throws(TrackerError) {
        let encoded = storePath.split(separator: "/").map { QueryString.encode(String($0)) }.joined(separator: "/")
        var request = URLRequest(url: url("/api/2.0/mlflow-artifacts/artifacts/" + encoded))
        request.httpMethod = "PUT"
        request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        do {
            request.httpBody = try Data(contentsOf: file)
        } catch {
            throw TrackerError(kind: .invalidInput, message: "cannot read \(file.path): \(error.localizedDescription)")
        }
        _ = try await send(request)
    }

    /// The store path of `mlflow-artifacts:/1/abc/artifacts` (or `mlflow-artifacts://host/1/…`).
    static func artifactStorePath(_ uri: String) -> String? {
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

    static func remoteRun(_ info: JSONValue?) -> RemoteRun? {
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
