/// What a request needs to be allowed: reading, writing, or managing accounts.
public enum Access: Int, Sendable, Comparable, CustomStringConvertible {
    case read
    case write
    case admin

    public static func < (lhs: Access, rhs: Access) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .admin: "admin"
        }
    }
}

/// What a user may do.
///
/// - `reader`: read experiments, runs, metrics and artifacts (searches included).
/// - `writer`: also create and change them: log runs, upload and delete artifacts.
/// - `admin`: also manage users and other users' tokens.
public enum Role: String, Sendable, CaseIterable, Equatable {
    case reader
    case writer
    case admin

    /// The highest access the role grants.
    public var grants: Access {
        switch self {
        case .reader: .read
        case .writer: .write
        case .admin: .admin
        }
    }

    /// Whether the role grants `access`.
    public func allows(_ access: Access) -> Bool { access <= grants }

    /// Parses a role name; the message lists the valid ones.
    public static func parse(_ text: String) throws(TrackError) -> Role {
        guard let role = Role(rawValue: text.lowercased()) else {
            let names = allCases.map(\.rawValue).joined(separator: ", ")
            throw TrackError.invalidParameter("Unknown role '\(text)': use one of \(names).")
        }
        return role
    }
}
