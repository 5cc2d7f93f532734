import Foundation
import Hummingbird
import TrackAPI
import TrackCore

/// `logged-models/*`: MLflow 3's logged models, what `mlflow.<flavor>.log_model` creates,
/// finalizes, tags and searches. Their files go through the proxied artifact API.
struct LoggedModelRoutes<Store: TrackingStore> {
    let store: Store

    func register(on api: inout APIRouter) {
        api.on(.post, "logged-models") { parameters, _, _ in
            let creation = LoggedModelCreation(
                experimentID: try parameters.requiredString("experiment_id"),
                name: try parameters.string("name"),
                modelType: try parameters.string("model_type").flatMap { $0.isEmpty ? nil : $0 },
                sourceRunID: try parameters.string("source_run_id").flatMap { $0.isEmpty ? nil : $0 },
                params: try WireDecoding.keyValues(parameters.objects("params"), field: "params"),
                tags: try WireDecoding.keyValues(parameters.objects("tags"), field: "tags")
            )
            return Self.modelResponse(try await store.createLoggedModel(creation))
        }
        api.on(.get, "logged-models/:model_id") { _, _, context in
            Self.modelResponse(try await store.loggedModel(id: try Self.pathParameter("model_id", context)))
        }
        api.on(.patch, "logged-models/:model_id") { parameters, _, context in
            guard let status = try parameters.string("status") else { throw TrackError.missingParameter("status") }
            let model = try await store.finalizeLoggedModel(id: try Self.pathParameter("model_id", context), status: try Validation.finalStatus(status))
            return Self.modelResponse(model)
        }
        api.on(.delete, "logged-models/:model_id") { _, _, context in
            try await store.deleteLoggedModel(id: try Self.pathParameter("model_id", context))
            return JSONResponse.empty
        }
        api.on(.patch, "logged-models/:model_id/tags") { parameters, _, context in
            let tags = try WireDecoding.keyValues(parameters.objects("tags"), field: "tags")
            try await store.setLoggedModelTags(id: try Self.pathParameter("model_id", context), tags: tags)
            return JSONResponse.empty
        }
        api.on(.delete, "logged-models/:model_id/tags/:tag_key") { _, _, context in
            try await store.deleteLoggedModelTag(id: try Self.pathParameter("model_id", context), key: try Self.pathParameter("tag_key", context))
            return JSONResponse.empty
        }
        api.on(.post, "logged-models/:model_id/params") { parameters, _, context in
            let params = try WireDecoding.keyValues(parameters.objects("params"), field: "params")
            try await store.logLoggedModelParams(id: try Self.pathParameter("model_id", context), params: params)
            return JSONResponse.empty
        }
        api.on(.post, "logged-models/search") { parameters, _, _ in
            var query = LoggedModelQuery(experimentIDs: try parameters.strings("experiment_ids"))
            query.filter = try LoggedModelFilterParser.parse(try parameters.string("filter") ?? "")
            for object in try parameters.objects("datasets") {
                let dataset = RequestParameters(object: object)
                guard let name = try dataset.string("dataset_name"), !name.isEmpty else {
                    throw TrackError.invalidParameter("`dataset_name` in the `datasets` clause must be specified.")
                }
                query.datasets.append(LoggedModelDatasetFilter(name: name, digest: try dataset.string("dataset_digest")))
            }
            for object in try parameters.objects("order_by") {
                let order = RequestParameters(object: object)
                query.orderBy.append(try LoggedModelFilterParser.parseOrderBy(
                    fieldName: try order.requiredString("field_name"), ascending: try order.bool("ascending") ?? true,
                    datasetName: try order.string("dataset_name"), datasetDigest: try order.string("dataset_digest")
                ))
            }
            query.maxResults = try parameters.int("max_results") ?? LoggedModelQuery.defaultMaxResults
            try Validation.validateMaxResults(query.maxResults, limit: Validation.maxRunsSearchResults)
            query.pageToken = try parameters.string("page_token")
            let page = try await store.searchLoggedModels(query)
            return JSONResponse.make(capacity: 1024 * max(1, page.items.count)) { writer in
                writer.beginObject()
                if !page.items.isEmpty {
                    writer.key("models"); writer.beginArray()
                    for model in page.items { writer.loggedModel(model) }
                    writer.endArray()
                }
                if let token = page.nextPageToken { writer.key("next_page_token"); writer.string(token) }
                writer.endObject()
            }
        }
    }

    static func modelResponse(_ model: LoggedModel) -> Response {
        JSONResponse.make(capacity: 1024) { $0.beginObject(); $0.key("model"); $0.loggedModel(model); $0.endObject() }
    }

    /// A path segment, percent-decoded.
    static func pathParameter(_ name: String, _ context: TrackRequestContext) throws(TrackError) -> String {
        guard let raw = context.parameters.get(name) else { throw TrackError.missingParameter(name) }
        return raw.removingPercentEncoding ?? raw
    }
}
