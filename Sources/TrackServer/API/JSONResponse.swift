import Hummingbird
import TrackAPI
import TrackCore

/// JSON answers.
enum JSONResponse {
    /// An answer built with a writer.
    static func make(capacity: Int = 512, _ build: (inout JSONWriter) -> Void) -> Response {
        var writer = JSONWriter(capacity: capacity)
        build(&writer)
        return bytes(writer.bytes)
    }

    /// `{"metrics":[…],…}`: the points written by `encoder` straight into the answer's buffer
    /// (no copy, no regrowth, however long the page), then the members `more` writes. With no
    /// points the `metrics` member is left out, as MLflow leaves out empty lists.
    static func metricPointsBody(_ points: [MetricPoint], encoder: MetricPointEncoder, more: (inout JSONWriter) -> Void = { _ in }) -> ByteBuffer {
        var members = JSONWriter(capacity: 128)
        members.beginObject()
        more(&members)
        members.endObject()
        let extra = members.bytes.dropFirst().dropLast()  // without the braces
        let opening = #"{"metrics":["#.utf8
        var buffer = ByteBufferAllocator().buffer(capacity: opening.count + encoder.maxBytes(points: points.count) + extra.count + 3)
        buffer.writeInteger(UInt8(ascii: "{"))
        if !points.isEmpty {
            buffer.writeBytes(opening.dropFirst())
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: encoder.maxBytes(points: points.count)) { encoder.write(points, into: $0) }
            buffer.writeInteger(UInt8(ascii: "]"))
            if !extra.isEmpty { buffer.writeInteger(UInt8(ascii: ",")) }
        }
        buffer.writeBytes(extra)
        buffer.writeInteger(UInt8(ascii: "}"))
        return buffer
    }

    /// An answer whose JSON is already in `buffer`.
    static func body(_ buffer: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
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
