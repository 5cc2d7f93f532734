import Hummingbird
import TrackAPI
import TrackCore

/// `runs/*`: lifecycle, logging and search.
struct RunRoutes<Store: TrackingStore> {
    let store: Store

    func register(on api: inout APIRouter) {
        api.on(.post, "runs/create") { parameters, _, _ in
            let creation = RunCreation(
                experimentID: try parameters.requiredString("experiment_id"),
                userID: try parameters.string("user_id") ?? "",
                runName: try parameters.string("run_name"),
                startTime: try parameters.int64("start_time") ?? 0,
                tags: try WireDecoding.keyValues(parameters.objects("tags"), field: "tags")
            )
            let run = try await store.createRun(creation)
            return JSONResponse.make(capacity: 1024) { $0.beginObject(); $0.key("run"); $0.run(run, includeOutputs: false); $0.endObject() }
        }
        api.on(.get, "runs/get") { parameters, _, _ in
            let run = try await store.run(id: try parameters.runID())
            return JSONResponse.make(capacity: 2048) { $0.beginObject(); $0.key("run"); $0.run(run); $0.endObject() }
        }
        api.on(.post, "runs/update") { parameters, _, _ in
            var update = RunUpdate()
            if let status = try parameters.string("status") {
                // MLflow ignores an unknown status rather than failing the call.
                update.status = RunStatus(wireValue: status)
            }
            update.endTime = try parameters.int64("end_time")
            update.runName = try parameters.string("run_name")
            let info = try await store.updateRun(id: try parameters.runID(), update)
            return JSONResponse.make { $0.beginObject(); $0.key("run_info"); $0.runInfo(info); $0.endObject() }
        }
        api.on(.post, "runs/delete") { parameters, _, _ in
            try await store.deleteRun(id: try parameters.runID())
            return JSONResponse.empty
        }
        api.on(.post, "runs/restore") { parameters, _, _ in
            try await store.restoreRun(id: try parameters.runID())
            return JSONResponse.empty
        }
        api.on(.post, "runs/log-metric") { parameters, _, _ in
            let runID = try parameters.runID()
            let key = try parameters.requiredString("key")
            guard let value = try parameters.double("value") else { throw TrackError.missingParameter("value") }
            guard let timestamp = try parameters.int64("timestamp") else { throw TrackError.missingParameter("timestamp") }
            let metric = Metric(key: key, value: value, timestamp: timestamp, step: try parameters.int64("step") ?? 0)
            try Validation.validateMetric(metric)
            let modelMetrics = try WireDecoding.modelMetric(parameters, metric: metric).map { [$0] } ?? []
            try await store.logBatch(runID: runID, metrics: [metric], params: [], tags: [], modelMetrics: modelMetrics)
            return JSONResponse.empty
        }
        api.on(.post, "runs/log-parameter") { parameters, _, _ in
            let runID = try parameters.runID()
            let param = Param(key: try parameters.requiredString("key"), value: try parameters.requiredStringAllowingEmpty("value"))
            _ = try Validation.validatedParam(param)
            try await store.logBatch(runID: runID, metrics: [], params: [param], tags: [])
            return JSONResponse.empty
        }
        api.on(.post, "runs/set-tag") { parameters, _, _ in
            let runID = try parameters.runID()
            let tag = Tag(key: try parameters.requiredString("key"), value: try parameters.requiredStringAllowingEmpty("value"))
            _ = try Validation.validatedTag(tag)
            try await store.logBatch(runID: runID, metrics: [], params: [], tags: [tag])
            return JSONResponse.empty
        }
        api.on(.post, "runs/delete-tag") { parameters, _, _ in
            try await store.deleteRunTag(runID: try parameters.runID(), key: try parameters.requiredString("key"))
            return JSONResponse.empty
        }
        api.onJSONBody("runs/log-batch") { body, _, _ in
            // The usual metrics-only body is read straight into metrics; any other takes the
            // general reading, which gives the same metrics or the error.
            if let batch = body.withUnsafeReadableBytes({ MetricBatchReader.read($0) }) {
                try Validation.validateBatch(metrics: batch.metrics.count, params: [], tags: 0)
                try await store.logBatch(runID: batch.runID, metrics: batch.metrics, params: [], tags: [])
                return JSONResponse.empty
            }
            let parameters = APIRouter.parameters(ofJSONBody: body)
            let runID = try parameters.runID()
            let metricObjects = try parameters.objects("metrics")
            let paramObjects = try parameters.objects("params")
            let tagObjects = try parameters.objects("tags")
            // Sizes first, so an oversized batch is refused before it is decoded.
            try Validation.validateBatch(metrics: metricObjects.count, params: [], tags: tagObjects.count)
            let params = try WireDecoding.keyValues(paramObjects, field: "params")
            let metrics = try WireDecoding.metrics(metricObjects)
            try await store.logBatch(
                runID: runID,
                metrics: metrics,
                params: params,
                tags: try WireDecoding.keyValues(tagObjects, field: "tags"),
                modelMetrics: try WireDecoding.modelMetrics(metricObjects, metrics: metrics)
            )
            return JSONResponse.empty
        }
        api.on(.post, "runs/log-inputs") { parameters, _, _ in
            let runID = try parameters.runID()
            var datasets: [DatasetInput] = []
            for (index, object) in try parameters.objects("datasets").enumerated() {
                datasets.append(try WireDecoding.datasetInput(object, index: index))
            }
            let models = try WireDecoding.modelReferences(parameters.objects("models"))
            try await store.logInputs(runID: runID, datasets: datasets, models: models)
            return JSONResponse.empty
        }
        api.on(.post, "runs/log-model") { parameters, _, _ in
            let runID = try parameters.runID()
            guard let modelJSON = try parameters.string("model_json") else { throw TrackError.missingParameter("model_json") }
            try await store.recordLoggedModel(runID: runID, entry: try LoggedModelHistoryEntry.make(modelJSON: modelJSON))
            return JSONResponse.empty
        }
        api.on(.post, "runs/outputs") { parameters, _, _ in
            try await store.logOutputs(runID: try parameters.runID(), models: try WireDecoding.modelReferences(parameters.objects("models")))
            return JSONResponse.empty
        }
        api.on(.post, "runs/search") { parameters, _, _ in
            var query = RunQuery(experimentIDs: try parameters.strings("experiment_ids"))
            query.maxResults = try parameters.int("max_results") ?? 1000
            if query.maxResults > Validation.maxRunsSearchResults || query.maxResults < 1 {
                throw TrackError.invalidParameter(
                    "Invalid value \(query.maxResults) for parameter 'max_results' supplied:  Hint: Value was of type 'int'. See the API docs for more information about request parameters."
                )
            }
            query.pageToken = try parameters.string("page_token")
            query.viewType = try ViewTypeParameter.read(parameters, name: "run_view_type")
            query.filter = try RunFilterParser.parse(try parameters.string("filter") ?? "")
            query.orderBy = try parameters.strings("order_by").map { term throws(TrackError) in try RunFilterParser.parseOrderBy(term) }
            let page = try await store.searchRuns(query)
            return JSONResponse.make(capacity: 1024 * max(1, page.items.count)) { writer in
                writer.beginObject()
                if !page.items.isEmpty {
                    writer.key("runs"); writer.beginArray()
                    for run in page.items { writer.run(run) }
                    writer.endArray()
                }
                if let token = page.nextPageToken { writer.key("next_page_token"); writer.string(token) }
                writer.endObject()
            }
        }
    }
}
