/// Soft-deletion state of an experiment or a run.
public enum LifecycleStage: String, Sendable, Equatable, Codable {
    case active
    case deleted
}

/// Which lifecycle stages a search returns.
public enum ViewType: String, Sendable, Equatable, Codable {
    case activeOnly = "ACTIVE_ONLY"
    case deletedOnly = "DELETED_ONLY"
    case all = "ALL"

    /// Parses MLflow's enum name (case-insensitive) or its protobuf number (1, 2, 3).
    public init?(wireValue: String) {
        switch wireValue.uppercased() {
        case "ACTIVE_ONLY", "1": self = .activeOnly
        case "DELETED_ONLY", "2": self = .deletedOnly
        case "ALL", "3": self = .all
        default: return nil
        }
    }

    /// The stages this view includes.
    public var stages: [LifecycleStage] {
        switch self {
        case .activeOnly: [.active]
        case .deletedOnly: [.deleted]
        case .all: [.active, .deleted]
        }
    }
}
