import HTTPTypes
import TrackCore

/// What each request needs, decided from its method and path alone, in one place.
///
/// Reads are GET and HEAD, plus the searches MLflow sends as POST (matched on their exact full
/// paths); every other request writes. Anything not recognised therefore needs the higher
/// access: the policy fails closed.
enum AccessPolicy {
    /// Answered to anybody: load balancers and the client's version check.
    static let publicPaths: Set<String> = ["/health", "/version"]

    static let apiPrefixes = ["/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/"]
    static let readOnlyPosts: Set<String> = Set(
        apiPrefixes.flatMap { prefix in ["runs/search", "experiments/search", "logged-models/search", "registered-models/get-latest-versions"].map { prefix + $0 } }
    )

    /// The access `method` on `path` needs; `nil` for the public paths.
    static func requiredAccess(method: HTTPRequest.Method, path: String) -> Access? {
        if publicPaths.contains(path) { return nil }
        switch method {
        case .get, .head:
            return .read
        case .post where readOnlyPosts.contains(path):
            return .read
        default:
            return .write
        }
    }
}
