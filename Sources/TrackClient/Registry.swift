import TrackAPI
import TrackCore

/// The model registry's calls the CLI makes, and reading their answers.
extension APIClient {
    /// Every registered model (all pages), by name.
    public func registeredModels() async throws -> [RegisteredModel] {
        var result: [RegisteredModel] = []
        var token: String?
        repeat {
            var query = [("max_results", "1000")]
            if let token { query.append(("page_token", token)) }
            let answer = try await get("registered-models/search", query)
            result += (answer["registered_models"]?.arrayValue ?? []).map(Decoding.registeredModel)
            token = answer["next_page_token"]?.stringValue
        } while token != nil && token != ""
        return result
    }

    /// The registered model with this name. - Throws: ``ClientError/modelNotFound(_:)``.
    public func registeredModel(name: String) async throws -> RegisteredModel {
        do {
            return Decoding.registeredModel(try await get("registered-models/get", [("name", name)])["registered_model"] ?? .null)
        } catch ClientError.server(let status, _, _) where status == 404 {
            throw ClientError.modelNotFound(name)
        }
    }

    /// Every version of a registered model, newest first, with the aliases that name them.
    public func modelVersions(name: String, aliases: [ModelAlias]) async throws -> [ModelVersion] {
        // A filter string quotes with ' or "; a name holding one is quoted with the other.
        let quoted = name.contains("'") ? "\"\(name)\"" : "'\(name)'"
        let answer = try await get("model-versions/search", [("filter", "name = \(quoted)"), ("max_results", "10000")])
        let versions = (answer["model_versions"]?.arrayValue ?? []).map(Decoding.modelVersion).filter { $0.name == name }
        return versions.sorted { $0.version > $1.version }.map { version in
            var version = version
            version.aliases = aliases.filter { $0.version == version.version }.map(\.alias).sorted()
            return version
        }
    }
}

extension Decoding {
    public static func registeredModel(_ json: JSONValue) -> RegisteredModel {
        RegisteredModel(
            name: string(json["name"]),
            creationTime: int64(json["creation_timestamp"]) ?? 0,
            lastUpdateTime: int64(json["last_updated_timestamp"]) ?? 0,
            description: json["description"].map { string($0) },
            latestVersions: (json["latest_versions"]?.arrayValue ?? []).map(modelVersion),
            tags: keyValues(json["tags"]),
            aliases: (json["aliases"]?.arrayValue ?? []).map { ModelAlias(alias: string($0["alias"]), version: int64($0["version"]) ?? 0) }
        )
    }

    public static func modelVersion(_ json: JSONValue) -> ModelVersion {
        let runID = string(json["run_id"])
        let description = string(json["description"])
        return ModelVersion(
            name: string(json["name"]),
            version: int64(json["version"]) ?? 0,
            creationTime: int64(json["creation_timestamp"]) ?? 0,
            lastUpdateTime: int64(json["last_updated_timestamp"]) ?? 0,
            stage: ModelStage(wireValue: string(json["current_stage"])) ?? .none,
            description: description.isEmpty ? nil : description,
            source: string(json["source"]),
            runID: runID.isEmpty ? nil : runID,
            tags: keyValues(json["tags"]),
            aliases: (json["aliases"]?.arrayValue ?? []).map { string($0) }
        )
    }
}
