import Hummingbird
import TrackAPI
import TrackCore

/// `registered-models/*` and `model-versions/*`: MLflow's model registry, what
/// `mlflow.register_model`, `log_model(registered_model_name=…)`, aliases and
/// `models:/<name>@<alias>` URIs use.
struct RegistryRoutes<Store: ModelRegistryStore> {
    let store: Store

    func register(on api: inout APIRouter) {
        registerModels(on: &api)
        registerVersions(on: &api)
    }

    private func registerModels(on api: inout APIRouter) {
        api.on(.post, "registered-models/create") { parameters, _, _ in
            let model = try await store.createRegisteredModel(
                name: try parameters.requiredString("name"), description: try parameters.string("description"),
                tags: try WireDecoding.keyValues(parameters.objects("tags"), field: "tags")
            )
            return Self.modelResponse(model)
        }
        api.on(.get, "registered-models/get") { parameters, _, _ in
            Self.modelResponse(try await store.registeredModel(name: try parameters.requiredString("name")))
        }
        api.on(.post, "registered-models/rename") { parameters, _, _ in
            Self.modelResponse(try await store.renameRegisteredModel(
                name: try parameters.requiredString("name"), newName: try parameters.requiredString("new_name")
            ))
        }
        api.on(.patch, "registered-models/update") { parameters, _, _ in
            Self.modelResponse(try await store.updateRegisteredModel(
                name: try parameters.requiredString("name"), description: try parameters.string("description") ?? ""
            ))
        }
        api.on(.delete, "registered-models/delete") { parameters, _, _ in
            try await store.deleteRegisteredModel(name: try parameters.requiredString("name"))
            return JSONResponse.empty
        }
        api.on(.post, "registered-models/set-tag") { parameters, _, _ in
            let tag = Tag(key: try parameters.requiredString("key"), value: try parameters.requiredStringAllowingEmpty("value"))
            try await store.setRegisteredModelTag(name: try parameters.requiredString("name"), tag: tag)
            return JSONResponse.empty
        }
        api.on(.delete, "registered-models/delete-tag") { parameters, _, _ in
            try await store.deleteRegisteredModelTag(name: try parameters.requiredString("name"), key: try parameters.requiredString("key"))
            return JSONResponse.empty
        }
        let latest: APIRouter.Handler = { parameters, _, _ in
            let stages = try parameters.strings("stages").map { stage throws(TrackError) in try Validation.modelStage(stage) }
            let versions = try await store.latestVersions(name: try parameters.requiredString("name"), stages: stages)
            return Self.versionsResponse(versions, nextPageToken: nil)
        }
        api.on(.post, "registered-models/get-latest-versions", latest)
        api.on(.get, "registered-models/get-latest-versions", latest)
        api.on(.get, "registered-models/search") { parameters, _, _ in
            let query = try Self.query(parameters, target: .registeredModels, defaultMax: 100, limit: Validation.maxRegisteredModelsSearchResults)
            let page = try await store.searchRegisteredModels(query)
            return JSONResponse.make(capacity: 1024 * max(1, page.items.count)) { writer in
                writer.beginObject()
                if !page.items.isEmpty {
                    writer.key("registered_models"); writer.beginArray()
                    for model in page.items { writer.registeredModel(model) }
                    writer.endArray()
                }
                if let token = page.nextPageToken { writer.key("next_page_token"); writer.string(token) }
                writer.endObject()
            }
        }
        api.on(.post, "registered-models/alias") { parameters, _, _ in
            try await store.setModelAlias(
                name: try parameters.requiredString("name"), alias: try parameters.requiredString("alias"),
                version: try Validation.modelVersionNumber(try parameters.requiredString("version"))
            )
            return JSONResponse.empty
        }
        api.on(.get, "registered-models/alias") { parameters, _, _ in
            Self.versionResponse(try await store.modelVersion(name: try parameters.requiredString("name"), alias: try parameters.requiredString("alias")))
        }
        api.on(.delete, "registered-models/alias") { parameters, _, _ in
            try await store.deleteModelAlias(name: try parameters.requiredString("name"), alias: try parameters.requiredString("alias"))
            return JSONResponse.empty
        }
    }

    private func registerVersions(on api: inout APIRouter) {
        api.on(.post, "model-versions/create") { parameters, _, _ in
            let creation = ModelVersionCreation(
                name: try parameters.requiredString("name"), source: try parameters.requiredString("source"),
                runID: try parameters.string("run_id").flatMap { $0.isEmpty ? nil : $0 },
                modelID: try parameters.string("model_id").flatMap { $0.isEmpty ? nil : $0 },
                description: try parameters.string("description"),
                tags: try WireDecoding.keyValues(parameters.objects("tags"), field: "tags")
            )
            return Self.versionResponse(try await store.createModelVersion(creation))
        }
        api.on(.get, "model-versions/get") { parameters, _, _ in
            let (name, version) = try Self.nameAndVersion(parameters)
            return Self.versionResponse(try await store.modelVersion(name: name, version: version))
        }
        api.on(.patch, "model-versions/update") { parameters, _, _ in
            let (name, version) = try Self.nameAndVersion(parameters)
            return Self.versionResponse(try await store.updateModelVersion(name: name, version: version, description: try parameters.string("description") ?? ""))
        }
        api.on(.delete, "model-versions/delete") { parameters, _, _ in
            let (name, version) = try Self.nameAndVersion(parameters)
            try await store.deleteModelVersion(name: name, version: version)
            return JSONResponse.empty
        }
        api.on(.get, "model-versions/search") { parameters, _, _ in
            let query = try Self.query(parameters, target: .modelVersions, defaultMax: 10000, limit: Validation.maxModelVersionsSearchResults)
            let page = try await store.searchModelVersions(query)
            return Self.versionsResponse(page.items, nextPageToken: page.nextPageToken)
        }
        api.on(.post, "model-versions/set-tag") { parameters, _, _ in
            let (name, version) = try Self.nameAndVersion(parameters)
            let tag = Tag(key: try parameters.requiredString("key"), value: try parameters.requiredStringAllowingEmpty("value"))
            try await store.setModelVersionTag(name: name, version: version, tag: tag)
            return JSONResponse.empty
        }
        api.on(.delete, "model-versions/delete-tag") { parameters, _, _ in
            let (name, version) = try Self.nameAndVersion(parameters)
            try await store.deleteModelVersionTag(name: name, version: version, key: try parameters.requiredString("key"))
            return JSONResponse.empty
        }
        api.on(.post, "model-versions/transition-stage") { parameters, _, _ in
            let (name, version) = try Self.nameAndVersion(parameters)
            let stage = try Validation.modelStage(try parameters.requiredString("stage"))
            let moved = try await store.transitionModelVersionStage(
                name: name, version: version, stage: stage, archiveExisting: try parameters.bool("archive_existing_versions") ?? false
            )
            return Self.versionResponse(moved)
        }
        api.on(.get, "model-versions/get-download-uri") { parameters, _, _ in
            let (name, version) = try Self.nameAndVersion(parameters)
            let found = try await store.modelVersion(name: name, version: version)
            return JSONResponse.make { $0.beginObject(); $0.key("artifact_uri"); $0.string(found.source); $0.endObject() }
        }
    }

    // MARK: - Reading and answering

    static func nameAndVersion(_ parameters: RequestParameters) throws(TrackError) -> (String, Int64) {
        (try parameters.requiredString("name"), try Validation.modelVersionNumber(try parameters.requiredString("version")))
    }

    static func query(_ parameters: RequestParameters, target: RegistryFilterParser.Target, defaultMax: Int, limit: Int) throws(TrackError) -> RegistryQuery {
        let maxResults = try parameters.int("max_results") ?? defaultMax
        try Validation.validateMaxResults(maxResults, limit: limit)
        return RegistryQuery(
            filter: try RegistryFilterParser.parse(try parameters.string("filter") ?? "", for: target),
            orderBy: try parameters.strings("order_by").map { term throws(TrackError) in try RegistryFilterParser.parseOrderBy(term, for: target) },
            maxResults: maxResults, pageToken: try parameters.string("page_token")
        )
    }

    static func modelResponse(_ model: RegisteredModel) -> Response {
        JSONResponse.make(capacity: 1024) { $0.beginObject(); $0.key("registered_model"); $0.registeredModel(model); $0.endObject() }
    }

    static func versionResponse(_ version: ModelVersion) -> Response {
        JSONResponse.make(capacity: 1024) { $0.beginObject(); $0.key("model_version"); $0.modelVersion(version, includeAliases: true); $0.endObject() }
    }

    static func versionsResponse(_ versions: [ModelVersion], nextPageToken: String?) -> Response {
        JSONResponse.make(capacity: 512 * max(1, versions.count)) { writer in
            writer.beginObject()
            if !versions.isEmpty {
                writer.key("model_versions"); writer.beginArray()
                for version in versions { writer.modelVersion(version) }
                writer.endArray()
            }
            if let nextPageToken { writer.key("next_page_token"); writer.string(nextPageToken) }
            writer.endObject()
        }
    }
}
