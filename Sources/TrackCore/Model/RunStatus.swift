/// Status of a run, as MLflow names it.
public enum RunStatus: String, Sendable, Equatable, Codable, CaseIterable {
    case running = "RUNNING"
    case scheduled = "SCHEDULED"
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"

    /// Parses the enum name (case-sensitive, as MLflow) or its protobuf number (1...5).
    public init?(wireValue: String) {
        if let status = RunStatus(rawValue: wireValue) {
            self = status
            return
        }
        switch wireValue {
        case "1": self = .running
        case "2": self = .scheduled
        case "3": self = .finished
        case "4": self = .failed
        case "5": self = .killed
        default: return nil
        }
    }

    /// Whether the run has ended.
    public var isTerminal: Bool { self == .finished || self == .failed || self == .killed }
}
