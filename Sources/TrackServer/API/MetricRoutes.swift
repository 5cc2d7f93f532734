import Hummingbird
import TrackAPI
import TrackCore

/// `metrics/get-history` and the downsampled views.
struct MetricRoutes<Store: TrackingStore> {
    let store: Store
    let readAhead: HistoryReadAhead<Store>

    init(store: Store) {
        self.store = store
        readAhead = HistoryReadAhead(store: store)
    }

    func register(on api: inout APIRouter) {
        api.on(.get, "metrics/get-history") { parameters, _, _ in
            let runID = try parameters.runID()
            let key = try parameters.requiredString("metric_key")
            let maxResults = try parameters.int("max_results") ?? 25000
            return try await readAhead.answer(.init(runID: runID, key: key, maxResults: maxResults, pageToken: try parameters.string("page_token")))
        }
        // What MLflow's own UI asks for charts: a sampled history of one or more runs.
        api.on(.get, "metrics/get-history-bulk-interval") { parameters, _, _ in
            let runIDs = try parameters.strings("run_ids")
            if runIDs.isEmpty { throw TrackError.missingParameter("run_ids") }
            if runIDs.count > 100 {
                throw TrackError.invalidParameter("Invalid value \(runIDs.count) for parameter 'run_ids' supplied: at most 100 runs.")
            }
            let key = try parameters.requiredString("metric_key")
            let maxResults = min(try parameters.int("max_results") ?? 320, 2500)
            var all: [(String, [MetricPoint])] = []
            for runID in runIDs {
                let points = try await store.downsampledSeries(SeriesQuery(
                    runID: runID, key: key, minStep: try parameters.int64("start_step"), maxStep: try parameters.int64("end_step"),
                    maxPoints: max(4, maxResults)
                ))
                all.append((runID, points))
            }
            return JSONResponse.make(capacity: 4096) { writer in
                writer.beginObject()
                writer.key("metrics"); writer.beginArray()
                for (runID, points) in all {
                    MetricPointEncoder(key: key, trailing: [("run_id", runID)]).append(points, to: &writer)
                }
                writer.endArray()
                writer.endObject()
            }
        }
    }
}
