import GRDB
import TrackCore

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
            let statement: Statement
            if let after {
                statement = try db.cachedStatement(sql: """
                    SELECT timestamp, step, value_bits FROM metric_points
                    WHERE series_key = ? AND (timestamp, step, value_bits) > (?, ?, ?)
                    ORDER BY timestamp, step, value_bits LIMIT ?
                    """)
                statement.setUncheckedArguments([seriesKey, after[0], after[1], after[2], maxResults + 1])
            } else {
                statement = try db.cachedStatement(sql: """
                    SELECT timestamp, step, value_bits FROM metric_points
                    WHERE series_key = ? ORDER BY timestamp, step, value_bits LIMIT ?
                    """)
                statement.setUncheckedArguments([seriesKey, maxResults + 1])
            }
            var points: [MetricPoint] = []
            points.reserveCapacity(min(maxResults + 1, 65536))
            var lastBits: Int64 = 0
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                if points.count == maxResults {
                    let last = points[points.count - 1]
                    return Page(items: points, nextPageToken: PageToken.keyset([last.timestamp, last.step, lastBits]))
                }
                let bits: Int64 = row[2]
                lastBits = bits
                points.append(MetricPoint(step: row[1], timestamp: row[0], value: Double(orderPreservingBits: bits)))
            }
            return Page(items: points)
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
                db, sql: "SELECT MIN(step), MAX(step) FROM metric_points WHERE series_key = ? AND step BETWEEN ? AND ?",
                arguments: [seriesKey, lower, upper]
            ), let first: Int64 = range[0], let last: Int64 = range[1] else {
                return []
            }
            let statement = try db.cachedStatement(sql: """
                SELECT step, timestamp, value_bits FROM metric_points
                WHERE series_key = ? AND step BETWEEN ? AND ? ORDER BY step, timestamp
                """)
            statement.setUncheckedArguments([seriesKey, first, last])
            var sampler = SeriesDownsampler(firstStep: first, lastStep: last, maxPoints: query.maxPoints)
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                sampler.add(MetricPoint(step: row[0], timestamp: row[1], value: Double(orderPreservingBits: row[2])))
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
