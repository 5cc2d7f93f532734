import GRDB
import TrackCore

/// Which files a new model version may name, as MLflow's server decides it: a version names a
/// logged model, another registered version, a run's files (with that run's id), or files
/// elsewhere (`s3://…`); never a path on the server's disk or one that climbs out with `..`.
extension SQLiteTrackingStore {
    /// The source, run and logged model a new version records. A `models:/<name>/<version>`
    /// source takes its run and logged model from that version (given ones must match), a
    /// `models:/m-…` source its run from the logged model.
    static func resolvedSource(_ db: Database, _ creation: ModelVersionCreation) throws -> (source: String, runID: String?, modelID: String?) {
        var source = creation.source
        var runID = creation.runID
        var modelID = creation.modelID
        switch ModelVersionSource(source) {
        case .foreignRegistry:
            throw TrackError.invalidParameter("Invalid model version source: '\(source)'. Registered model sources must use the active model registry.")
        case .registeredVersion(let name, let selector):
            let referenced = try referencedVersion(db, name: name, selector: selector)
            if (creation.runID != nil && creation.runID != referenced.runID) || (creation.modelID != nil && creation.modelID != referenced.modelID) {
                throw TrackError.invalidParameter(
                    "Invalid model version source: '\(source)'. The run_id and model_id request parameters must match the referenced model version."
                )
            }
            source = "models:/\(referenced.name)/\(referenced.version)"
            runID = runID ?? referenced.runID
            modelID = modelID ?? referenced.modelID
        case .loggedModel(let id):
            modelID = modelID ?? id
        default:
            break
        }
        if let modelID {
            let model = try activeModelKey(db, modelID: modelID)
            try validate(source, against: .loggedModel(modelID, key: model), db)
            if runID == nil {
                runID = try String.fetchOne(db, sql: "SELECT source_run_id FROM logged_models WHERE model_key = ?", arguments: [model])
            }
        } else {
            try validate(source, against: .run(runID), db)
        }
        return (source, runID, modelID)
    }

    enum SourceOwner {
        case loggedModel(String, key: Int64)
        case run(String?)
    }

    static func validate(_ source: String, against owner: SourceOwner, _ db: Database) throws {
        let idName: String
        switch owner {
        case .loggedModel: idName = "model_id"
        case .run: idName = "run_id"
        }
        let invalid = TrackError.invalidParameter(
            "Invalid model version source: '\(source)'. The \(idName) request parameter must identify the resource that contains the source."
        )
        let kind = ModelVersionSource(source)
        if kind == .local {
            throw TrackError.invalidParameter(
                "Invalid model version source: '\(source)'. A path on the server's disk can't be a model version source; register files logged to a run or a logged model."
            )
        }
        if ModelVersionSource.hasRelativeParts(source) {
            throw TrackError.invalidParameter(
                "Invalid model version source: '\(source)'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path."
            )
        }
        switch (kind, owner) {
        case (.run(let id), .run(let runID)):
            if id != runID { throw invalid }
        case (.run, .loggedModel):
            throw invalid
        case (.loggedModel(let id), .loggedModel(let modelID, _)):
            if id != modelID { throw invalid }
        case (.loggedModel, .run):
            throw TrackError.invalidParameter(
                "Invalid model version source: '\(source)'. The model_id request parameter must identify the resource that contains the source."
            )
        case (.proxiedArtifact, .run(let runID)):
            guard let runID else { throw invalid }
            guard let root = try String.fetchOne(db, sql: "SELECT artifact_uri FROM runs WHERE run_id = ?", arguments: [runID]) else {
                throw TrackError.runNotFound(runID)
            }
            if !isWithin(source, root: root) { throw invalid }
        case (.proxiedArtifact, .loggedModel(_, let key)):
            let root = try String.fetchOne(db, sql: "SELECT artifact_uri FROM logged_models WHERE model_key = ?", arguments: [key]) ?? ""
            if !isWithin(source, root: root) { throw invalid }
        default:
            break
        }
    }

    static func isWithin(_ source: String, root: String) -> Bool {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        return !base.isEmpty && (source == base || source.hasPrefix(base + "/"))
    }

    /// The registered version a `models:/<name>/…` source points at.
    static func referencedVersion(_ db: Database, name: String, selector: ModelVersionSource.Selector) throws -> ModelVersion {
        let key = try registeredModelKey(db, name: name)
        let number: Int64?
        switch selector {
        case .version(let version):
            number = version
        case .latest:
            number = try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM model_versions WHERE model_key = ?", arguments: [key])
        case .alias(let alias):
            number = try Int64.fetchOne(db, sql: "SELECT version FROM model_aliases WHERE model_key = ? AND alias = ?", arguments: [key, alias])
            if number == nil { throw TrackError.invalidParameter("Registered model alias \(alias) not found.") }
        }
        guard let number else { throw TrackError.notFound("Registered Model with name=\(name) has no versions") }
        return try loadVersion(db, key: key, name: name, version: number)
    }
}
