import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The SDK's transport: Foundation's URLSession, so adding the SDK to a training package brings
/// no HTTP library of its own.
public final class URLSessionTransport: TrackerTransport {
    let session: URLSession

    public init(timeout: Duration = .seconds(15)) {
        let seconds = max(0.1, timeout.seconds)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = max(seconds, 300)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpMaximumConnectionsPerHost = 4
        session = URLSession(configuration: configuration, delegate: ChallengeRefusal(), delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// Answers a server's request for credentials (a 401) by cancelling the request: the
    /// credentials, if any, are already in the request's header. Without a delegate, Linux's
    /// URLSession never completes a request answered with 401.
    final class ChallengeRefusal: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
            completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
        ) {
            completionHandler(.cancelAuthenticationChallenge, nil)
        }
    }

    public func send(_ request: TrackerHTTPRequest) async throws(TrackerError) -> TrackerHTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = max(0.1, request.timeout.seconds)
        for header in request.headers { urlRequest.setValue(header.value, forHTTPHeaderField: header.name) }
        if let body = request.body { urlRequest.httpBody = Data(body) }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch let error as URLError where error.code == .cancelled && !Task.isCancelled {
            // Only a credentials challenge cancels a request that the caller did not cancel.
            return TrackerHTTPResponse(status: 401, body: [])
        } catch {
            throw TrackerError(kind: .transport, message: "\(request.url.absoluteString): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else {
            throw TrackerError(kind: .transport, message: "not an HTTP answer")
        }
        return TrackerHTTPResponse(status: http.statusCode, body: Array(data))
    }
}

extension TrackingClient {
    /// A client over URLSession.
    public convenience init(url: URL, credentials: Credentials? = nil, timeout: Duration = .seconds(15)) {
        self.init(url: url, credentials: credentials, timeout: timeout, transport: URLSessionTransport(timeout: timeout))
    }

    /// A client over URLSession for a configuration's server and credentials.
    public convenience init(configuration: TrackerConfiguration) {
        self.init(configuration: configuration, transport: URLSessionTransport(timeout: configuration.requestTimeout))
    }
}
