import Hummingbird
import TrackAPI
import TrackCore

/// The one place where error codes become HTTP statuses, following MLflow's
/// `ERROR_CODE_TO_HTTP_STATUS` (note `RESOURCE_ALREADY_EXISTS` is 400, not 409).
extension TrackError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch code {
        case .invalidParameterValue, .resourceAlreadyExists, .badRequest, .invalidState: .badRequest
        case .resourceDoesNotExist, .endpointNotFound: .notFound
        case .requestLimitExceeded: .tooManyRequests
        case .unauthenticated: .unauthorized
        case .permissionDenied: .forbidden
        case .temporarilyUnavailable: .serviceUnavailable
        case .internalError: .internalServerError
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var writer = JSONWriter(capacity: 128 + message.utf8.count)
        writer.error(self)
        var headers: HTTPFields = [.contentType: "application/json"]
        if code == .unauthenticated {
            // Lets a browser ask for the user name and password of the web UI.
            headers[.wwwAuthenticate] = "Basic realm=\"track\", charset=\"UTF-8\""
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }
}

/// A request-size error in MLflow's shape.
extension TrackError {
    static func bodyTooLarge(limit: Int) -> TrackError {
        TrackError(.invalidParameterValue, "Request body is larger than the limit of \(limit) bytes.")
    }
}
