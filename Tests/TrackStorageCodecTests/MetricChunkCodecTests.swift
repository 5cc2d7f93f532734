import Testing
import TrackCore
import TrackStorageCodec

/// The stored chunk format: bit-exact round trips, buffers reused across chunks, and damaged
/// bytes refused with an error, never a crash or made-up points.
@Suite struct MetricChunkCodecTests {
    private static func series(_ count: Int, seed: UInt64) -> [MetricPoint] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        let specials: [Double] = [.nan, -.nan, .infinity, -.infinity, -0.0, 0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                  Double(bitPattern: 0x7FF0_0000_0000_0001)]
        var points: [MetricPoint] = []
        for index in 0..<count {
            let roll = next() % 10
            let value = roll == 0 ? specials[Int(next() % UInt64(specials.count))] : Double(bitPattern: next())
            let step: Int64 = roll == 1 ? Int64(bitPattern: next()) : Int64(index)
            points.append(MetricPoint(step: step, timestamp: 1_700_000_000_000 + Int64(index) * 3 + Int64(next() % 2), value: value))
        }
        return points.sorted(by: MetricPoint.storageOrder)
    }

    private static func same(_ a: [MetricPoint], _ b: [MetricPoint]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.step == $1.step && $0.timestamp == $1.timestamp && $0.value.bitPattern == $1.value.bitPattern }
    }

    @Test(arguments: [0, 1, 2, 100, 16384], [true, false])
    func roundTripsBitExactly(count: Int, compressed: Bool) throws {
        let points = Self.series(count, seed: UInt64(count) + 7)
        let decoded = try MetricChunkCodec.decode(MetricChunkCodec.encode(points, compressed: compressed))
        #expect(Self.same(decoded, points))
    }

    @Test func aDecoderKeptAcrossChunksGivesEachChunkItsOwnPoints() throws {
        var decoder = MetricChunkDecoder()
        for (index, count) in [5000, 3, 12000, 0, 700, 40, 9000].enumerated() {
            let points = Self.series(count, seed: UInt64(index))
            // Both forms, one after the other, through the same decoder.
            let bytes = MetricChunkCodec.encode(points, compressed: index % 2 == 0)
            try bytes.withUnsafeBytes { try decoder.decode($0) }
            #expect(Self.same(decoder.points, points), "chunk \(index) of \(count) points")
        }
    }

    @Test func uncompressedChunksAreTheColumnsAsTheyAre() {
        let points = Self.series(1000, seed: 5)
        let raw = MetricChunkCodec.encode(points, compressed: false)
        let compressed = MetricChunkCodec.encode(points)
        #expect(raw.first == 2 && compressed.first == 1)
        // The columns (count, 1,000 timestamp and step deltas, 8,000 value bytes) and a checksum.
        #expect(raw.count > 9000 && raw.count < 9000 + 2 * 1000 * 10)
    }

    @Test(arguments: [true, false])
    func damagedChunksAreRefused(compressed: Bool) throws {
        let bytes = MetricChunkCodec.encode(Self.series(500, seed: 99), compressed: compressed)
        #expect(throws: TrackError.self) { try MetricChunkCodec.decode([]) }
        #expect(throws: TrackError.self) { try MetricChunkCodec.decode([99] + bytes.dropFirst()) }
        for cut in [1, 3, 5, bytes.count / 2, bytes.count - 1] {
            #expect(throws: TrackError.self, "cut at \(cut)") { try MetricChunkCodec.decode(Array(bytes.prefix(cut))) }
        }
        // A flipped byte fails zlib's checks or the checksum of uncompressed columns (or the
        // column sizes).
        for position in stride(from: 1, to: bytes.count, by: max(1, bytes.count / 40)) {
            var damaged = bytes
            damaged[position] ^= 0x5A
            #expect(throws: TrackError.self, "byte \(position) flipped") { try MetricChunkCodec.decode(damaged) }
        }
    }
}
