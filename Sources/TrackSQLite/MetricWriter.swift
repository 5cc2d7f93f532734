import GRDB
import TrackCore

/// Appends metric points and keeps each series' summary (latest, min, max, count) current.
enum MetricWriter {
    private struct SeriesState {
        var seriesKey: Int64
        var isNew: Bool
        var latest: MetricPoint?
        var min: Double?
        var max: Double?
        var count: Int64
    }

    static func insert(_ db: Database, runKey: Int64, metrics: [Metric]) throws {
        if metrics.isEmpty { return }
        let selectSeries = try db.cachedStatement(sql: """
            SELECT series_key, last_step, last_timestamp, last_value_bits, min_value, max_value, point_count
            FROM metric_series WHERE run_key = ? AND key = ?
            """)
        let insertSeries = try db.cachedStatement(sql: """
            INSERT INTO metric_series (run_key, key, last_step, last_timestamp, last_value_bits, last_value, min_value, max_value, point_count)
            VALUES (?, ?, 0, 0, 0, NULL, NULL, NULL, 0)
            """)
        let insertPoint = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO metric_points (series_key, timestamp, step, value_bits) VALUES (?, ?, ?, ?)
            """)
        let updateSeries = try db.cachedStatement(sql: """
            UPDATE metric_series SET last_step = ?, last_timestamp = ?, last_value_bits = ?, last_value = ?,
                min_value = ?, max_value = ?, point_count = ?
            WHERE series_key = ?
            """)

        var states: [String: SeriesState] = [:]
        var order: [String] = []
        for metric in metrics {
            var state: SeriesState
            if let existing = states[metric.key] {
                state = existing
            } else {
                if let row = try Row.fetchOne(selectSeries, arguments: [runKey, metric.key]) {
                    let count: Int64 = row[6]
                    state = SeriesState(
                        seriesKey: row[0], isNew: false,
                        latest: count > 0 ? MetricPoint(step: row[1], timestamp: row[2], value: Double(orderPreservingBits: row[3])) : nil,
                        min: row[4], max: row[5], count: count
                    )
                } else {
                    try insertSeries.execute(arguments: [runKey, metric.key])
                    state = SeriesState(seriesKey: db.lastInsertedRowID, isNew: true, latest: nil, min: nil, max: nil, count: 0)
                }
                order.append(metric.key)
            }
            let bits = metric.value.orderPreservingBits
            insertPoint.setUncheckedArguments([state.seriesKey, metric.timestamp, metric.step, bits])
            try insertPoint.execute()
            if db.changesCount > 0 {
                state.count += 1
                let point = MetricPoint(step: metric.step, timestamp: metric.timestamp, value: metric.value)
                if state.latest.map({ isLater(point, than: $0) }) ?? true {
                    state.latest = point
                }
                if !metric.value.isNaN {
                    state.min = Swift.min(state.min ?? metric.value, metric.value)
                    state.max = Swift.max(state.max ?? metric.value, metric.value)
                }
            }
            states[metric.key] = state
        }
        for key in order {
            guard let state = states[key], let latest = state.latest else { continue }
            try updateSeries.execute(arguments: [
                latest.step, latest.timestamp, latest.value.orderPreservingBits,
                latest.value.isNaN ? nil : latest.value, state.min, state.max, state.count, state.seriesKey,
            ])
        }
    }

    /// MLflow's latest-value rule: the largest `(step, timestamp, value)`.
    static func isLater(_ a: MetricPoint, than b: MetricPoint) -> Bool {
        if a.step != b.step { return a.step > b.step }
        if a.timestamp != b.timestamp { return a.timestamp > b.timestamp }
        return a.value.orderPreservingBits > b.value.orderPreservingBits
    }
}
