import Hummingbird
import TrackAPI
import TrackCore

/// Endpoints of our own, under `/api/2.0/track/`: downsampled series and metric summaries for
/// charts and tables that must stay fast at millions of points.
struct InsightRoutes<Store: TrackingStore> {
    let store: Store

    func register(on api: inout APIRouter) {
        // Columnar points of one series, at most `max_points`, keeping every bucket's first,
        // last, lowest and highest point.
        api.on(.get, "metrics/series") { parameters, _, _ in
            let runID = try parameters.runID()
            let key = try parameters.requiredString("key")
            let points = try await store.downsampledSeries(SeriesQuery(
                runID: runID, key: key,
                minStep: try parameters.int64("min_step"), maxStep: try parameters.int64("max_step"),
                maxPoints: try parameters.int("max_points") ?? 1000
            ))
            return JSONResponse.make(capacity: 128 + points.count * 48) { writer in
                writer.beginObject()
                writer.key("run_id"); writer.string(runID)
                writer.key("key"); writer.string(key)
                writer.key("steps"); writer.beginArray()
                for point in points { writer.int(point.step) }
                writer.endArray()
                writer.key("timestamps"); writer.beginArray()
                for point in points { writer.int(point.timestamp) }
                writer.endArray()
                writer.key("values"); writer.beginArray()
                for point in points { writer.double(point.value) }
                writer.endArray()
                writer.endObject()
            }
        }
        // Run counts and last activity of experiments, for listings.
        api.on(.get, "experiments/summaries") { parameters, _, _ in
            let ids = try parameters.strings("experiment_id")
            if ids.count > 1000 {
                throw TrackError.invalidParameter("Invalid value \(ids.count) for parameter 'experiment_id' supplied: at most 1000 experiments.")
            }
            let summaries = try await store.experimentSummaries(ids: ids)
            return JSONResponse.make(capacity: 64 + summaries.count * 96) { writer in
                writer.beginObject()
                writer.key("summaries"); writer.beginArray()
                for summary in summaries {
                    writer.beginObject()
                    writer.key("experiment_id"); writer.string(summary.experimentID)
                    writer.key("run_count"); writer.int(summary.runCount)
                    writer.key("running_count"); writer.int(summary.runningCount)
                    if let last = summary.lastActivity { writer.key("last_activity"); writer.int(last) }
                    writer.endObject()
                }
                writer.endArray()
                writer.endObject()
            }
        }
        // Latest, min, max and count of every metric of the given runs, kept at write time.
        api.on(.get, "runs/summaries") { parameters, _, _ in
            let runIDs = try parameters.strings("run_id")
            if runIDs.count > 1000 {
                throw TrackError.invalidParameter("Invalid value \(runIDs.count) for parameter 'run_id' supplied: at most 1000 runs.")
            }
            let summaries = try await store.metricSummaries(runIDs: runIDs)
            return JSONResponse.make(capacity: 4096) { writer in
                writer.beginObject()
                writer.key("summaries"); writer.beginArray()
                for runID in runIDs {
                    for summary in summaries[runID] ?? [] {
                        writer.beginObject()
                        writer.key("run_id"); writer.string(runID)
                        writer.key("key"); writer.string(summary.key)
                        writer.key("last"); writer.double(summary.latest.value)
                        writer.key("last_step"); writer.int(summary.latest.step)
                        writer.key("last_timestamp"); writer.int(summary.latest.timestamp)
                        writer.key("min"); writer.double(summary.min)
                        writer.key("max"); writer.double(summary.max)
                        writer.key("count"); writer.int(summary.count)
                        writer.endObject()
                    }
                }
                writer.endArray()
                writer.endObject()
            }
        }
    }
}
