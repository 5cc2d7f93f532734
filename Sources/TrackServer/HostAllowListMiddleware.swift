import Hummingbird
import TrackCore

/// Refuses requests whose `Host` is not one the server answers to, so that a web page on
/// another domain can't reach a local server through DNS rebinding.
struct HostAllowListMiddleware: RouterMiddleware {
    typealias Context = TrackRequestContext
    let allowed: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !allowed.isEmpty {
            let host = request.head.authority ?? ""
            if !allowed.contains(Self.hostName(host)) {
                throw TrackError(.permissionDenied, "Invalid Host header - possible DNS rebinding attack detected")
            }
        }
        return try await next(request, context)
    }

    /// The host without its port (`[::1]:5000` → `[::1]`, `localhost:5000` → `localhost`).
    static func hostName(_ authority: String) -> String {
        if authority.hasPrefix("[") {
            if let end = authority.firstIndex(of: "]") { return String(authority[...end]) }
            return authority
        }
        if let colon = authority.lastIndex(of: ":") { return String(authority[..<colon]).lowercased() }
        return authority.lowercased()
    }
}
