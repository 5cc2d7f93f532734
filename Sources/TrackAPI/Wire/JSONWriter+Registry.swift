import TrackCore

/// Writes the model registry's entities in MLflow's JSON shape: versions as strings, unset
/// repeated fields omitted.
extension JSONWriter {
    public mutating func registeredModel(_ model: RegisteredModel) {
        beginObject()
        key("name"); string(model.name)
        key("creation_timestamp"); int(model.creationTime)
        key("last_updated_timestamp"); int(model.lastUpdateTime)
        if let description = model.description { key("description"); string(description) }
        if !model.latestVersions.isEmpty {
            key("latest_versions"); beginArray()
            for version in model.latestVersions { modelVersion(version) }
            endArray()
        }
        keyValues("tags", model.tags)
        if !model.aliases.isEmpty {
            key("aliases"); beginArray()
            for alias in model.aliases {
                beginObject()
                key("alias"); string(alias.alias)
                key("version"); string(String(alias.version))
                endObject()
            }
            endArray()
        }
        endObject()
    }

    /// A version; `includeAliases` as MLflow answers: aliases on a version read by number or by
    /// alias, not in searches or a model's latest versions.
    public mutating func modelVersion(_ version: ModelVersion, includeAliases: Bool = false) {
        beginObject()
        key("name"); string(version.name)
        key("version"); string(String(version.version))
        key("creation_timestamp"); int(version.creationTime)
        key("last_updated_timestamp"); int(version.lastUpdateTime)
        key("current_stage"); string(version.stage.rawValue)
        key("description"); string(version.description ?? "")
        key("source"); string(version.source)
        if let runID = version.runID { key("run_id"); string(runID) }
        key("status"); string("READY")
        keyValues("tags", version.tags)
        key("run_link"); string("")
        if includeAliases, !version.aliases.isEmpty {
            key("aliases"); beginArray()
            for alias in version.aliases { string(alias) }
            endArray()
        }
        endObject()
    }
}
