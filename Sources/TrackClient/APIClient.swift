import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TrackAPI
import TrackCore

/// The CLI's client of the tracking API (MLflow's REST endpoints plus track's own
/// `/api/2.0/track/` ones), over AsyncHTTPClient.
///
/// Every answer is parsed with ``JSONReader``; error answers become ``ClientError/server``, and
/// a failure to connect becomes ``ClientError/unreachable`` naming the URL.
public struct APIClient: Sendable {
    /// The server's base URL, without a trailing slash (`http://127.0.0.1:5000`).
    public let baseURL: String
    let http: HTTPClient
    /// The time one API call may take.
    public var timeout: Duration
    /// The `Authorization` header sent with every request, from the variables the mlflow client
    /// reads: `MLFLOW_TRACKING_TOKEN` (Bearer), else `MLFLOW_TRACKING_USERNAME` and
    /// `MLFLOW_TRACKING_PASSWORD` (Basic).
    public var authorization: String? = APIClient.authorization(environment: ProcessInfo.processInfo.environment)

    public static func authorization(environment: [String: String]) -> String? {
        if let token = environment["MLFLOW_TRACKING_TOKEN"], !token.isEmpty { return "Bearer " + token }
        if let user = environment["MLFLOW_TRACKING_USERNAME"], let password = environment["MLFLOW_TRACKING_PASSWORD"] {
            return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
        return nil
    }

    /// The client the commands share: a refused connection fails at once (the shared client of
    /// AsyncHTTPClient retries connecting until its connect timeout, a minute and a half, which
    /// is no answer for a command line whose server is not running).
    public static let commandLineHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(10)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public init(baseURL: String, http: HTTPClient = APIClient.commandLineHTTPClient, timeout: Duration = .seconds(120)) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.http = http
        self.timeout = timeout
    }

    // MARK: - Transport

    /// `GET /api/2.0/mlflow/<endpoint>?query`.
    public func get(_ endpoint: String, _ query: [(String, String)] = [], api: API = .mlflow) async throws -> JSONValue {
        try await call(.GET, url(api.prefix + endpoint, query: query), body: nil)
    }

    /// `POST /api/2.0/mlflow/<endpoint>` with a JSON body.
    public func post(_ endpoint: String, api: API = .mlflow, _ build: (inout JSONWriter) -> Void) async throws -> JSONValue {
        var writer = JSONWriter(capacity: 256)
        build(&writer)
        return try await call(.POST, url(api.prefix + endpoint, query: []), body: writer.bytes)
    }

    /// Which API an endpoint belongs to.
    public enum API: Sendable {
        case mlflow
        case track

        var prefix: String {
            switch self {
            case .mlflow: "/api/2.0/mlflow/"
            case .track: "/api/2.0/track/"
            }
        }
    }

    func url(_ path: String, query: [(String, String)]) -> String {
        var url = baseURL + path
        if !query.isEmpty {
            url += "?" + query.map { "\(QueryString.encode($0.0))=\(QueryString.encode($0.1))" }.joined(separator: "&")
        }
        return url
    }

    private func call(_ method: HTTPMethod, _ url: String, body: [UInt8]?) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "track-cli")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await send(request)
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: 1 << 31)
        } catch {
            throw ClientError.unreachable(url: baseURL, reason: "the connection broke while reading the answer: \(Self.describe(error))")
        }
        let data = Array(bytes.readableBytesView)
        if response.status.code >= 400 {
            throw Self.serverError(status: Int(response.status.code), body: data, url: url)
        }
        if data.isEmpty { return .object(JSONObject()) }
        do {
            return try JSONReader.parse(data)
        } catch {
            throw ClientError.invalidResponse(url: url, detail: "the answer is not JSON (\(error))")
        }
    }

    /// Sends a request (with the credentials of the environment, if any); connection failures
    /// become ``ClientError/unreachable``.
    func send(_ request: HTTPClientRequest, timeout: Duration? = nil) async throws -> HTTPClientResponse {
        let limit = timeout ?? self.timeout
        var request = request
        if let authorization, !request.headers.contains(name: "Authorization") {
            request.headers.add(name: "Authorization", value: authorization)
        }
        do {
            return try await http.execute(request, timeout: .nanoseconds(Int64(limit.components.seconds) * 1_000_000_000 + limit.components.attoseconds / 1_000_000_000))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ClientError.unreachable(url: baseURL, reason: Self.describe(error))
        }
    }

    static func serverError(status: Int, body: [UInt8], url: String) -> ClientError {
        if let json = try? JSONReader.parse(body) {
            let code = json["error_code"]?.stringValue ?? "HTTP_\(status)"
            let message = json["message"]?.stringValue ?? json["detail"]?.stringValue ?? "(no message)"
            return .server(status: status, code: code, message: message)
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return .server(status: status, code: "HTTP_\(status)", message: text.isEmpty ? "(empty answer from \(url))" : text)
    }

    /// A short reason for a transport error: "connection refused", "timed out"….
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        let lower = text.lowercased()
        if lower.contains("connection refused") || lower.contains("econnrefused") || lower.contains("errno: 111") {
            return "connection refused"
        }
        if lower.contains("timeout") || lower.contains("timed out") || lower.contains("deadline") { return "timed out" }
        if lower.contains("resolve") || lower.contains("unknown host") || lower.contains("nodename") { return "unknown host" }
        if let error = error as? HTTPClientError {
            if error == .connectTimeout || error == .deadlineExceeded { return "timed out" }
            if error == .remoteConnectionClosed { return "the server closed the connection" }
        }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
