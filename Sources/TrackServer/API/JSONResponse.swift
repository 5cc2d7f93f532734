import Hummingbird
import TrackAPI

/// JSON answers.
enum JSONResponse {
    /// An answer built with a writer.
    static func make(capacity: Int = 512, _ build: (inout JSONWriter) -> Void) -> Response {
        var writer = JSONWriter(capacity: capacity)
        build(&writer)
        return bytes(writer.bytes)
    }

    static func bytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// `{}`.
    static var empty: Response { bytes(Array("{}".utf8)) }
}
