import Foundation

/// How a ``Tracker`` reaches the server and how it batches, retries and spools.
///
/// Every setting has a default that suits a training script on a laptop; the server address,
/// credentials and spool folder also come from the environment (see ``resolvedURL``,
/// ``resolvedCredentials`` and ``resolvedSpoolDirectory``).
public struct TrackerConfiguration: Sendable {
    /// The server, e.g. `http://127.0.0.1:5000`. `nil`: `TRACK_URL`, else `MLFLOW_TRACKING_URI`,
    /// else `http://127.0.0.1:5000`.
    public var url: URL?
    /// `nil`: `MLFLOW_TRACKING_TOKEN` (bearer), else `MLFLOW_TRACKING_USERNAME` and
    /// `MLFLOW_TRACKING_PASSWORD` (basic), else none.
    public var credentials: Credentials?
    /// Ship buffered points at least this often.
    public var flushInterval: Duration = .milliseconds(500)
    /// …or as soon as this many points are buffered, whichever comes first.
    public var flushPoints: Int = 1000
    /// Capacity of the caller-side buffer. When the sender falls this far behind, `log` waits
    /// for it (it never drops a point); in practice the sender drains faster than a training
    /// loop logs, to the server or to the spool.
    public var bufferCapacity: Int = 100_000
    /// Points the sender keeps in memory while the server does not answer; past this the
    /// queue overflows to the spool, so memory stays bounded.
    public var maxPendingPoints: Int = 200_000
    /// How long the server may keep failing before data goes to the on-disk spool.
    /// `TRACK_SPOOL_AFTER` (seconds) overrides the default.
    public var spoolAfter: Duration = .seconds(30)
    /// Whether data may go to the spool at all (when `false` the sender retries forever and
    /// `log` eventually waits).
    public var spoolEnabled: Bool = true
    /// The spool folder. `nil`: `TRACK_SPOOL`, else `~/.cache/track/spool`.
    public var spoolDirectory: URL?
    /// Never contact the server: everything goes straight to the spool, for `track sync`
    /// later (air-gapped machines). `TRACK_OFFLINE=1` sets it.
    public var offline: Bool = false
    /// While spooling, how often to check whether the server is back (then the spool is
    /// replayed and the tracker goes live again).
    public var probeInterval: Duration = .seconds(2)
    /// Retry timing for connection errors, 429 and 5xx.
    public var retry: RetryPolicy = .init()
    /// Per-request timeout.
    public var requestTimeout: Duration = .seconds(15)
    /// How often the `track.heartbeat` tag is refreshed; `nil` disables it.
    public var heartbeatInterval: Duration? = .seconds(30)
    /// Sample CPU and memory of this process under `system/…` keys this often; `nil` (the
    /// default) disables it.
    public var systemMetricsInterval: Duration?
    /// Capture the command line, git commit, user, host, OS and Swift version as run tags.
    public var captureSystemTags: Bool = true
    /// Called (on the sender's task) for every error the tracker could not handle by retrying,
    /// such as a metric key the server refuses. The same error is kept in ``Tracker/lastError``.
    public var onError: (@Sendable (TrackerError) -> Void)?

    public init(url: URL? = nil, credentials: Credentials? = nil) {
        self.url = url
        self.credentials = credentials
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["TRACK_SPOOL_AFTER"], let seconds = Double(text), seconds >= 0 {
            spoolAfter = .milliseconds(Int64(seconds * 1000))
        }
        if let text = environment["TRACK_OFFLINE"], ["1", "true", "yes"].contains(text.lowercased()) {
            offline = true
        }
    }

    /// The server address: the configured one, else `TRACK_URL`, else `MLFLOW_TRACKING_URI`
    /// (when it is an http(s) URL), else `http://127.0.0.1:5000`.
    public var resolvedURL: URL {
        if let url { return url }
        let environment = ProcessInfo.processInfo.environment
        for name in ["TRACK_URL", "MLFLOW_TRACKING_URI"] {
            if let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty,
               text.hasPrefix("http://") || text.hasPrefix("https://"), let url = URL(string: text) {
                return url
            }
        }
        return URL(string: "http://127.0.0.1:5000")!
    }

    /// ``credentials``, else those of the environment (see ``credentials(environment:)``).
    public var resolvedCredentials: Credentials? {
        credentials ?? Self.credentials(environment: ProcessInfo.processInfo.environment)
    }

    /// The credentials MLflow's client reads: `MLFLOW_TRACKING_TOKEN` (Bearer), else
    /// `MLFLOW_TRACKING_USERNAME` with `MLFLOW_TRACKING_PASSWORD` (Basic).
    public static func credentials(environment: [String: String]) -> Credentials? {
        if let token = environment["MLFLOW_TRACKING_TOKEN"], !token.isEmpty { return .bearer(token: token) }
        if let user = environment["MLFLOW_TRACKING_USERNAME"], let password = environment["MLFLOW_TRACKING_PASSWORD"] {
            return .basic(username: user, password: password)
        }
        return nil
    }

    public var resolvedSpoolDirectory: URL {
        Self.defaultSpoolDirectory(spoolDirectory)
    }

    /// `explicit`, else `TRACK_SPOOL`, else `~/.cache/track/spool` (`$XDG_CACHE_HOME/track/spool`).
    public static func defaultSpoolDirectory(_ explicit: URL? = nil) -> URL {
        if let explicit { return explicit }
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["TRACK_SPOOL"], !text.isEmpty { return URL(fileURLWithPath: text, isDirectory: true) }
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
            return URL(fileURLWithPath: cache, isDirectory: true).appendingPathComponent("track/spool", isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/track/spool", isDirectory: true)
    }
}

/// Credentials sent with every request.
public enum Credentials: Sendable, Equatable {
    case basic(username: String, password: String)
    case bearer(token: String)

    package var headerValue: String {
        switch self {
        case .basic(let username, let password):
            return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        case .bearer(let token):
            return "Bearer \(token)"
        }
    }
}

/// Exponential backoff with jitter: `initial × multiplier^attempt`, capped at `maximum`,
/// each delay scaled by a random factor in `1 ± jitter`.
public struct RetryPolicy: Sendable {
    public var initial: Duration = .milliseconds(100)
    public var maximum: Duration = .seconds(2)
    public var multiplier: Double = 2
    public var jitter: Double = 0.25

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(2), multiplier: Double = 2, jitter: Double = 0.25) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The delay before retry number `attempt` (0-based).
    public func delay(attempt: Int) -> Duration {
        let base = initial.seconds * pow(multiplier, Double(min(attempt, 30)))
        let capped = min(base, maximum.seconds)
        let factor = 1 + Double.random(in: -jitter...jitter)
        return .milliseconds(Int64(max(0, capped * factor) * 1000))
    }
}

extension Duration {
    package var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    package var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
