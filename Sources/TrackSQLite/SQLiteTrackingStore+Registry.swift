import GRDB
import TrackCore

extension SQLiteTrackingStore: ModelRegistryStore {
    // MARK: - Registered models

    public func createRegisteredModel(name: String, description: String?, tags: [Tag]) async throws -> RegisteredModel {
        try Validation.validateRegisteredModelName(name)
        let tags = try tags.map { tag throws(TrackError) in try Validation.validatedTag(tag) }
        let now = Clock.nowMilliseconds()
        return try await write { db in
            if try Self.registeredModelKeyIfAny(db, name: name) != nil {
                throw TrackError(.resourceAlreadyExists, "Registered Model (name=\(name)) already exists.")
            }
            try db.execute(
                sql: "INSERT INTO registered_models (name, description, creation_time, last_update_time) VALUES (?, ?, ?, ?)",
                arguments: [name, description, now, now]
            )
            let key = db.lastInsertedRowID
            for tag in tags {
                try db.execute(sql: "INSERT OR REPLACE INTO registered_model_tags (model_key, key, value) VALUES (?, ?, ?)", arguments: [key, tag.key, tag.value])
            }
            return try Self.loadRegisteredModels(db, keys: [key])[0]
        }
    }

    public func registeredModel(name: String) async throws -> RegisteredModel {
        try await read { db in try Self.loadRegisteredModels(db, keys: [try Self.registeredModelKey(db, name: name)])[0] }
    }

    public func renameRegisteredModel(name: String, newName: String) async throws -> RegisteredModel {
        try Validation.validateRegisteredModelName(newName)
        return try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            if newName != name, try Self.registeredModelKeyIfAny(db, name: newName) != nil {
                throw TrackError(.resourceAlreadyExists, "Registered Model (name=\(newName)) already exists.")
            }
            try db.execute(
                sql: "UPDATE registered_models SET name = ?, last_update_time = ? WHERE model_key = ?",
                arguments: [newName, Clock.nowMilliseconds(), key]
            )
            return try Self.loadRegisteredModels(db, keys: [key])[0]
        }
    }

    public func updateRegisteredModel(name: String, description: String) async throws -> RegisteredModel {
        try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            try db.execute(
                sql: "UPDATE registered_models SET description = ?, last_update_time = ? WHERE model_key = ?",
                arguments: [description, Clock.nowMilliseconds(), key]
            )
            return try Self.loadRegisteredModels(db, keys: [key])[0]
        }
    }

    public func deleteRegisteredModel(name: String) async throws {
        try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            try db.execute(sql: "DELETE FROM registered_models WHERE model_key = ?", arguments: [key])
        }
    }

    public func searchRegisteredModels(_ query: RegistryQuery) async throws -> Page<RegisteredModel> {
        let models = try await read { db in
            try Self.loadRegisteredModels(db, keys: try Self.candidateModelKeys(db, query))
        }
        return try RegistrySearch.registeredModels(models, query)
    }

    public func setRegisteredModelTag(name: String, tag: Tag) async throws {
        let tag = try Validation.validatedTag(tag)
        try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            try db.execute(sql: "INSERT OR REPLACE INTO registered_model_tags (model_key, key, value) VALUES (?, ?, ?)", arguments: [key, tag.key, tag.value])
            try Self.touchRegisteredModel(db, key)
        }
    }

    public func deleteRegisteredModelTag(name: String, key tagKey: String) async throws {
        try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            try db.execute(sql: "DELETE FROM registered_model_tags WHERE model_key = ? AND key = ?", arguments: [key, tagKey])
            if db.changesCount == 0 {
                throw TrackError.notFound("No tag with name: \(tagKey) in registered model with name \(name)")
            }
            try Self.touchRegisteredModel(db, key)
        }
    }

    public func latestVersions(name: String, stages: [ModelStage]) async throws -> [ModelVersion] {
        try await read { db in
            let key = try Self.registeredModelKey(db, name: name)
            let latest = Self.latest(try Self.loadVersions(db, modelKeys: [key]))
            return stages.isEmpty ? latest : latest.filter { stages.contains($0.stage) }
        }
    }

    // MARK: - Aliases

    public func setModelAlias(name: String, alias: String, version: Int64) async throws {
        try Validation.validateModelAlias(alias)
        try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            try Self.requireVersion(db, key: key, name: name, version: version)
            try db.execute(sql: "INSERT OR REPLACE INTO model_aliases (model_key, alias, version) VALUES (?, ?, ?)", arguments: [key, alias, version])
            try Self.touchRegisteredModel(db, key)
        }
    }

    public func deleteModelAlias(name: String, alias: String) async throws {
        try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            try db.execute(sql: "DELETE FROM model_aliases WHERE model_key = ? AND alias = ?", arguments: [key, alias])
            try Self.touchRegisteredModel(db, key)
        }
    }

    public func modelVersion(name: String, alias: String) async throws -> ModelVersion {
        try await read { db in
            let key = try Self.registeredModelKey(db, name: name)
            guard let version = try Int64.fetchOne(db, sql: "SELECT version FROM model_aliases WHERE model_key = ? AND alias = ?", arguments: [key, alias]) else {
                throw TrackError.invalidParameter("Registered model alias \(alias) not found.")
            }
            return try Self.loadVersion(db, key: key, name: name, version: version)
        }
    }

    // MARK: - Versions

    public func createModelVersion(_ creation: ModelVersionCreation) async throws -> ModelVersion {
        try Validation.validateRegisteredModelName(creation.name)
        let tags = try creation.tags.map { tag throws(TrackError) in try Validation.validatedTag(tag) }
        let now = Clock.nowMilliseconds()
        return try await write { db in
            let key = try Self.registeredModelKey(db, name: creation.name)
            let (source, runID, modelID) = try Self.resolvedSource(db, creation)
            let version = try Int64.fetchOne(db, sql: "SELECT next_version FROM registered_models WHERE model_key = ?", arguments: [key]) ?? 1
            try db.execute(
                sql: """
                    INSERT INTO model_versions (model_key, version, creation_time, last_update_time, stage, description, source, run_id, logged_model_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [key, version, now, now, ModelStage.none.rawValue, creation.description, source, runID, modelID]
            )
            for tag in tags {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO model_version_tags (model_key, version, key, value) VALUES (?, ?, ?, ?)",
                    arguments: [key, version, tag.key, tag.value]
                )
            }
            try db.execute(sql: "UPDATE registered_models SET next_version = ?, last_update_time = ? WHERE model_key = ?", arguments: [version + 1, now, key])
            if let modelID {
                try Self.recordRegistration(db, modelID: modelID, name: creation.name, version: version)
            }
            return try Self.loadVersion(db, key: key, name: creation.name, version: version)
        }
    }

    public func modelVersion(name: String, version: Int64) async throws -> ModelVersion {
        try await read { db in try Self.loadVersion(db, key: try Self.registeredModelKey(db, name: name), name: name, version: version) }
    }

    public func updateModelVersion(name: String, version: Int64, description: String) async throws -> ModelVersion {
        try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            try Self.requireVersion(db, key: key, name: name, version: version)
            try db.execute(
                sql: "UPDATE model_versions SET description = ?, last_update_time = ? WHERE model_key = ? AND version = ?",
                arguments: [description, Clock.nowMilliseconds(), key, version]
            )
            return try Self.loadVersion(db, key: key, name: name, version: version)
        }
    }

    public func deleteModelVersion(name: String, version: Int64) async throws {
        try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            try Self.requireVersion(db, key: key, name: name, version: version)
            try db.execute(sql: "DELETE FROM model_aliases WHERE model_key = ? AND version = ?", arguments: [key, version])
            try db.execute(sql: "DELETE FROM model_versions WHERE model_key = ? AND version = ?", arguments: [key, version])
            try Self.touchRegisteredModel(db, key)
        }
    }

    public func searchModelVersions(_ query: RegistryQuery) async throws -> Page<ModelVersion> {
        let versions = try await read { db in
            try Self.loadVersions(db, modelKeys: try Self.candidateModelKeys(db, query))
        }
        return try RegistrySearch.modelVersions(versions, query)
    }

    public func setModelVersionTag(name: String, version: Int64, tag: Tag) async throws {
        let tag = try Validation.validatedTag(tag)
        try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            try Self.requireVersion(db, key: key, name: name, version: version)
            try db.execute(
                sql: "INSERT OR REPLACE INTO model_version_tags (model_key, version, key, value) VALUES (?, ?, ?, ?)",
                arguments: [key, version, tag.key, tag.value]
            )
        }
    }

    public func deleteModelVersionTag(name: String, version: Int64, key tagKey: String) async throws {
        try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            try Self.requireVersion(db, key: key, name: name, version: version)
            try db.execute(sql: "DELETE FROM model_version_tags WHERE model_key = ? AND version = ? AND key = ?", arguments: [key, version, tagKey])
            if db.changesCount == 0 {
                throw TrackError.notFound("No tag with name: \(tagKey) in model version with name \(name) and version \(version)")
            }
        }
    }

    public func transitionModelVersionStage(name: String, version: Int64, stage: ModelStage, archiveExisting: Bool) async throws -> ModelVersion {
        try await write { db in
            let key = try Self.registeredModelKey(db, name: name)
            try Self.requireVersion(db, key: key, name: name, version: version)
            let now = Clock.nowMilliseconds()
            if archiveExisting, stage == .staging || stage == .production {
                try db.execute(
                    sql: "UPDATE model_versions SET stage = ?, last_update_time = ? WHERE model_key = ? AND stage = ? AND version != ?",
                    arguments: [ModelStage.archived.rawValue, now, key, stage.rawValue, version]
                )
            }
            try db.execute(
                sql: "UPDATE model_versions SET stage = ?, last_update_time = ? WHERE model_key = ? AND version = ?",
                arguments: [stage.rawValue, now, key, version]
            )
            try Self.touchRegisteredModel(db, key)
            return try Self.loadVersion(db, key: key, name: name, version: version)
        }
    }

    // MARK: - Helpers

    /// The models a search has to look at: those its filter pins by name, else all.
    static func candidateModelKeys(_ db: Database, _ query: RegistryQuery) throws -> [Int64] {
        guard let names = query.pinnedNames else {
            return try Int64.fetchAll(db, sql: "SELECT model_key FROM registered_models")
        }
        return try names.sorted().compactMap { try registeredModelKeyIfAny(db, name: $0) }
    }

    static func registeredModelKeyIfAny(_ db: Database, name: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT model_key FROM registered_models WHERE name = ?", arguments: [name])
    }

    static func registeredModelKey(_ db: Database, name: String) throws -> Int64 {
        guard let key = try registeredModelKeyIfAny(db, name: name) else {
            throw TrackError.notFound("Registered Model with name=\(name) not found")
        }
        return key
    }

    static func requireVersion(_ db: Database, key: Int64, name: String, version: Int64) throws {
        let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM model_versions WHERE model_key = ? AND version = ?)", arguments: [key, version]) ?? false
        if !exists {
            throw TrackError.notFound("Model Version (name=\(name), version=\(version)) not found")
        }
    }

    static func touchRegisteredModel(_ db: Database, _ key: Int64) throws {
        try db.execute(sql: "UPDATE registered_models SET last_update_time = ? WHERE model_key = ?", arguments: [Clock.nowMilliseconds(), key])
    }

    /// Appends `{"name": …, "version": …}` to the logged model's `mlflow.modelVersions` tag (a
    /// JSON list, written as the client writes it).
    static func recordRegistration(_ db: Database, modelID: String, name: String, version: Int64) throws {
        let modelKey = try activeModelKey(db, modelID: modelID)
        let tagKey = "mlflow.modelVersions"
        let entry = "{\"name\": \(PythonJSON.string(name)), \"version\": \(version)}"
        let existing = try String.fetchOne(db, sql: "SELECT value FROM logged_model_tags WHERE model_key = ? AND key = ?", arguments: [modelKey, tagKey])
        try upsertModelTags(db, modelKey: modelKey, tags: [Tag(key: tagKey, value: PythonJSON.appending(entry, toList: existing))])
    }

    /// The newest version per stage, in the stages' order.
    static func latest(_ versions: [ModelVersion]) -> [ModelVersion] {
        ModelStage.allCases.compactMap { stage in versions.filter { $0.stage == stage }.max { $0.version < $1.version } }
    }

    static func loadVersion(_ db: Database, key: Int64, name: String, version: Int64) throws -> ModelVersion {
        guard let found = try loadVersions(db, modelKeys: [key], version: version).first else {
            throw TrackError.notFound("Model Version (name=\(name), version=\(version)) not found")
        }
        return found
    }

    /// The versions of these models (only `version` when given), with tags and aliases.
    static func loadVersions(_ db: Database, modelKeys: [Int64], version: Int64? = nil) throws -> [ModelVersion] {
        var versions: [ModelVersion] = []
        for chunk in modelKeys.chunked(500) {
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            var arguments = StatementArguments(Array(chunk))
            var where_ = "v.model_key IN (\(placeholders))"
            if let version {
                where_ += " AND v.version = ?"
                arguments += [version]
            }
            var index: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT v.model_key, m.name, v.version, v.creation_time, v.last_update_time, v.stage, v.description, v.source, v.run_id, v.logged_model_id
                FROM model_versions v JOIN registered_models m USING (model_key) WHERE \(where_) ORDER BY v.model_key, v.version
                """, arguments: arguments) {
                let modelKey: Int64 = row[0]
                let number: Int64 = row[2]
                let stage: String = row[5]
                index["\(modelKey)/\(number)"] = versions.count
                versions.append(ModelVersion(
                    name: row[1], version: number, creationTime: row[3], lastUpdateTime: row[4],
                    stage: ModelStage(rawValue: stage) ?? .none, description: row[6], source: row[7], runID: row[8], modelID: row[9]
                ))
            }
            let tagWhere = where_.replacingOccurrences(of: "v.", with: "t.")
            for row in try Row.fetchAll(db, sql: "SELECT t.model_key, t.version, t.key, t.value FROM model_version_tags t WHERE \(tagWhere) ORDER BY t.key", arguments: arguments) {
                let modelKey: Int64 = row[0]
                let number: Int64 = row[1]
                if let at = index["\(modelKey)/\(number)"] { versions[at].tags.append(Tag(key: row[2], value: row[3])) }
            }
            let aliasWhere = where_.replacingOccurrences(of: "v.", with: "a.")
            for row in try Row.fetchAll(db, sql: "SELECT a.model_key, a.version, a.alias FROM model_aliases a WHERE \(aliasWhere) ORDER BY a.alias", arguments: arguments) {
                let modelKey: Int64 = row[0]
                let number: Int64 = row[1]
                if let at = index["\(modelKey)/\(number)"] { versions[at].aliases.append(row[2]) }
            }
        }
        return versions
    }

    static func loadRegisteredModels(_ db: Database, keys: [Int64]) throws -> [RegisteredModel] {
        var models: [Int64: RegisteredModel] = [:]
        for chunk in keys.chunked(500) {
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let arguments = StatementArguments(Array(chunk))
            for row in try Row.fetchAll(
                db, sql: "SELECT model_key, name, creation_time, last_update_time, description FROM registered_models WHERE model_key IN (\(placeholders))",
                arguments: arguments
            ) {
                models[row[0]] = RegisteredModel(name: row[1], creationTime: row[2], lastUpdateTime: row[3], description: row[4])
            }
            for row in try Row.fetchAll(db, sql: "SELECT model_key, key, value FROM registered_model_tags WHERE model_key IN (\(placeholders)) ORDER BY key", arguments: arguments) {
                models[row[0]]?.tags.append(Tag(key: row[1], value: row[2]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT model_key, alias, version FROM model_aliases WHERE model_key IN (\(placeholders)) ORDER BY alias", arguments: arguments) {
                models[row[0]]?.aliases.append(ModelAlias(alias: row[1], version: row[2]))
            }
            var versionsByName: [String: [ModelVersion]] = [:]
            for version in try loadVersions(db, modelKeys: Array(chunk)) { versionsByName[version.name, default: []].append(version) }
            for key in chunk {
                if let name = models[key]?.name { models[key]?.latestVersions = latest(versionsByName[name] ?? []) }
            }
        }
        return keys.compactMap { models[$0] }
    }
}
