import GRDB
import TrackCore

extension SQLiteTrackingStore {
    public func createExperiment(name: String, artifactLocation: String?, tags: [Tag]) async throws -> String {
        try Validation.validateExperimentName(name)
        for tag in tags { try Validation.validateExperimentTag(tag) }
        let now = Clock.nowMilliseconds()
        return try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM experiments WHERE name = ?)", arguments: [name]) == true {
                throw TrackError(.resourceAlreadyExists, "Experiment(name=\(name)) already exists.")
            }
            let nextID = (try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(experiment_id), -1) + 1 FROM experiments") ?? 1)
            let location = (artifactLocation?.isEmpty == false) ? artifactLocation! : "mlflow-artifacts:/\(nextID)"
            try db.execute(
                sql: """
                    INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (?, ?, ?, 'active', ?, ?)
                    """,
                arguments: [nextID, name, location, now, now]
            )
            for tag in tags {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)",
                    arguments: [nextID, tag.key, tag.value]
                )
            }
            return String(nextID)
        }
    }

    public func experiment(id: String) async throws -> Experiment {
        let number = try Validation.experimentNumber(id)
        return try await read { db in
            guard let experiment = try Self.fetchExperiments(db, whereSQL: "experiment_id = ?", arguments: [number]).first else {
                throw TrackError.experimentNotFound(id)
            }
            return experiment
        }
    }

    public func experiment(named name: String) async throws -> Experiment? {
        try await read { db in
            try Self.fetchExperiments(db, whereSQL: "name = ?", arguments: [name]).first
        }
    }

    public func renameExperiment(id: String, newName: String) async throws {
        let number = try Validation.experimentNumber(id)
        try Validation.validateExperimentName(newName)
        let now = Clock.nowMilliseconds()
        try await write { db in
            try Self.requireExperiment(db, number: number, id: id, active: true)
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM experiments WHERE name = ? AND experiment_id != ?)", arguments: [newName, number]) == true {
                throw TrackError(.resourceAlreadyExists, "Experiment(name=\(newName)) already exists.")
            }
            try db.execute(
                sql: "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
                arguments: [newName, now, number]
            )
        }
    }

    public func deleteExperiment(id: String) async throws {
        try await setExperimentStage(id: id, stage: .deleted)
    }

    public func restoreExperiment(id: String) async throws {
        try await setExperimentStage(id: id, stage: .active)
    }

    private func setExperimentStage(id: String, stage: LifecycleStage) async throws {
        let number = try Validation.experimentNumber(id)
        if number == 0, stage == .deleted {
            throw TrackError.invalidParameter("Cannot delete the default experiment '0'. This is an internally reserved experiment.")
        }
        let now = Clock.nowMilliseconds()
        try await write { db in
            try Self.requireExperiment(db, number: number, id: id, active: false)
            try db.execute(
                sql: "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?",
                arguments: [stage.rawValue, now, number]
            )
            // Deleting an experiment soft-deletes its runs; restoring brings them back.
            try db.execute(
                sql: "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?",
                arguments: [stage.rawValue, stage == .deleted ? now : nil, number]
            )
        }
    }

    public func setExperimentTag(id: String, key: String, value: String) async throws {
        let number = try Validation.experimentNumber(id)
        try Validation.validateExperimentTag(Tag(key: key, value: value))
        try await write { db in
            try Self.requireExperiment(db, number: number, id: id, active: true)
            try db.execute(
                sql: "INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)",
                arguments: [number, key, value]
            )
        }
    }

    public func deleteExperimentTag(id: String, key: String) async throws {
        let number = try Validation.experimentNumber(id)
        try await write { db in
            try Self.requireExperiment(db, number: number, id: id, active: true)
            try db.execute(sql: "DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?", arguments: [number, key])
            if db.changesCount == 0 {
                throw TrackError.notFound("No tag with name: \(key) in experiment with id \(id)")
            }
        }
    }

    public func searchExperiments(_ query: ExperimentQuery) async throws -> Page<Experiment> {
        try Validation.validateMaxResults(query.maxResults, limit: Validation.maxExperimentsSearchResults)
        let offset = try PageToken.decodeOffset(query.pageToken)
        let sql = try ExperimentSearchSQL(query: query)
        return try await read { db in
            let experiments = try Self.fetchExperiments(
                db, whereSQL: sql.whereSQL, arguments: sql.arguments,
                orderSQL: sql.orderSQL, limit: query.maxResults + 1, offset: offset
            )
            if experiments.count > query.maxResults {
                return Page(items: Array(experiments.prefix(query.maxResults)), nextPageToken: PageToken.offset(offset + query.maxResults))
            }
            return Page(items: experiments)
        }
    }

    public func experimentSummaries(ids: [String]) async throws -> [ExperimentSummary] {
        let numbers = try ids.map { id throws(TrackError) in try Validation.experimentNumber(id) }
        if numbers.isEmpty { return [] }
        return try await read { db in
            var summaries: [ExperimentSummary] = []
            for chunk in numbers.chunked(900) {
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT e.experiment_id,
                               COUNT(r.run_key),
                               COALESCE(SUM(r.status = 'RUNNING'), 0),
                               MAX(MAX(r.start_time, COALESCE(r.end_time, 0)))
                        FROM experiments e
                        LEFT JOIN runs r ON r.experiment_id = e.experiment_id AND r.lifecycle_stage = 'active'
                        WHERE e.experiment_id IN (\(placeholders))
                        GROUP BY e.experiment_id
                        """,
                    arguments: StatementArguments(Array(chunk))
                )
                for row in rows {
                    summaries.append(ExperimentSummary(
                        experimentID: String(row[0] as Int64), runCount: row[1], runningCount: row[2], lastActivity: row[3]
                    ))
                }
            }
            return summaries
        }
    }

    // MARK: - Helpers

    static func requireExperiment(_ db: Database, number: Int64, id: String, active: Bool) throws {
        guard let stage = try String.fetchOne(db, sql: "SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?", arguments: [number]) else {
            throw TrackError.experimentNotFound(id)
        }
        if active, stage != LifecycleStage.active.rawValue {
            throw TrackError.invalidParameter("The experiment \(id) must be in the 'active' state. Current state is \(stage).")
        }
    }

    static func fetchExperiments(
        _ db: Database, whereSQL: String, arguments: StatementArguments,
        orderSQL: String = "experiment_id", limit: Int? = nil, offset: Int = 0
    ) throws -> [Experiment] {
        var sql = """
            SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time
            FROM experiments WHERE \(whereSQL) ORDER BY \(orderSQL)
            """
        if let limit { sql += " LIMIT \(limit) OFFSET \(offset)" }
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
        if rows.isEmpty { return [] }
        var experiments = rows.map { row in
            Experiment(
                id: String(row[0] as Int64), name: row[1], artifactLocation: row[2],
                lifecycleStage: LifecycleStage(rawValue: row[3]) ?? .active,
                creationTime: row[4], lastUpdateTime: row[5]
            )
        }
        let ids = experiments.map { Int64($0.id)! }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        let tagRows = try Row.fetchAll(
            db, sql: "SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN (\(placeholders)) ORDER BY key",
            arguments: StatementArguments(ids)
        )
        var tagsByID: [Int64: [Tag]] = [:]
        for row in tagRows { tagsByID[row[0], default: []].append(Tag(key: row[1], value: row[2])) }
        for index in experiments.indices {
            experiments[index].tags = tagsByID[Int64(experiments[index].id)!] ?? []
        }
        return experiments
    }
}
