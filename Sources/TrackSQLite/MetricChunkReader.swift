import Foundation
import GRDB
import TrackCore
import TrackStorageCodec

/// Reads a series back from its chunks in storage order `(timestamp, step, value)`, decoding one
/// chunk at a time, so memory stays bounded by the page asked for, not by the series.
struct MetricChunkReader {
    struct ChunkInfo {
        var chunkKey: Int64
        var first: StorageKey
        var last: StorageKey
        var minStep: Int64
        var maxStep: Int64
    }

    let db: Database
    let seriesKey: Int64

    func chunks() throws -> [ChunkInfo] {
        let select = try db.cachedStatement(sql: """
            SELECT chunk_key, first_timestamp, first_step, first_value_bits, last_timestamp, last_step, last_value_bits,
                   min_step, max_step
            FROM metric_chunks WHERE series_key = ?
            ORDER BY first_timestamp, first_step, first_value_bits
            """)
        var result: [ChunkInfo] = []
        let cursor = try Row.fetchCursor(select, arguments: [seriesKey])
        while let row = try cursor.next() {
            result.append(ChunkInfo(
                chunkKey: row[0],
                first: StorageKey(timestamp: row[1], step: row[2], valueBits: row[3]),
                last: StorageKey(timestamp: row[4], step: row[5], valueBits: row[6]),
                minStep: row[7], maxStep: row[8]
            ))
        }
        return result
    }

    func points(of chunk: ChunkInfo) throws -> [MetricPoint] {
        var decoder = MetricChunkDecoder()
        try decode(chunk, into: &decoder)
        return decoder.points
    }

    /// Decodes `chunk` into `decoder.points`, reading the stored bytes in place: a decoder kept
    /// across the chunks of a series reuses its buffers.
    func decode(_ chunk: ChunkInfo, into decoder: inout MetricChunkDecoder) throws {
        let select = try db.cachedStatement(sql: "SELECT data FROM metric_chunks WHERE chunk_key = ?")
        let cursor = try Row.fetchCursor(select, arguments: [chunk.chunkKey])
        guard let row = try cursor.next() else { throw MetricChunkCodec.corrupt }
        try decoder.decode(row, column: 0)
    }

    /// Up to `limit` points after `after` (exclusive) in storage order, merging chunks whose
    /// ranges overlap.
    func page(after: StorageKey?, limit: Int) throws -> [MetricPoint] {
        var pending = try chunks()
        if let after { pending.removeAll { !(after < $0.last) } }
        var result: [MetricPoint] = []
        result.reserveCapacity(Swift.min(limit, 65536))
        var open: [(points: [MetricPoint], index: Int)] = []
        var next = 0
        while result.count < limit {
            // Open every chunk that starts before the smallest point still waiting.
            while next < pending.count {
                let head = open.map { $0.points[$0.index].storageKey }.min()
                guard head == nil || !(head! < pending[next].first) else { break }
                var points = try points(of: pending[next])
                next += 1
                var start = 0
                if let after {
                    start = points.partitioningIndex { after < $0.storageKey }
                }
                if start < points.count {
                    if start > 0 { points = Array(points[start...]); start = 0 }
                    open.append((points, 0))
                }
            }
            if open.isEmpty { break }
            // Take the smallest head; with ordinary appends only one chunk is open at a time.
            var best = 0
            if open.count > 1 {
                for candidate in 1..<open.count
                where MetricPoint.storageOrder(open[candidate].points[open[candidate].index], open[best].points[open[best].index]) {
                    best = candidate
                }
            }
            if open.count == 1 {
                // Fast path: copy a run of points at once.
                let chunk = open[0]
                let nextFirst = next < pending.count ? pending[next].first : nil
                var end = chunk.index
                while end < chunk.points.count, result.count + (end - chunk.index) < limit {
                    if let nextFirst, !(chunk.points[end].storageKey < nextFirst) { break }
                    end += 1
                }
                if end > chunk.index {
                    result.append(contentsOf: chunk.points[chunk.index..<end])
                    open[0].index = end
                    if end == chunk.points.count { open.removeAll() }
                    continue
                }
            }
            result.append(open[best].points[open[best].index])
            open[best].index += 1
            if open[best].index == open[best].points.count { open.remove(at: best) }
        }
        return result
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, for a predicate that is false then true.
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

extension MetricChunkDecoder {
    /// Decodes the chunk stored in a row's column, reading the bytes in place.
    mutating func decode(_ row: Row, column: Int) throws {
        try row.withUnsafeData(atIndex: column) { data in
            guard let data else { throw MetricChunkCodec.corrupt }
            try data.withUnsafeBytes { bytes in try decode(bytes) }
        }
    }
}
