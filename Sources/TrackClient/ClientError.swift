import TrackCore

/// Everything that can go wrong in a CLI command, worded for the person at the terminal: what
/// happened and what to do about it. The CLI prints ``message`` after `error: ` and exits with 1.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing answered at the server URL (connection refused, unknown host, timeout).
    case unreachable(url: String, reason: String)
    /// The server answered with an error (MLflow's `{error_code, message}`).
    case server(status: Int, code: String, message: String)
    /// The server's answer was not what the tracking API answers.
    case invalidResponse(url: String, detail: String)
    /// No run has this id, id prefix or name.
    case runNotFound(input: String, scope: String?)
    /// Several runs match an id prefix or a name.
    case ambiguousRun(input: String, candidates: [RunCandidate])
    /// No experiment has this id or name.
    case experimentNotFound(String)
    /// No registered model has this name.
    case modelNotFound(String)
    /// A run's artifacts are not served by the server (another artifact URI scheme).
    case artifactsNotServed(runID: String, uri: String)
    /// No artifact at this path.
    case artifactNotFound(runID: String, path: String)
    /// A path the user gave, or a name the server returned, that could leave the destination.
    case unsafePath(String)
    /// Bad input the argument parser could not catch (conflicting values, duplicate runs).
    case invalidInput(String)
    /// A local file-system failure.
    case io(String)

    public var message: String {
        switch self {
        case .unreachable(let url, let reason):
            return """
                cannot reach the track server at \(url) (\(reason)).
                Start one with `track server` (it listens on http://127.0.0.1:5000), or point to yours with --url, TRACK_URL or MLFLOW_TRACKING_URI.
                """
        case .server(let status, let code, let message):
            var text = "the server answered \(status) \(code): \(message)"
            if status == 401 {
                text += "\nSet MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN (an access token from `track tokens create`)."
            } else if status == 403 {
                text += "\nAn admin can change the user's role with `track users set-role`."
            }
            return text
        case .invalidResponse(let url, let detail):
            return "unexpected answer from \(url): \(detail). Is this a track (or MLflow) tracking server?"
        case .runNotFound(let input, let scope):
            let place = scope.map { "in experiment \($0)" } ?? "in any experiment"
            return "no run matches '\(input)' (by id, id prefix or name, \(place)). List runs with `track runs`."
        case .ambiguousRun(let input, let candidates):
            var lines = ["'\(input)' matches \(candidates.count) runs; give more of the id, the full id, or --experiment:"]
            for candidate in candidates.prefix(20) {
                lines.append("  " + candidate.line)
            }
            if candidates.count > 20 { lines.append("  … and \(candidates.count - 20) more") }
            return lines.joined(separator: "\n")
        case .experimentNotFound(let input):
            return "no experiment has the id or name '\(input)'. List them with `track experiments`."
        case .modelNotFound(let name):
            return "no registered model is named '\(name)'. List them with `track models`."
        case .artifactsNotServed(let runID, let uri):
            return "the artifacts of run \(runID) are stored at \(uri), which the server does not serve; read them there."
        case .artifactNotFound(let runID, let path):
            return "run \(runID) has no artifact '\(path)'. List them with `track artifacts ls \(runID)`."
        case .unsafePath(let path):
            return "refusing the artifact path '\(path)': only relative names without '..', '.', '\\' or empty parts are accepted."
        case .invalidInput(let message), .io(let message):
            return message
        }
    }

    public var description: String { message }
}

/// A run offered as one of several matches.
public struct RunCandidate: Sendable, Equatable {
    public var runID: String
    public var runName: String
    public var experiment: String
    public var status: String
    public var startTime: Int64
    public var deleted: Bool

    public init(runID: String, runName: String, experiment: String, status: String, startTime: Int64, deleted: Bool) {
        self.runID = runID
        self.runName = runName
        self.experiment = experiment
        self.status = status
        self.startTime = startTime
        self.deleted = deleted
    }

    var line: String {
        "\(runID)  \(runName)  (experiment \(experiment), \(status)\(deleted ? ", deleted" : ""), started \(Formatting.time(startTime)))"
    }
}
