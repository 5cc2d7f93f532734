/// Where registered models and their versions live (MLflow's model registry).
///
/// Every backend implements it beside ``TrackingStore`` and passes the same conformance checks
/// (`registry.…`). Errors: `RESOURCE_DOES_NOT_EXIST` for an unknown model or version,
/// `RESOURCE_ALREADY_EXISTS` for a taken name, `INVALID_PARAMETER_VALUE` for invalid input and
/// for an alias that is not set.
public protocol ModelRegistryStore: Sendable {
    func createRegisteredModel(name: String, description: String?, tags: [Tag]) async throws -> RegisteredModel
    func registeredModel(name: String) async throws -> RegisteredModel
    /// Renames the model; its versions follow.
    func renameRegisteredModel(name: String, newName: String) async throws -> RegisteredModel
    func updateRegisteredModel(name: String, description: String) async throws -> RegisteredModel
    /// Deletes the model with its versions, tags and aliases.
    func deleteRegisteredModel(name: String) async throws
    /// Models matching the query, default order by name.
    func searchRegisteredModels(_ query: RegistryQuery) async throws -> Page<RegisteredModel>
    func setRegisteredModelTag(name: String, tag: Tag) async throws
    func deleteRegisteredModelTag(name: String, key: String) async throws
    /// The newest version in each of `stages` (every stage when empty).
    func latestVersions(name: String, stages: [ModelStage]) async throws -> [ModelVersion]

    /// Points `alias` at a version, moving it from any other.
    func setModelAlias(name: String, alias: String, version: Int64) async throws
    func deleteModelAlias(name: String, alias: String) async throws
    /// - Throws: `INVALID_PARAMETER_VALUE` when the alias is not set (as MLflow answers).
    func modelVersion(name: String, alias: String) async throws -> ModelVersion

    /// Adds the next version (1, 2, …) of a model. A source `models:/<model id>` takes its run
    /// from that logged model, which is tagged with the new version (`mlflow.modelVersions`).
    func createModelVersion(_ creation: ModelVersionCreation) async throws -> ModelVersion
    func modelVersion(name: String, version: Int64) async throws -> ModelVersion
    func updateModelVersion(name: String, version: Int64, description: String) async throws -> ModelVersion
    /// Deletes a version and the aliases that name it; its number is not given out again.
    func deleteModelVersion(name: String, version: Int64) async throws
    /// Versions matching the query, default order name, then newest version first.
    func searchModelVersions(_ query: RegistryQuery) async throws -> Page<ModelVersion>
    func setModelVersionTag(name: String, version: Int64, tag: Tag) async throws
    func deleteModelVersionTag(name: String, version: Int64, key: String) async throws
    /// Moves a version to `stage`; with `archiveExisting`, the other versions in that stage
    /// (Staging or Production) are archived.
    func transitionModelVersionStage(name: String, version: Int64, stage: ModelStage, archiveExisting: Bool) async throws -> ModelVersion
}
