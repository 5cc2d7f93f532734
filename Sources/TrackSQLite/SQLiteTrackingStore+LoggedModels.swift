import GRDB
import TrackCore

extension SQLiteTrackingStore {
    public func createLoggedModel(_ creation: LoggedModelCreation) async throws -> LoggedModel {
        let experimentNumber = try Validation.experimentNumber(creation.experimentID)
        try Validation.validateLoggedModelName(creation.name)
        let params = try creation.params.map { param throws(TrackError) in try Validation.validatedParam(param) }
        let tags = try creation.tags.map { tag throws(TrackError) in try Validation.validatedTag(tag) }
        let modelID = IDGenerator.loggedModelID()
        let name = creation.name ?? RunNameGenerator.make()
        let now = Clock.nowMilliseconds()
        let modelKey: Int64 = try await write { db in
            let location = try Self.activeExperimentArtifactLocation(db, number: experimentNumber, id: creation.experimentID)
            try db.execute(
                sql: """
                    INSERT INTO logged_models (model_id, experiment_id, name, artifact_uri, status, model_type, source_run_id, creation_time, last_update_time)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    modelID, experimentNumber, name, Self.joinURI(location, "models", modelID, "artifacts"),
                    LoggedModelStatus.pending.rawValue, creation.modelType, creation.sourceRunID, now, now,
                ]
            )
            let modelKey = db.lastInsertedRowID
            try Self.insertModelParams(db, modelKey: modelKey, modelID: modelID, params: params)
            try Self.upsertModelTags(db, modelKey: modelKey, tags: tags)
            return modelKey
        }
        return try await read { db in try Self.loadLoggedModels(db, modelKeys: [modelKey])[0] }
    }

    public func loggedModel(id: String) async throws -> LoggedModel {
        try await read { db in
            let key = try Self.activeModelKey(db, modelID: id)
            return try Self.loadLoggedModels(db, modelKeys: [key])[0]
        }
    }

    public func finalizeLoggedModel(id: String, status: LoggedModelStatus) async throws -> LoggedModel {
        let key: Int64 = try await write { db in
            let key = try Self.activeModelKey(db, modelID: id)
            try db.execute(
                sql: "UPDATE logged_models SET status = ?, last_update_time = ? WHERE model_key = ?",
                arguments: [status.rawValue, Clock.nowMilliseconds(), key]
            )
            return key
        }
        return try await read { db in try Self.loadLoggedModels(db, modelKeys: [key])[0] }
    }

    public func deleteLoggedModel(id: String) async throws {
        try await write { db in
            let key = try Self.activeModelKey(db, modelID: id)
            try db.execute(
                sql: "UPDATE logged_models SET lifecycle_stage = 'deleted', last_update_time = ? WHERE model_key = ?",
                arguments: [Clock.nowMilliseconds(), key]
            )
        }
    }

    public func setLoggedModelTags(id: String, tags: [Tag]) async throws {
        let tags = try tags.map { tag throws(TrackError) in try Validation.validatedTag(tag) }
        try await write { db in
            let key = try Self.activeModelKey(db, modelID: id)
            try Self.upsertModelTags(db, modelKey: key, tags: tags)
        }
    }

    public func deleteLoggedModelTag(id: String, key tagKey: String) async throws {
        try await write { db in
            let key = try Self.activeModelKey(db, modelID: id)
            try db.execute(sql: "DELETE FROM logged_model_tags WHERE model_key = ? AND key = ?", arguments: [key, tagKey])
            if db.changesCount == 0 {
                throw TrackError.notFound("No tag with key '\(tagKey)' found for model with ID '\(id)'.")
            }
        }
    }

    public func logLoggedModelParams(id: String, params: [Param]) async throws {
        let params = try params.map { param throws(TrackError) in try Validation.validatedParam(param) }
        try await write { db in
            let key = try Self.activeModelKey(db, modelID: id)
            try Self.insertModelParams(db, modelKey: key, modelID: id, params: params)
        }
    }

    public func searchLoggedModels(_ query: LoggedModelQuery) async throws -> Page<LoggedModel> {
        let experiments = try query.experimentIDs.map { id throws(TrackError) in try Validation.experimentNumber(id) }
        let models: [LoggedModel] = try await read { db in
            guard !experiments.isEmpty else { return [] }
            let placeholders = Array(repeating: "?", count: experiments.count).joined(separator: ",")
            let keys = try Int64.fetchAll(
                db, sql: "SELECT model_key FROM logged_models WHERE experiment_id IN (\(placeholders)) AND lifecycle_stage = 'active'",
                arguments: StatementArguments(experiments)
            )
            return try Self.loadLoggedModels(db, modelKeys: keys)
        }
        return try LoggedModelSearch.page(models, query)
    }

    // MARK: - Helpers

    /// The key of a model that is not deleted; `RESOURCE_DOES_NOT_EXIST` otherwise.
    static func activeModelKey(_ db: Database, modelID: String) throws -> Int64 {
        guard let key = try Int64.fetchOne(
            db, sql: "SELECT model_key FROM logged_models WHERE model_id = ? AND lifecycle_stage = 'active'", arguments: [modelID]
        ) else {
            throw TrackError.loggedModelNotFound(modelID)
        }
        return key
    }

    /// Params are written once, as a run's: the same value again is accepted.
    static func insertModelParams(_ db: Database, modelKey: Int64, modelID: String, params: [Param]) throws {
        for param in params {
            if let existing = try String.fetchOne(
                db, sql: "SELECT value FROM logged_model_params WHERE model_key = ? AND key = ?", arguments: [modelKey, param.key]
            ) {
                if existing != param.value {
                    throw TrackError.invalidParameter(
                        "Changing param values is not allowed. Param with key='\(param.key)' was already logged with value='\(existing)' for logged model ID='\(modelID)'. Attempted logging new value '\(param.value)'."
                    )
                }
                continue
            }
            try db.execute(
                sql: "INSERT INTO logged_model_params (model_key, key, value) VALUES (?, ?, ?)", arguments: [modelKey, param.key, param.value]
            )
        }
    }

    static func upsertModelTags(_ db: Database, modelKey: Int64, tags: [Tag]) throws {
        for tag in tags {
            try db.execute(
                sql: "INSERT OR REPLACE INTO logged_model_tags (model_key, key, value) VALUES (?, ?, ?)", arguments: [modelKey, tag.key, tag.value]
            )
        }
    }

    /// Keeps every point linked to a model; a point already kept for the same key, time, step,
    /// run and dataset stays as it is (a retried batch changes nothing).
    static func recordModelMetrics(_ db: Database, runID: String, _ metrics: [LoggedModelMetric]) throws {
        if metrics.isEmpty { return }
        var keys: [String: Int64] = [:]
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO logged_model_metrics (model_key, key, run_id, dataset_name, dataset_digest, timestamp, step, value_bits)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """)
        for entry in metrics {
            let modelKey: Int64
            if let known = keys[entry.modelID] {
                modelKey = known
            } else {
                modelKey = try activeModelKey(db, modelID: entry.modelID)
                keys[entry.modelID] = modelKey
            }
            try upsert.execute(arguments: [
                modelKey, entry.metric.key, runID, entry.datasetName ?? "", entry.datasetDigest ?? "",
                entry.metric.timestamp, entry.metric.step, Int64(bitPattern: entry.metric.value.bitPattern),
            ])
        }
    }

    /// The models with these keys, in the same order, with their tags, params and metrics.
    static func loadLoggedModels(_ db: Database, modelKeys: [Int64]) throws -> [LoggedModel] {
        var models: [Int64: LoggedModel] = [:]
        for chunk in modelKeys.chunked(500) {
            let keys = StatementArguments(Array(chunk))
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let rows = try Row.fetchAll(db, sql: """
                SELECT model_key, model_id, experiment_id, name, artifact_uri, status, status_message, model_type,
                       source_run_id, creation_time, last_update_time, lifecycle_stage
                FROM logged_models WHERE model_key IN (\(placeholders))
                """, arguments: keys)
            for row in rows {
                let experiment: Int64 = row[2]
                let status: String = row[5]
                let stage: String = row[11]
                models[row[0]] = LoggedModel(
                    modelID: row[1], experimentID: String(experiment), name: row[3], artifactURI: row[4],
                    status: LoggedModelStatus(rawValue: status) ?? .pending, statusMessage: row[6], modelType: row[7],
                    sourceRunID: row[8], creationTime: row[9], lastUpdateTime: row[10],
                    lifecycleStage: LifecycleStage(rawValue: stage) ?? .active
                )
            }
            for row in try Row.fetchAll(db, sql: "SELECT model_key, key, value FROM logged_model_tags WHERE model_key IN (\(placeholders)) ORDER BY model_key, key", arguments: keys) {
                models[row[0]]?.tags.append(Tag(key: row[1], value: row[2]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT model_key, key, value FROM logged_model_params WHERE model_key IN (\(placeholders)) ORDER BY model_key, key", arguments: keys) {
                models[row[0]]?.params.append(Param(key: row[1], value: row[2]))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT model_key, key, run_id, dataset_name, dataset_digest, timestamp, step, value_bits FROM logged_model_metrics
                WHERE model_key IN (\(placeholders)) ORDER BY model_key, key, timestamp, step, run_id, dataset_name, dataset_digest
                """, arguments: keys) {
                let modelKey: Int64 = row[0]
                guard let modelID = models[modelKey]?.modelID else { continue }
                let bits: Int64 = row[7]
                let runID: String = row[2]
                let datasetName: String = row[3]
                let datasetDigest: String = row[4]
                models[modelKey]?.metrics.append(LoggedModelMetric(
                    modelID: modelID,
                    metric: Metric(key: row[1], value: Double(bitPattern: UInt64(bitPattern: bits)), timestamp: row[5], step: row[6]),
                    runID: runID.isEmpty ? nil : runID,
                    datasetName: datasetName.isEmpty ? nil : datasetName,
                    datasetDigest: datasetDigest.isEmpty ? nil : datasetDigest
                ))
            }
        }
        return modelKeys.compactMap { models[$0] }
    }
}
