/// The one error type of the tracking domain.
///
/// Every failure that reaches a client is a `TrackError`: a stable ``Code`` (MLflow's error code
/// names) and a message that is safe to show to the user. Transport layers map the code to a
/// status in exactly one place.
public struct TrackError: Error, Sendable, Equatable, CustomStringConvertible {
    /// MLflow's error codes, spelled as they travel on the wire.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        case invalidParameterValue = "INVALID_PARAMETER_VALUE"
        case resourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST"
        case resourceAlreadyExists = "RESOURCE_ALREADY_EXISTS"
        case invalidState = "INVALID_STATE"
        case badRequest = "BAD_REQUEST"
        case endpointNotFound = "ENDPOINT_NOT_FOUND"
        case requestLimitExceeded = "REQUEST_LIMIT_EXCEEDED"
        case unauthenticated = "UNAUTHENTICATED"
        case permissionDenied = "PERMISSION_DENIED"
        case internalError = "INTERNAL_ERROR"
        case temporarilyUnavailable = "TEMPORARILY_UNAVAILABLE"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    // MARK: - Common errors, worded as MLflow words them

    public static func invalidParameter(_ message: String) -> TrackError {
        TrackError(.invalidParameterValue, message)
    }

    public static func missingParameter(_ name: String) -> TrackError {
        TrackError(
            .invalidParameterValue,
            "Missing value for required parameter '\(name)'. See the API docs for more information about request parameters."
        )
    }

    public static func invalidValue(_ value: String, parameter: String, detail: String = "") -> TrackError {
        TrackError(.invalidParameterValue, "Invalid value \(value) for parameter '\(parameter)' supplied\(detail.isEmpty ? "." : ": " + detail)")
    }

    public static func notFound(_ message: String) -> TrackError {
        TrackError(.resourceDoesNotExist, message)
    }

    public static func runNotFound(_ runID: String) -> TrackError {
        notFound("Run with id=\(runID) not found")
    }

    public static func loggedModelNotFound(_ modelID: String) -> TrackError {
        notFound("Logged model with ID '\(modelID)' not found.")
    }

    public static func experimentNotFound(_ experimentID: String) -> TrackError {
        notFound("No Experiment with id=\(experimentID) exists")
    }

    public static func internalError(_ message: String = "An internal error occurred.") -> TrackError {
        TrackError(.internalError, message)
    }
}
