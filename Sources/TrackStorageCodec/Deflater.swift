import CZlib
import Synchronization

/// zlib compression (level 1, run-length strategy) with reused streams.
///
/// `compress2` sets up and tears down about 270 KB of deflate state on every call, which for
/// chunks of a few kilobytes costs more than compressing them (large allocations are fresh,
/// zero-filled pages). A stream kept between calls is reset instead. Any zlib inflater reads
/// the result.
final class Deflater: @unchecked Sendable {
    private static let idle = Mutex<[Deflater]>([])
    /// Streams kept for reuse; more than this are ended after use.
    private static let keep = 4

    private let stream: UnsafeMutablePointer<z_stream>

    private init() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Run-length matching only: the columns are varint deltas (long runs of equal bytes)
        // and XORed values (runs of zero bytes, otherwise noise that string matching cannot
        // shorten), so it compresses them as well as full matching at a fraction of the time.
        let status = deflateInit2_(stream, 1, Z_DEFLATED, 15, 8, Z_RLE, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit failed with \(status)")
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses `input` as one zlib stream into `output` (at least `compressBound` bytes) and
    /// returns the number of bytes written.
    static func compress(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let deflater = idle.withLock { $0.popLast() } ?? Deflater()
        let count = deflater.compress(input, into: output)
        idle.withLock { streams in
            if streams.count < keep { streams.append(deflater) }
        }
        return count
    }

    private func compress(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        deflateReset(stream)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.pointee.avail_in = uInt(input.count)
        stream.pointee.next_out = output.baseAddress
        stream.pointee.avail_out = uInt(output.count)
        let status = deflate(stream, Z_FINISH)
        precondition(status == Z_STREAM_END, "zlib deflate failed with \(status)")
        return output.count - Int(stream.pointee.avail_out)
    }
}
