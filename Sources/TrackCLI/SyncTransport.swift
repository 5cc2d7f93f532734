import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import TrackClient
import TrackerDelivery

/// `track sync`'s transport: the HTTP client the other commands use, so the command line does
/// not load a second HTTP stack (URLSession and the libraries under it) for one command.
struct SyncTransport: TrackerTransport {
    let http: HTTPClient

    init(http: HTTPClient = APIClient.commandLineHTTPClient) {
        self.http = http
    }

    func send(_ request: TrackerHTTPRequest) async throws(TrackerError) -> TrackerHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await http.execute(outgoing, timeout: .nanoseconds(Int64(request.timeout / .nanoseconds(1))))
            var body = try await response.body.collect(upTo: 256 * 1024 * 1024)
            return TrackerHTTPResponse(status: Int(response.status.code), body: body.readBytes(length: body.readableBytes) ?? [])
        } catch {
            throw TrackerError(kind: .transport, message: "\(request.url.absoluteString): \(error)")
        }
    }
}
