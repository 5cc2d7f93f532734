import HTTPTypes
import Hummingbird
import TrackCore

/// Adds the browser-facing protections to every answer, errors included: no sniffing, no
/// framing, and a content security policy that lets the UI load only its own files.
///
/// Errors thrown further in are turned into their responses here (through their
/// `HTTPResponseError` conformance, the one mapping of codes to statuses) so that they carry the
/// same headers; anything else becomes an `INTERNAL_ERROR` whose detail goes to the log only.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = TrackRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            response = try TrackError.internalError("Internal server error").response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] =
                "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        }
        return response
    }
}
