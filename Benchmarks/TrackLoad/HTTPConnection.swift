#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking HTTP/1.1 keep-alive connection over a plain socket: one `write` per request, the
/// answer read by `Content-Length`. Nothing is allocated per request once the buffer has grown,
/// so the load generator costs little next to the server it drives.
final class HTTPConnection {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let descriptor: Int32
    private var buffer: [UInt8] = Array(repeating: 0, count: 64 * 1024)
    /// Bytes of `buffer` already read but not yet consumed.
    private var filled = 0

    init(host: String, port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            close(descriptor)
            throw Failure(description: "connect to \(host):\(port): errno \(errno)")
        }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(descriptor) }

    /// Sends a complete request (head and body) and returns the answer's status; the body of the
    /// answer is handed to `body` when given, otherwise skipped.
    func send(_ request: UnsafeRawBufferPointer, body: ((UnsafeRawBufferPointer) -> Void)? = nil) throws -> Int {
        var sent = 0
        while sent < request.count {
            let count = write(descriptor, request.baseAddress! + sent, request.count - sent)
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "write: errno \(errno)")
            }
            sent += count
        }
        return try readResponse(body: body)
    }

    func send(_ request: [UInt8], body: ((UnsafeRawBufferPointer) -> Void)? = nil) throws -> Int {
        try request.withUnsafeBytes { try send($0, body: body) }
    }

    private func fill() throws {
        if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
        if count < 0 {
            if errno == EINTR { return }
            throw Failure(description: "read: errno \(errno)")
        }
        if count == 0 { throw Failure(description: "the server closed the connection") }
        filled += count
    }

    private func readResponse(body: ((UnsafeRawBufferPointer) -> Void)?) throws -> Int {
        var headEnd = 0
        var searched = 0
        while headEnd == 0 {
            try fill()
            headEnd = buffer.withUnsafeBytes { bytes in
                var index = max(0, searched - 3)
                while index + 3 < filled {
                    if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 { return index + 4 }
                    index += 1
                }
                return 0
            }
            searched = filled
        }
        let (status, length) = try buffer.withUnsafeBytes { bytes in try Self.parseHead(UnsafeRawBufferPointer(rebasing: bytes[0..<headEnd])) }
        while filled < headEnd + length { try fill() }
        if let body {
            buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[headEnd..<(headEnd + length)])) }
        }
        let consumed = headEnd + length
        if filled > consumed {
            buffer.withUnsafeMutableBytes { bytes in
                bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + consumed, byteCount: filled - consumed)
            }
        }
        filled -= consumed
        return status
    }

    /// The status code and `Content-Length` of a response head.
    private static func parseHead(_ head: UnsafeRawBufferPointer) throws -> (Int, Int) {
        // "HTTP/1.1 200 OK\r\n"
        guard head.count > 12 else { throw Failure(description: "short response head") }
        let status = (Int(head[9]) - 48) * 100 + (Int(head[10]) - 48) * 10 + (Int(head[11]) - 48)
        let name = Array("content-length:".utf8)
        var lineStart = 0
        while lineStart < head.count {
            var lineEnd = lineStart
            while lineEnd < head.count, head[lineEnd] != 10 { lineEnd += 1 }
            if lineEnd - lineStart > name.count {
                var matches = true
                for (offset, expected) in name.enumerated() where head[lineStart + offset] | 0x20 != expected {
                    matches = false
                    break
                }
                if matches {
                    var value = 0
                    for index in (lineStart + name.count)..<lineEnd where head[index] >= 48 && head[index] <= 57 {
                        value = value * 10 + Int(head[index]) - 48
                    }
                    return (status, value)
                }
            }
            lineStart = lineEnd + 1
        }
        throw Failure(description: "response without Content-Length (status \(status))")
    }
}
