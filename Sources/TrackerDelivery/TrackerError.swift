import Foundation

/// An error the tracker reports: from the server (with MLflow's error code), from the network,
/// or from the local spool.
public struct TrackerError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// The server answered with an error status.
        case server
        /// The server could not be reached (connection refused, reset, timeout).
        case transport
        /// The on-disk spool could not be written or read.
        case spool
        /// A value the tracker refused before sending (e.g. an invalid metric key).
        case invalidInput
        /// The tracker was used after it finished.
        case finished
    }

    public let kind: Kind
    /// The HTTP status, for ``Kind/server``.
    public let status: Int?
    /// MLflow's error code (`INVALID_PARAMETER_VALUE`, …), when the server sent one.
    public let code: String?
    public let message: String

    public init(kind: Kind, status: Int? = nil, code: String? = nil, message: String) {
        self.kind = kind
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String {
        switch kind {
        case .server: return "server error \(status ?? 0)\(code.map { " \($0)" } ?? ""): \(message)"
        default: return "\(kind.rawValue) error: \(message)"
        }
    }

    /// Worth retrying: the network, 429, 5xx (and 408).
    public var isRetryable: Bool {
        switch kind {
        case .transport: return true
        case .server:
            guard let status else { return false }
            return status == 408 || status == 429 || status >= 500
        default: return false
        }
    }

    /// A 4xx that only the caller can fix: the request must not be retried as it is.
    public var isCallerFault: Bool { kind == .server && !isRetryable || kind == .invalidInput }
}
