import Foundation
import Hummingbird
import Logging
import NIOCore
import TrackAPI
import TrackCore

/// Registers MLflow-style endpoints under every API prefix they are served at
/// (`/api/2.0/mlflow/...` and the `/ajax-api/2.0/mlflow/...` mirror), reads their parameters the
/// same way for all of them, and answers 405 for a known path asked with another method.
struct APIRouter {
    typealias Handler = @Sendable (RequestParameters, Request, TrackRequestContext) async throws -> Response
    /// A handler given the raw JSON body, for calls whose usual body is read without a JSON tree.
    typealias BodyHandler = @Sendable (ByteBuffer, Request, TrackRequestContext) async throws -> Response

    let router: Router<TrackRequestContext>
    let prefixes: [String]
    private var methodsByPath: [String: Set<String>] = [:]

    init(router: Router<TrackRequestContext>, prefixes: [String]) {
        self.router = router
        self.prefixes = prefixes
    }

    /// Adds `handler` for `method` at `path` (relative to each prefix).
    mutating func on(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        methodsByPath[path, default: []].insert(method.rawValue)
        for prefix in prefixes {
            router.on(RouterPath("\(prefix)/\(path)"), method: method) { request, context in
                let parameters = try await Self.parameters(of: request, method: method, context: context)
                return try await handler(parameters, request, context)
            }
        }
    }

    /// Adds `handler` for a POST at `path` that reads the JSON body itself (see
    /// ``parameters(ofJSONBody:)`` for the general reading).
    mutating func onJSONBody(_ path: String, _ handler: @escaping BodyHandler) {
        methodsByPath[path, default: []].insert(HTTPRequest.Method.post.rawValue)
        for prefix in prefixes {
            router.on(RouterPath("\(prefix)/\(path)"), method: .post) { request, context in
                try Self.requireJSONContentType(request)
                let body = try await Self.body(of: request, context: context)
                return try await handler(body, request, context)
            }
        }
    }

    /// Answers 405 for the methods a known path does not take.
    func finish() {
        let all: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
        for (path, methods) in methodsByPath {
            for method in all where !methods.contains(method.rawValue) {
                for prefix in prefixes {
                    router.on(RouterPath("\(prefix)/\(path)"), method: method) { _, _ -> Response in
                        throw TrackError(.badRequest, "Method \(method.rawValue) is not allowed for this endpoint.").withStatus(.methodNotAllowed)
                    }
                }
            }
        }
    }

    /// Answers every other path under `roots` (`/api`, `/ajax-api`) with a JSON 404, so a client
    /// calling an endpoint this server does not have gets an error it can read.
    static func answerUnknownEndpoints(on router: Router<TrackRequestContext>, under roots: [String]) {
        let all: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
        for root in roots {
            for method in all {
                router.on(RouterPath("\(root)/**"), method: method) { request, _ -> Response in
                    throw TrackError(.endpointNotFound, "No API endpoint \(method.rawValue) \(request.uri.path)")
                }
            }
        }
    }

    /// Reads the parameters: the query string for GET, the JSON body otherwise.
    static func parameters(of request: Request, method: HTTPRequest.Method, context: TrackRequestContext) async throws -> RequestParameters {
        if method == .get {
            return RequestParameters(query: request.uri.query)
        }
        if method == .post || method == .patch {
            try requireJSONContentType(request)
        }
        return parameters(ofJSONBody: try await body(of: request, context: context))
    }

    /// The parameters of a JSON body.
    static func parameters(ofJSONBody body: ByteBuffer) -> RequestParameters {
        body.withUnsafeReadableBytes { RequestParameters(jsonBody: $0) }
    }

    /// The whole request body, refused with 413 beyond the upload limit.
    static func body(of request: Request, context: TrackRequestContext) async throws -> ByteBuffer {
        var request = request
        do {
            return try await request.collectBody(upTo: context.maxUploadSize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw StatusError(status: .contentTooLarge, error: .bodyTooLarge(limit: context.maxUploadSize))
        } catch is NIOTooManyBytesError {
            throw StatusError(status: .contentTooLarge, error: .bodyTooLarge(limit: context.maxUploadSize))
        }
    }

    /// POSTs must say `application/json`: this is also what stops cross-site form posts.
    static func requireJSONContentType(_ request: Request) throws {
        guard let contentType = request.headers[.contentType] else {
            throw TrackError(.invalidParameterValue, "Bad Request. Content-Type header is missing.")
        }
        if !isJSONMediaType(contentType) {
            throw TrackError(.invalidParameterValue, "Bad Request. Content-Type must be one of ['application/json'].")
        }
    }
}

/// Whether a Content-Type names `application/json` (any case, with or without parameters and the
/// spaces or tabs HTTP allows around them), read on its bytes: every POST asks.
func isJSONMediaType(_ contentType: String) -> Bool {
    let expected = "application/json".utf8
    var bytes = contentType.utf8[...]
    if let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) { bytes = bytes[..<semicolon] }
    let isSpace: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    while let first = bytes.first, isSpace(first) { bytes = bytes.dropFirst() }
    while let last = bytes.last, isSpace(last) { bytes = bytes.dropLast() }
    guard bytes.count == expected.count else { return false }
    // ASCII letters compare without case; nothing else in the expected name is a letter.
    return zip(bytes, expected).allSatisfy { byte, want in
        byte == want || (want >= UInt8(ascii: "a") && want <= UInt8(ascii: "z") && byte | 0x20 == want)
    }
}

/// A `TrackError` answered with a status other than its code's usual one (405, 413).
struct StatusError: HTTPResponseError {
    let status: HTTPResponse.Status
    let error: TrackError

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try error.response(from: request, context: context)
        response.status = status
        return response
    }
}

extension TrackError {
    func withStatus(_ status: HTTPResponse.Status) -> StatusError {
        StatusError(status: status, error: self)
    }
}
