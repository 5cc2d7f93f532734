import GRDB
import TrackCore
import TrackStorageCodec

extension SQLiteTrackingStore {
    public func metricHistory(runID: String, key: String, maxResults: Int, pageToken: String?) async throws -> Page<MetricPoint> {
        try Validation.validateRunID(runID)
        try Validation.validateMaxResults(maxResults, limit: Validation.maxHistoryResults)
        let after = try PageToken.decodeKeyset(pageToken, count: 3)
        return try await read { db in
            let run = try Self.runRow(db, runID: runID)
            guard let seriesKey = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT series_key FROM metric_series WHERE run_key = ? AND key = ?"),
                arguments: [run.runKey, key]
            ) else {
                return Page(items: [])
            }
            let after = after.map { StorageKey(timestamp: $0[0], step: $0[1], valueBits: $0[2]) }
            let reader = MetricChunkReader(db: db, seriesKey: seriesKey)
            var points = try reader.page(after: after, limit: maxResults + 1)
            if points.count > maxResults {
                points.removeLast()
                let last = points[points.count - 1].storageKey
                return Page(items: points, nextPageToken: PageToken.keyset([last.timestamp, last.step, last.valueBits]))
            }
            return Page(items: points)
        }
    }

    public func metricSeriesRevision(runID: String, key: String) async throws -> MetricSeriesRevision? {
        try Validation.validateRunID(runID)
        return try await read { db in
            let run = try Self.runRow(db, runID: runID)
            return try Row.fetchOne(
                db.cachedStatement(sql: "SELECT series_key, point_count FROM metric_series WHERE run_key = ? AND key = ?"),
                arguments: [run.runKey, key]
            ).map { MetricSeriesRevision(series: $0[0], points: $0[1]) }
        }
    }

    public func downsampledSeries(_ query: SeriesQuery) async throws -> [MetricPoint] {
        try Validation.validateRunID(query.runID)
        if query.maxPoints < 4 || query.maxPoints > 100_000 {
            throw TrackError.invalidParameter("Invalid value \(query.maxPoints) for parameter 'max_points' supplied: It must be between 4 and 100000.")
        }
        return try await read { db in
            let run = try Self.runRow(db, runID: query.runID)
            guard let seriesKey = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT series_key FROM metric_series WHERE run_key = ? AND key = ?"),
                arguments: [run.runKey, query.key]
            ) else {
                return []
            }
            let lower = query.minStep ?? Int64.min
            let upper = query.maxStep ?? Int64.max
            guard let range = try Row.fetchOne(
                db, sql: "SELECT min_step, max_step, point_count FROM metric_series WHERE series_key = ?", arguments: [seriesKey]
            ), (range[2] as Int64) > 0 else {
                return []
            }
            let first = Swift.max(lower, range[0] as Int64)
            let last = Swift.min(upper, range[1] as Int64)
            if first > last { return [] }
            var sampler = SeriesDownsampler(firstStep: first, lastStep: last, maxPoints: query.maxPoints)
            let reader = MetricChunkReader(db: db, seriesKey: seriesKey)
            var decoder = MetricChunkDecoder()
            for chunk in try reader.chunks() where chunk.minStep <= last && chunk.maxStep >= first {
                try reader.decode(chunk, into: &decoder)
                for point in decoder.points where point.step >= first && point.step <= last {
                    sampler.add(point)
                }
            }
            return sampler.finish()
        }
    }

    public func metricSummaries(runIDs: [String]) async throws -> [String: [MetricSummary]] {
        for id in runIDs { try Validation.validateRunID(id) }
        if runIDs.isEmpty { return [:] }
        return try await read { db in
            var result: [String: [MetricSummary]] = [:]
            for chunk in runIDs.chunked(900) {
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let cursor = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT r.run_id, s.key, s.last_step, s.last_timestamp, s.last_value_bits, s.min_value, s.max_value, s.point_count
                        FROM metric_series s JOIN runs r ON r.run_key = s.run_key
                        WHERE r.run_id IN (\(placeholders)) ORDER BY r.run_id, s.key
                        """,
                    arguments: StatementArguments(Array(chunk))
                )
                while let row = try cursor.next() {
                    let latest = MetricPoint(step: row[2], timestamp: row[3], value: Double(orderPreservingBits: row[4]))
                    let minValue: Double? = row[5]
                    let maxValue: Double? = row[6]
                    result[row[0], default: []].append(MetricSummary(
                        key: row[1], latest: latest, min: minValue ?? .nan, max: maxValue ?? .nan, count: row[7]
                    ))
                }
            }
            return result
        }
    }
}
