import TrackAPI
import TrackCore

/// `track compare --json`: the same content as the text, for scripts. The shape is stable:
///
/// ```json
/// {
///   "runs": [{"run_id": "…", "run_name": "…", "experiment_id": "1", "experiment_name": "…",
///             "status": "FINISHED", "lifecycle_stage": "active", "start_time": 1700000000000,
///             "end_time": 1700000100000, "duration_ms": 100000}],
///   "params": [{"key": "lr", "differs": true, "values": ["0.01", "0.1", null]}],
///   "metrics": [{"key": "loss", "goal": "lower", "best_run_ids": ["…"],
///                "values": [{"last": 0.1, "last_step": 99, "min": 0.09, "max": 2.3,
///                            "count": 100, "best_step": 97}, null]}],
///   "tags": [{"key": "mlflow.user", "system": true, "differs": false, "values": ["ana", "ana"]}],
///   "series": [{"key": "loss", "runs": [{"run_id": "…", "steps": [0, 1], "values": [2.3, 1.9]}]}]
/// }
/// ```
///
/// Every array indexed by run (`values`) follows the order of `runs`; `null` means the run has
/// no such param, tag or metric. Every param and tag is listed (with `differs`), whatever
/// `--all` says. Non-finite numbers are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
/// `best_run_ids` is empty when fewer than two runs have the metric or all of them tie;
/// `best_step` is null when unknown. `series` holds the `--metric` series (empty without it).
public enum ComparisonJSON {
    public static func encode(_ comparison: Comparison) -> [UInt8] {
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        w.key("runs"); w.beginArray()
        for info in comparison.runs {
            w.beginObject()
            w.key("run_id"); w.string(info.runID)
            w.key("run_name"); w.string(info.runName)
            w.key("experiment_id"); w.string(info.experimentID)
            w.key("experiment_name")
            if let name = comparison.experimentNames[info.experimentID] { w.string(name) } else { w.null() }
            w.key("status"); w.string(info.status.rawValue)
            w.key("lifecycle_stage"); w.string(info.lifecycleStage.rawValue)
            w.key("start_time"); w.int(info.startTime)
            w.key("end_time")
            if let end = info.endTime { w.int(end) } else { w.null() }
            w.key("duration_ms")
            if let end = info.endTime { w.int(end - info.startTime) } else { w.null() }
            w.endObject()
        }
        w.endArray()
        w.key("params"); values(comparison.params, system: false, into: &w)
        w.key("metrics"); w.beginArray()
        for metric in comparison.metrics {
            w.beginObject()
            w.key("key"); w.string(metric.key)
            w.key("goal"); w.string(metric.goal.rawValue)
            w.key("best_run_ids"); w.beginArray()
            for index in metric.winners { w.string(comparison.runs[index].runID) }
            w.endArray()
            w.key("values"); w.beginArray()
            for stats in metric.stats {
                guard let stats else { w.null(); continue }
                w.beginObject()
                w.key("last"); w.double(stats.last)
                w.key("last_step"); w.int(stats.lastStep)
                w.key("min"); w.double(stats.min)
                w.key("max"); w.double(stats.max)
                w.key("count"); w.int(stats.count)
                w.key("best_step")
                if let step = stats.bestStep { w.int(step) } else { w.null() }
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("tags"); values(comparison.tags, system: true, into: &w)
        w.key("series"); w.beginArray()
        for chart in comparison.charts {
            w.beginObject()
            w.key("key"); w.string(chart.key)
            w.key("runs"); w.beginArray()
            for series in chart.series {
                guard let series else { continue }
                w.beginObject()
                w.key("run_id"); w.string(series.runID)
                w.key("steps"); w.beginArray()
                for step in series.steps { w.int(step) }
                w.endArray()
                w.key("values"); w.beginArray()
                for value in series.values { w.double(value) }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    static func values(_ items: [ComparedValue], system: Bool, into w: inout JSONWriter) {
        w.beginArray()
        for item in items {
            w.beginObject()
            w.key("key"); w.string(item.key)
            if system { w.key("system"); w.bool(item.isSystem) }
            w.key("differs"); w.bool(item.differs)
            w.key("values"); w.beginArray()
            for value in item.values {
                if let value { w.string(value) } else { w.null() }
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
    }
}
