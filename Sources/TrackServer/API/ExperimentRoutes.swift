import Hummingbird
import TrackAPI
import TrackCore

/// `experiments/*`.
struct ExperimentRoutes<Store: TrackingStore> {
    let store: Store

    func register(on api: inout APIRouter) {
        api.on(.post, "experiments/create") { parameters, _, _ in
            let name = try parameters.requiredString("name")
            let tags = try WireDecoding.keyValues(parameters.objects("tags"), field: "tags")
            let id = try await store.createExperiment(name: name, artifactLocation: try parameters.string("artifact_location"), tags: tags)
            return JSONResponse.make { $0.beginObject(); $0.key("experiment_id"); $0.string(id); $0.endObject() }
        }
        api.on(.get, "experiments/get") { parameters, _, _ in
            let experiment = try await store.experiment(id: try parameters.requiredString("experiment_id"))
            return JSONResponse.make { $0.beginObject(); $0.key("experiment"); $0.experiment(experiment); $0.endObject() }
        }
        api.on(.get, "experiments/get-by-name") { parameters, _, _ in
            let name = try parameters.requiredString("experiment_name")
            guard let experiment = try await store.experiment(named: name) else {
                throw TrackError.notFound("Could not find experiment with name '\(name)'")
            }
            return JSONResponse.make { $0.beginObject(); $0.key("experiment"); $0.experiment(experiment); $0.endObject() }
        }
        let search: APIRouter.Handler = { parameters, _, _ in
            var query = ExperimentQuery()
            query.maxResults = try parameters.int("max_results") ?? 1000
            query.pageToken = try parameters.string("page_token")
            query.viewType = try ViewTypeParameter.read(parameters, name: "view_type")
            query.filter = try ExperimentFilterParser.parse(try parameters.string("filter") ?? "")
            query.orderBy = try parameters.strings("order_by").map { term throws(TrackError) in try ExperimentFilterParser.parseOrderBy(term) }
            let page = try await store.searchExperiments(query)
            return JSONResponse.make(capacity: 256 * max(1, page.items.count)) { writer in
                writer.beginObject()
                if !page.items.isEmpty {
                    writer.key("experiments"); writer.beginArray()
                    for experiment in page.items { writer.experiment(experiment) }
                    writer.endArray()
                }
                if let token = page.nextPageToken { writer.key("next_page_token"); writer.string(token) }
                writer.endObject()
            }
        }
        api.on(.post, "experiments/search", search)
        api.on(.get, "experiments/search", search)
        api.on(.post, "experiments/update") { parameters, _, _ in
            let id = try parameters.requiredString("experiment_id")
            if let newName = try parameters.string("new_name") {
                try await store.renameExperiment(id: id, newName: newName)
            } else {
                _ = try await store.experiment(id: id)
            }
            return JSONResponse.empty
        }
        api.on(.post, "experiments/delete") { parameters, _, _ in
            try await store.deleteExperiment(id: try parameters.requiredString("experiment_id"))
            return JSONResponse.empty
        }
        api.on(.post, "experiments/restore") { parameters, _, _ in
            try await store.restoreExperiment(id: try parameters.requiredString("experiment_id"))
            return JSONResponse.empty
        }
        api.on(.post, "experiments/set-experiment-tag") { parameters, _, _ in
            try await store.setExperimentTag(
                id: try parameters.requiredString("experiment_id"),
                key: try parameters.requiredString("key"),
                value: try parameters.requiredStringAllowingEmpty("value")
            )
            return JSONResponse.empty
        }
        api.on(.post, "experiments/delete-experiment-tag") { parameters, _, _ in
            try await store.deleteExperimentTag(id: try parameters.requiredString("experiment_id"), key: try parameters.requiredString("key"))
            return JSONResponse.empty
        }
    }
}

/// `view_type` / `run_view_type`, by name or number.
enum ViewTypeParameter {
    static func read(_ parameters: RequestParameters, name: String) throws(TrackError) -> ViewType {
        guard let text = try parameters.string(name), !text.isEmpty else { return .activeOnly }
        guard let viewType = ViewType(wireValue: text) else {
            throw TrackError.invalidValue("'\(text)'", parameter: name)
        }
        return viewType
    }
}
