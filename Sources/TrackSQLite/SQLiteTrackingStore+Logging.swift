import GRDB
import TrackCore

extension SQLiteTrackingStore {
    public func logBatch(runID: String, metrics: [Metric], params: [Param], tags: [Tag], modelMetrics: [LoggedModelMetric]) async throws {
        try Validation.validateRunID(runID)
        try Validation.validateBatch(metrics: metrics.count, params: params, tags: tags.count)
        try Self.validateMetrics(metrics)
        let params = try params.map { param throws(TrackError) in try Validation.validatedParam(param) }
        let tags = try tags.map { tag throws(TrackError) in try Validation.validatedTag(tag) }
        if metrics.isEmpty, params.isEmpty, tags.isEmpty {
            // An empty batch still has to name an existing, active run.
            _ = try await read { db in try Self.activeRunRow(db, runID: runID) }
            return
        }
        let series = MetricWriter.prepare(metrics)
        let compactor = compactor
        let due = try await write { db in
            let run = try Self.activeRunRow(db, runID: runID)
            try Self.insertParams(db, run: run, runID: runID, params: params)
            try Self.upsertTags(db, runKey: run.runKey, tags: tags)
            let due = try MetricWriter.insert(db, runKey: run.runKey, series: series, alreadyQueued: compactor.isQueued)
            try Self.recordModelMetrics(db, runID: runID, modelMetrics)
            return due
        }
        compactor.schedule(due)
    }

    public func deleteRunTag(runID: String, key: String) async throws {
        try Validation.validateRunID(runID)
        try await write { db in
            let run = try Self.activeRunRow(db, runID: runID)
            try db.execute(sql: "DELETE FROM tags WHERE run_key = ? AND key = ?", arguments: [run.runKey, key])
            if db.changesCount == 0 {
                throw TrackError.notFound("No tag with name: \(key) in run with id \(runID)")
            }
        }
    }

    public func logInputs(runID: String, datasets: [DatasetInput], models: [ModelReference]) async throws {
        try Validation.validateRunID(runID)
        try await write { db in
            let run = try Self.activeRunRow(db, runID: runID)
            var position = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(position), -1) + 1 FROM dataset_inputs WHERE run_key = ?", arguments: [run.runKey]) ?? 0
            for input in datasets {
                let dataset = input.dataset
                let context = input.tags.last(where: { $0.key == "mlflow.data.context" })?.value
                try db.execute(
                    sql: """
                        INSERT INTO dataset_inputs (run_key, position, name, digest, source_type, source, schema, profile, context, tags_json)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (run_key, name, digest) DO UPDATE SET tags_json = excluded.tags_json, context = excluded.context
                        """,
                    arguments: [
                        run.runKey, position, dataset.name, dataset.digest, dataset.sourceType, dataset.source,
                        dataset.schema, dataset.profile, context, Self.encodeTags(input.tags),
                    ]
                )
                position += 1
            }
            try Self.insertModelReferences(db, runKey: run.runKey, direction: "input", models: models)
        }
    }

    public func logOutputs(runID: String, models: [ModelReference]) async throws {
        try Validation.validateRunID(runID)
        try await write { db in
            let run = try Self.activeRunRow(db, runID: runID)
            try Self.insertModelReferences(db, runKey: run.runKey, direction: "output", models: models)
        }
    }

    public func recordLoggedModel(runID: String, entry: String) async throws {
        try Validation.validateRunID(runID)
        try await write { db in
            let run = try Self.activeRunRow(db, runID: runID)
            let key = LoggedModelHistory.tagKey
            let list = try String.fetchOne(db, sql: "SELECT value FROM tags WHERE run_key = ? AND key = ?", arguments: [run.runKey, key])
            try Self.upsertTags(db, runKey: run.runKey, tags: [Tag(key: key, value: PythonJSON.appending(entry, toList: list))])
        }
    }

    // MARK: - Helpers

    /// Validates every metric of a batch, each distinct key once: a batch usually repeats a few
    /// keys many times. Errors are the same, in the same order, as validating metric by metric.
    private static func validateMetrics(_ metrics: [Metric]) throws(TrackError) {
        var validKeys = Set<String>()
        for (index, metric) in metrics.enumerated() {
            // `Set` matches canonically equivalent strings; names are validated by their exact
            // scalars, so a hit counts only when the bytes are the same.
            if metric.timestamp >= 0, let known = validKeys.firstIndex(of: metric.key),
               validKeys[known].utf8.elementsEqual(metric.key.utf8) {
                continue
            }
            // The indexed parameter name is only built for the error message.
            do {
                try Validation.validateMetric(metric)
            } catch {
                try Validation.validateMetric(metric, parameter: "metrics[\(index)].name")
                throw error
            }
            validKeys.insert(metric.key)
        }
    }

    private static func insertModelReferences(_ db: Database, runKey: Int64, direction: String, models: [ModelReference]) throws {
        for model in models {
            try db.execute(
                sql: "INSERT OR IGNORE INTO model_references (run_key, direction, model_id, step) VALUES (?, ?, ?, ?)",
                arguments: [runKey, direction, model.modelID, model.step]
            )
        }
    }

    /// Params are write-once: logging the same value again is accepted, a different one is refused.
    private static func insertParams(_ db: Database, run: RunRow, runID: String, params: [Param]) throws {
        if params.isEmpty { return }
        let select = try db.cachedStatement(sql: "SELECT value FROM params WHERE run_key = ? AND key = ?")
        let insert = try db.cachedStatement(sql: "INSERT INTO params (run_key, key, value) VALUES (?, ?, ?)")
        for param in params {
            if let existing = try String.fetchOne(select, arguments: [run.runKey, param.key]) {
                if existing != param.value {
                    throw TrackError.invalidParameter(
                        "Changing param values is not allowed. Param with key='\(param.key)' was already logged with value='\(existing)' for run ID='\(runID)'. Attempted logging new value '\(param.value)'."
                    )
                }
                continue
            }
            try insert.execute(arguments: [run.runKey, param.key, param.value])
        }
    }

    private static func upsertTags(_ db: Database, runKey: Int64, tags: [Tag]) throws {
        if tags.isEmpty { return }
        let upsert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO tags (run_key, key, value) VALUES (?, ?, ?)")
        let rename = try db.cachedStatement(sql: "UPDATE runs SET name = ? WHERE run_key = ?")
        for tag in tags {
            try upsert.execute(arguments: [runKey, tag.key, tag.value])
            // The run name and its tag are one fact; keep them equal.
            if tag.key == runNameTag {
                try rename.execute(arguments: [tag.value, runKey])
            }
        }
    }
}
