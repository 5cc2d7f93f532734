import Hummingbird
import TrackCore

/// Lets a request through only with the access ``AccessPolicy`` asks for: with authentication
/// off everybody has every access; with it on the credentials must prove a user whose role
/// grants it (401 without valid credentials, 403 when the role falls short).
struct AuthenticationMiddleware<Users: UserStore>: RouterMiddleware {
    typealias Context = TrackRequestContext
    /// `nil` when authentication is off.
    let authenticator: Authenticator<Users>?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authenticator, let access = AccessPolicy.requiredAccess(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        let identity = try await authenticator.identify(request.headers)
        guard identity.role.allows(access) else {
            throw TrackError(
                .permissionDenied,
                "User '\(identity.username)' has the role '\(identity.role.rawValue)', which may not \(access) here."
            )
        }
        var context = context
        context.identity = identity
        return try await next(request, context)
    }
}
