import Foundation
import Logging
import TrackSQLite

/// Everything `track server` needs to start, filled from flags and environment variables by the
/// CLI and built directly by tests.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The folder holding `track.db` and `artifacts/` unless those are given apart.
    public var dataDirectory: URL
    /// `sqlite:///path/to/file.db`, or `nil` for `<data dir>/track.db`.
    public var backendStoreURI: String?
    /// The artifact folder, or `nil` for `<data dir>/artifacts`.
    public var artifactRoot: URL?
    /// The web UI's folder, or `nil` to look for it (see `StaticFiles.defaultRoot`).
    public var webRoot: URL?
    /// Host names the server answers to (DNS-rebinding protection); empty allows any.
    public var allowedHosts: [String]
    public var logLevel: Logger.Level
    /// Whether a commit must survive power loss (`synchronous=FULL`) rather than a process crash.
    public var durableAgainstPowerLoss: Bool
    /// Whether requests must prove a user (`track users add` creates them).
    public var requiresAuthentication: Bool
    /// Allows listening on an address other than loopback without authentication.
    public var allowsInsecureNoAuth: Bool
    /// How long a connection may stay silent before the server closes it.
    public var idleTimeout: Duration
    /// About how many megabytes of loaded runs the store keeps for searches and run pages that
    /// show them again; 0 turns the cache off.
    public var runCacheMegabytes: Int
    /// The store's default run cache, in megabytes.
    public static let defaultRunCacheMegabytes = SQLiteTrackingStore.defaultRunCacheBytes >> 20

    public init(
        host: String = "127.0.0.1", port: Int = 5000, dataDirectory: URL = URL(fileURLWithPath: "track-data"),
        backendStoreURI: String? = nil, artifactRoot: URL? = nil, webRoot: URL? = nil,
        allowedHosts: [String]? = nil, logLevel: Logger.Level = .info, durableAgainstPowerLoss: Bool = false,
        requiresAuthentication: Bool = false, allowsInsecureNoAuth: Bool = false, idleTimeout: Duration = .seconds(75),
        runCacheMegabytes: Int = defaultRunCacheMegabytes
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.backendStoreURI = backendStoreURI
        self.artifactRoot = artifactRoot
        self.webRoot = webRoot
        self.allowedHosts = allowedHosts ?? Self.defaultAllowedHosts(for: host)
        self.logLevel = logLevel
        self.durableAgainstPowerLoss = durableAgainstPowerLoss
        self.requiresAuthentication = requiresAuthentication
        self.allowsInsecureNoAuth = allowsInsecureNoAuth
        self.idleTimeout = idleTimeout
        self.runCacheMegabytes = runCacheMegabytes
    }

    /// Whether `host` is a loopback address or name, reachable only from this machine.
    public static func isLoopback(_ host: String) -> Bool {
        if ["localhost", "::1", "[::1]"].contains(host.lowercased()) { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// On loopback only local names are answered, which stops DNS rebinding; on any other
    /// address every host is allowed unless a list is given.
    public static func defaultAllowedHosts(for host: String) -> [String] {
        isLoopback(host) ? ["localhost", "127.0.0.1", "[::1]", "::1"] + (host.hasPrefix("127.") ? [host] : []) : []
    }

    var resolvedArtifactRoot: URL { artifactRoot ?? dataDirectory.appendingPathComponent("artifacts", isDirectory: true) }
}
