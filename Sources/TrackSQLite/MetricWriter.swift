import Foundation
import GRDB
import TrackCore
import TrackStorageCodec

/// Appends metric points as chunks and keeps each series' summary (latest, min, max, count, step
/// range) current.
///
/// Each request writes one chunk per series with the points it brings, after dropping exact
/// duplicates of points already stored (so a retried batch stores nothing twice). Small chunks
/// are stored uncompressed and merged into large, compressed ones once enough of them have
/// gathered, so a series ends up as a few large, well-compressed chunks whatever the request
/// sizes were, and each point is compressed once. The merge is read and compressed outside the
/// write transaction (``ChunkCompactor``); only a series whose merges fall far behind is merged
/// inside it.
enum MetricWriter {
    /// Chunks with fewer points than this are small. Once ``compactionTrigger`` small chunks
    /// exist, they are merged as soon as they hold ``largeChunkPoints`` points together, or when
    /// ``maxSmallChunks`` of them have gathered: so each point is re-encoded about once, not once
    /// per merge of a growing chunk, while a reader never merges more than a bounded number.
    static let largeChunkPoints = 4096
    static let compactionTrigger = 16
    static let maxSmallChunks = 64
    /// A series with this many small chunks is merged inside the write transaction: the bound on
    /// what a reader merges when the merges outside it fall behind.
    static let inlineCompactionLimit = 256
    /// The most points one chunk holds.
    static let maxChunkPoints = 16384

    private struct Series {
        var seriesKey: Int64
        var summary: PointSummary
        var smallChunks: Int64
        /// The points those small chunks hold together.
        var smallPoints: Int64
        var isNew: Bool
    }

    /// What a series row keeps of its points: count, latest (MLflow's rule), lowest and highest
    /// non-NaN value, step range and newest timestamp.
    struct PointSummary: Sendable {
        var count: Int64 = 0
        var latest: MetricPoint?
        var min: Double?
        var max: Double?
        var minStep = Int64.max
        var maxStep = Int64.min
        var maxTimestamp = Int64.min

        init() {}

        init(of points: [MetricPoint]) {
            for point in points { add(point) }
        }

        mutating func add(_ point: MetricPoint) {
            count += 1
            if latest.map({ MetricWriter.isLater(point, than: $0) }) ?? true { latest = point }
            if !point.value.isNaN {
                min = Swift.min(min ?? point.value, point.value)
                max = Swift.max(max ?? point.value, point.value)
            }
            minStep = Swift.min(minStep, point.step)
            maxStep = Swift.max(maxStep, point.step)
            maxTimestamp = Swift.max(maxTimestamp, point.timestamp)
        }

        mutating func absorb(_ other: PointSummary) {
            count += other.count
            if let candidate = other.latest, latest.map({ MetricWriter.isLater(candidate, than: $0) }) ?? true { latest = candidate }
            if let low = other.min { min = Swift.min(min ?? low, low) }
            if let high = other.max { max = Swift.max(max ?? high, high) }
            minStep = Swift.min(minStep, other.minStep)
            maxStep = Swift.max(maxStep, other.maxStep)
            maxTimestamp = Swift.max(maxTimestamp, other.maxTimestamp)
        }
    }

    /// Points of one chunk, encoded (compressed when the chunk is large), with the bounds its
    /// index row holds.
    struct EncodedChunk: Sendable {
        let first: MetricPoint
        let last: MetricPoint
        let minStep: Int64
        let maxStep: Int64
        let count: Int
        let data: [UInt8]

        /// `points` sorted in storage order, at least one.
        init(points: [MetricPoint]) {
            var minStep = Int64.max
            var maxStep = Int64.min
            for point in points {
                minStep = Swift.min(minStep, point.step)
                maxStep = Swift.max(maxStep, point.step)
            }
            self.first = points[0]
            self.last = points[points.count - 1]
            self.minStep = minStep
            self.maxStep = maxStep
            self.count = points.count
            self.data = MetricChunkCodec.encode(points, compressed: points.count >= MetricWriter.largeChunkPoints)
        }
    }

    /// One series' new points made ready before the write transaction: sorted, without exact
    /// duplicates, encoded as a chunk and summarised. The work that needs no database (grouping,
    /// sorting, compressing) happens here, in parallel across requests, so the single writer only
    /// checks for points it already holds and stores bytes.
    struct PreparedSeries: Sendable {
        let key: String
        let points: [MetricPoint]
        let chunk: EncodedChunk
        let summary: PointSummary
    }

    /// Groups a batch's metrics by key (in the order keys first appear) and prepares each series.
    static func prepare(_ metrics: [Metric]) -> [PreparedSeries] {
        if metrics.isEmpty { return [] }
        var keys: [String] = []
        var groups: [[MetricPoint]] = []
        var groupByKey: [String: Int] = [:]
        for metric in metrics {
            let point = MetricPoint(step: metric.step, timestamp: metric.timestamp, value: metric.value)
            let group = groupByKey[metric.key, default: groups.count]
            if group == groups.count {
                groupByKey[metric.key] = group
                keys.append(metric.key)
                groups.append([point])
            } else {
                groups[group].append(point)
            }
        }
        return zip(keys, groups).map { key, incoming in
            var points = incoming
            if !isSorted(points) { points.sort(by: MetricPoint.storageOrder) }
            points = uniqued(points)
            return PreparedSeries(key: key, points: points, chunk: EncodedChunk(points: points), summary: PointSummary(of: points))
        }
    }

    /// Stores the prepared series of one run; returns the keys of the series whose small chunks
    /// are due to be merged (see ``ChunkCompactor``), leaving out those in `alreadyQueued`.
    static func insert(_ db: Database, runKey: Int64, series: [PreparedSeries], alreadyQueued: (Int64) -> Bool) throws -> [Int64] {
        var due: [Int64] = []
        for prepared in series {
            if let seriesKey = try insert(db, runKey: runKey, prepared, alreadyQueued: alreadyQueued) {
                due.append(seriesKey)
            }
        }
        return due
    }

    /// Stores one series' new points; returns its key when its small chunks are due to be merged.
    private static func insert(_ db: Database, runKey: Int64, _ prepared: PreparedSeries, alreadyQueued: (Int64) -> Bool) throws -> Int64? {
        var series = try loadSeries(db, runKey: runKey, key: prepared.key)
        var chunk = prepared.chunk
        var summary = prepared.summary

        // Only a batch reaching back into stored time can hold duplicates of stored points; the
        // few that do are re-encoded without them.
        if !series.isNew, chunk.first.timestamp <= series.summary.maxTimestamp {
            let existing = try storedKeys(db, seriesKey: series.seriesKey, from: chunk.first.timestamp, to: chunk.last.timestamp)
            if !existing.isEmpty {
                let remaining = prepared.points.filter { !existing.contains($0.storageKey) }
                if remaining.isEmpty { return nil }
                if remaining.count < prepared.points.count {
                    chunk = EncodedChunk(points: remaining)
                    summary = PointSummary(of: remaining)
                }
            }
        }

        try insertChunk(db, seriesKey: series.seriesKey, chunk)
        if chunk.count < largeChunkPoints {
            series.smallChunks += 1
            series.smallPoints += Int64(chunk.count)
        }
        series.summary.absorb(summary)
        var due = false
        if series.smallChunks >= inlineCompactionLimit {
            let plan = try compactionPlan(db, seriesKey: series.seriesKey)
            if try apply(plan, db) {
                series.smallChunks -= Int64(plan.smallChunksRemoved)
                series.smallPoints -= Int64(plan.smallPointsRemoved)
            }
        } else {
            due = isCompactionDue(smallChunks: series.smallChunks, smallPoints: series.smallPoints) && !alreadyQueued(series.seriesKey)
        }
        try saveSeries(db, series)
        return due ? series.seriesKey : nil
    }

    // MARK: - Series rows

    private static func loadSeries(_ db: Database, runKey: Int64, key: String) throws -> Series {
        let select = try db.cachedStatement(sql: """
            SELECT series_key, last_step, last_timestamp, last_value_bits, min_value, max_value, point_count,
                   min_step, max_step, max_timestamp, small_chunks, small_points
            FROM metric_series WHERE run_key = ? AND key = ?
            """)
        if let row = try Row.fetchOne(select, arguments: [runKey, key]) {
            var summary = PointSummary()
            summary.count = row[6]
            summary.latest = summary.count > 0 ? MetricPoint(step: row[1], timestamp: row[2], value: Double(orderPreservingBits: row[3])) : nil
            summary.min = row[4]
            summary.max = row[5]
            summary.minStep = row[7]
            summary.maxStep = row[8]
            summary.maxTimestamp = row[9]
            return Series(seriesKey: row[0], summary: summary, smallChunks: row[10], smallPoints: row[11], isNew: false)
        }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO metric_series (run_key, key, last_step, last_timestamp, last_value_bits, point_count,
                                       min_step, max_step, max_timestamp, small_chunks, small_points)
            VALUES (?, ?, 0, 0, 0, 0, ?, ?, ?, 0, 0)
            """)
        try insert.execute(arguments: [runKey, key, Int64.max, Int64.min, Int64.min])
        return Series(seriesKey: db.lastInsertedRowID, summary: PointSummary(), smallChunks: 0, smallPoints: 0, isNew: true)
    }

    private static func saveSeries(_ db: Database, _ series: Series) throws {
        let summary = series.summary
        guard let latest = summary.latest else { return }
        let update = try db.cachedStatement(sql: """
            UPDATE metric_series SET last_step = ?, last_timestamp = ?, last_value_bits = ?, last_value = ?,
                min_value = ?, max_value = ?, point_count = ?, min_step = ?, max_step = ?, max_timestamp = ?,
                small_chunks = ?, small_points = ?
            WHERE series_key = ?
            """)
        try update.execute(arguments: [
            latest.step, latest.timestamp, latest.value.orderPreservingBits, latest.value.isNaN ? nil : latest.value,
            summary.min, summary.max, summary.count, summary.minStep, summary.maxStep, summary.maxTimestamp,
            series.smallChunks, series.smallPoints, series.seriesKey,
        ])
    }

    // MARK: - Chunks

    static func insertChunk(_ db: Database, seriesKey: Int64, _ chunk: EncodedChunk) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO metric_chunks (series_key, first_timestamp, first_step, first_value_bits,
                last_timestamp, last_step, last_value_bits, min_step, max_step, point_count, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.execute(arguments: [
            seriesKey, chunk.first.timestamp, chunk.first.step, chunk.first.value.orderPreservingBits,
            chunk.last.timestamp, chunk.last.step, chunk.last.value.orderPreservingBits, chunk.minStep, chunk.maxStep, chunk.count,
            chunk.data.withUnsafeBufferPointer { Data(buffer: $0) },
        ])
    }

    /// The keys of stored points whose timestamps lie in `from...to`.
    private static func storedKeys(_ db: Database, seriesKey: Int64, from: Int64, to: Int64) throws -> Set<StorageKey> {
        let select = try db.cachedStatement(sql: """
            SELECT data FROM metric_chunks
            WHERE series_key = ? AND first_timestamp <= ? AND last_timestamp >= ?
            """)
        var keys = Set<StorageKey>()
        var decoder = MetricChunkDecoder()
        let cursor = try Row.fetchCursor(select, arguments: [seriesKey, to, from])
        while let row = try cursor.next() {
            try decoder.decode(row, column: 0)
            for point in decoder.points where point.timestamp >= from && point.timestamp <= to {
                keys.insert(point.storageKey)
            }
        }
        return keys
    }

    /// Whether a series' small chunks are due to be merged, given how many there are and how many
    /// points they hold.
    static func isCompactionDue(smallChunks: Int64, smallPoints: Int64) -> Bool {
        smallChunks >= compactionTrigger && (smallChunks >= maxSmallChunks || smallPoints >= largeChunkPoints)
    }

    /// Whether the stored series' small chunks are due to be merged.
    static func isCompactionDue(_ db: Database, seriesKey: Int64) throws -> Bool {
        let select = try db.cachedStatement(sql: "SELECT small_chunks, small_points FROM metric_series WHERE series_key = ?")
        guard let row = try Row.fetchOne(select, arguments: [seriesKey]) else { return false }
        return isCompactionDue(smallChunks: row[0], smallPoints: row[1])
    }

    /// A merge of a series' small chunks: the chunks as read, and the chunks that replace them.
    struct CompactionPlan: Sendable {
        struct StoredChunk: Sendable {
            let chunkKey: Int64
            let pointCount: Int
            let data: Data
        }

        let seriesKey: Int64
        let merged: [StoredChunk]
        let replacements: [EncodedChunk]
        /// How many fewer small chunks the series has once the plan is applied.
        var smallChunksRemoved: Int { merged.count - replacements.count { $0.count < largeChunkPoints } }
        /// The points of the chunks it merges.
        var mergedPoints: Int { merged.reduce(0) { $0 + $1.pointCount } }
        /// How many fewer points its small chunks hold then.
        var smallPointsRemoved: Int {
            mergedPoints - replacements.reduce(0) { $0 + ($1.count < largeChunkPoints ? $1.count : 0) }
        }
    }

    /// Reads the series' small chunks and encodes their points as few chunks as fit (compressing
    /// the large ones). Needs only a read: the plan says exactly which stored bytes it replaces.
    static func compactionPlan(_ db: Database, seriesKey: Int64) throws -> CompactionPlan {
        let select = try db.cachedStatement(sql: "SELECT chunk_key, point_count, data FROM metric_chunks WHERE series_key = ? AND point_count < ?")
        var merged: [CompactionPlan.StoredChunk] = []
        var points: [MetricPoint] = []
        var decoder = MetricChunkDecoder()
        let cursor = try Row.fetchCursor(select, arguments: [seriesKey, largeChunkPoints])
        while let row = try cursor.next() {
            merged.append(.init(chunkKey: row[0], pointCount: row[1], data: row[2]))
            try decoder.decode(row, column: 2)
            points.append(contentsOf: decoder.points)
        }
        if merged.count < 2 { return CompactionPlan(seriesKey: seriesKey, merged: [], replacements: []) }
        points.sort(by: MetricPoint.storageOrder)
        var replacements: [EncodedChunk] = []
        var start = 0
        while start < points.count {
            let end = Swift.min(start + maxChunkPoints, points.count)
            replacements.append(EncodedChunk(points: Array(points[start..<end])))
            start = end
        }
        return CompactionPlan(seriesKey: seriesKey, merged: merged, replacements: replacements)
    }

    /// Replaces the plan's chunks with its merged ones and keeps the series' count of small
    /// chunks, in the write transaction. Changes nothing and returns false when any of those
    /// chunks is no longer stored as it was read (merged or deleted meanwhile, or its key given
    /// to another chunk), so the points replaced are always exactly the points read.
    @discardableResult
    static func apply(_ plan: CompactionPlan, _ db: Database) throws -> Bool {
        if plan.merged.isEmpty { return true }
        let delete = try db.cachedStatement(sql: "DELETE FROM metric_chunks WHERE chunk_key = ? AND series_key = ? AND point_count = ? AND data = ?")
        let update = try db.cachedStatement(sql: """
            UPDATE metric_series SET small_chunks = small_chunks - ?, small_points = small_points - ? WHERE series_key = ?
            """)
        var applied = true
        try db.inSavepoint {
            for chunk in plan.merged {
                try delete.execute(arguments: [chunk.chunkKey, plan.seriesKey, chunk.pointCount, chunk.data])
                if db.changesCount != 1 {
                    applied = false
                    return .rollback
                }
            }
            for replacement in plan.replacements {
                try insertChunk(db, seriesKey: plan.seriesKey, replacement)
            }
            try update.execute(arguments: [plan.smallChunksRemoved, plan.smallPointsRemoved, plan.seriesKey])
            return .commit
        }
        return applied
    }

    // MARK: - Helpers

    /// MLflow's latest-value rule: the largest `(step, timestamp, value)`.
    static func isLater(_ a: MetricPoint, than b: MetricPoint) -> Bool {
        if a.step != b.step { return a.step > b.step }
        if a.timestamp != b.timestamp { return a.timestamp > b.timestamp }
        return a.value.orderPreservingBits > b.value.orderPreservingBits
    }

    private static func isSorted(_ points: [MetricPoint]) -> Bool {
        var index = 1
        while index < points.count {
            if MetricPoint.storageOrder(points[index], points[index - 1]) { return false }
            index += 1
        }
        return true
    }

    /// Drops exact duplicates from sorted points.
    private static func uniqued(_ points: [MetricPoint]) -> [MetricPoint] {
        guard points.count > 1 else { return points }
        var result: [MetricPoint] = [points[0]]
        result.reserveCapacity(points.count)
        for point in points.dropFirst() where point.storageKey != result[result.count - 1].storageKey {
            result.append(point)
        }
        return result
    }
}
