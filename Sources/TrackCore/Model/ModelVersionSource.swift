import Foundation

/// Where a model version's files are, as its `source` says, read the way MLflow's server reads
/// it before registering a version.
public enum ModelVersionSource: Sendable, Equatable {
    /// `models:/m-<id>[/path]`: a logged model.
    case loggedModel(id: String)
    /// `models:/<name>/<version>`, `models:/<name>/latest` or `models:/<name>@<alias>`: another
    /// registered version.
    case registeredVersion(name: String, selector: Selector)
    /// `runs:/<run id>[/path]`.
    case run(id: String)
    /// `mlflow-artifacts:/…`: files this server keeps.
    case proxiedArtifact
    /// A path on the server's own disk (`/x`, `file:///x`, no scheme).
    case local
    /// Any other URI (`s3://…`, `gs://…`, `https://…`): the client's business.
    case external
    /// `models://host/…`: a registry other than this one.
    case foreignRegistry

    public enum Selector: Sendable, Equatable {
        case version(Int64)
        case latest
        case alias(String)
    }

    public init(_ source: String) {
        guard let colon = source.firstIndex(of: ":"), source[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
              source.distance(from: source.startIndex, to: colon) > 1
        else {
            self = .local
            return
        }
        let scheme = source[..<colon].lowercased()
        let rest = source[source.index(after: colon)...]
        switch scheme {
        case "file":
            self = .local
        case "models":
            if rest.hasPrefix("//") {
                self = .foreignRegistry
                return
            }
            let path = rest.drop { $0 == "/" }
            let first = path.prefix { $0 != "/" && $0 != "@" }
            if first.hasPrefix("m-"), !path.contains("@") {
                self = .loggedModel(id: String(first))
            } else if let at = path.firstIndex(of: "@") {
                self = .registeredVersion(name: String(path[..<at]), selector: .alias(String(path[path.index(after: at)...])))
            } else {
                let parts = path.split(separator: "/", maxSplits: 1).map(String.init)
                if parts.count == 2, let number = Int64(parts[1]) {
                    self = .registeredVersion(name: parts[0], selector: .version(number))
                } else if parts.count == 2, parts[1].lowercased() == "latest" {
                    self = .registeredVersion(name: parts[0], selector: .latest)
                } else {
                    self = .external
                }
            }
        case "runs":
            let path = rest.hasPrefix("//") ? rest.dropFirst(2) : rest.drop { $0 == "/" }
            self = .run(id: String(path.prefix { $0 != "/" }))
        case "mlflow-artifacts":
            self = .proxiedArtifact
        default:
            self = .external
        }
    }

    /// Whether a source names a parent directory (`..`, also percent-encoded) or a NUL, which
    /// could reach files outside what it names.
    public static func hasRelativeParts(_ source: String) -> Bool {
        let decoded = source.removingPercentEncodingSafely
        if decoded.contains("\u{0}") { return true }
        return decoded.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." }
    }
}

extension String {
    /// Percent-decoded (repeatedly, for double encodings), or itself when it isn't valid.
    fileprivate var removingPercentEncodingSafely: String {
        var current = self
        for _ in 0..<3 {
            guard current.contains("%"), let decoded = current.removingPercentEncoding, decoded != current else { break }
            current = decoded
        }
        return current
    }
}
