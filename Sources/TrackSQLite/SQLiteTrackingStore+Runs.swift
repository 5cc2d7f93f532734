import Foundation
import GRDB
import TrackCore

extension SQLiteTrackingStore {
    static let runNameTag = "mlflow.runName"

    public func createRun(_ creation: RunCreation) async throws -> Run {
        let experimentNumber = try Validation.experimentNumber(creation.experimentID)
        let tags = try creation.tags.map { tag throws(TrackError) in try Validation.validatedTag(tag) }
        let tagName = tags.last(where: { $0.key == Self.runNameTag })?.value
        if let given = creation.runName, !given.isEmpty, let tagName, tagName != given {
            throw TrackError.invalidParameter(
                "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='\(given)', mlflow.runName='\(tagName)')."
            )
        }
        let name = (creation.runName?.isEmpty == false ? creation.runName : nil) ?? tagName ?? RunNameGenerator.make()
        let runID = IDGenerator.runID()
        let runKey: Int64 = try await write { db in
            let location = try Self.activeExperimentArtifactLocation(db, number: experimentNumber, id: creation.experimentID)
            let artifactURI = Self.joinURI(location, runID, "artifacts")
            try db.execute(
                sql: """
                    INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, artifact_uri, lifecycle_stage)
                    VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, 'active')
                    """,
                arguments: [runID, experimentNumber, name, creation.userID, creation.startTime, artifactURI]
            )
            let runKey = db.lastInsertedRowID
            var allTags = tags.filter { $0.key != Self.runNameTag }
            allTags.append(Tag(key: Self.runNameTag, value: name))
            for tag in allTags {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO tags (run_key, key, value) VALUES (?, ?, ?)",
                    arguments: [runKey, tag.key, tag.value]
                )
            }
            return runKey
        }
        return try await read { db in
            guard let run = try Self.loadRuns(db, runKeys: [runKey]).first else { throw TrackError.runNotFound(runID) }
            return run
        }
    }

    public func run(id: String) async throws -> Run {
        try Validation.validateRunID(id)
        let cached = (cache: runCache, ticket: runCache.ticket())
        return try await read { db in
            let row = try Self.runRow(db, runID: id)
            guard let run = try Self.loadRuns(db, runKeys: [row.runKey], through: cached).first else { throw TrackError.runNotFound(id) }
            return run
        }
    }

    public func updateRun(id: String, _ update: RunUpdate) async throws -> RunInfo {
        try Validation.validateRunID(id)
        if let runName = update.runName {
            _ = try Validation.validatedTag(Tag(key: Self.runNameTag, value: runName))
        }
        return try await write { db in
            let row = try Self.activeRunRow(db, runID: id)
            if let status = update.status {
                try db.execute(sql: "UPDATE runs SET status = ? WHERE run_key = ?", arguments: [status.rawValue, row.runKey])
            }
            if let endTime = update.endTime {
                try db.execute(sql: "UPDATE runs SET end_time = ? WHERE run_key = ?", arguments: [endTime, row.runKey])
            }
            if let runName = update.runName, !runName.isEmpty {
                try db.execute(sql: "UPDATE runs SET name = ? WHERE run_key = ?", arguments: [runName, row.runKey])
                try db.execute(
                    sql: "INSERT OR REPLACE INTO tags (run_key, key, value) VALUES (?, ?, ?)",
                    arguments: [row.runKey, Self.runNameTag, runName]
                )
            }
            guard let info = try Self.loadRunInfos(db, runKeys: [row.runKey]).first?.info else { throw TrackError.runNotFound(id) }
            return info
        }
    }

    public func deleteRun(id: String) async throws {
        try await setRunStage(id: id, stage: .deleted)
    }

    public func restoreRun(id: String) async throws {
        try await setRunStage(id: id, stage: .active)
    }

    private func setRunStage(id: String, stage: LifecycleStage) async throws {
        try Validation.validateRunID(id)
        let now = Clock.nowMilliseconds()
        try await write { db in
            let row = try Self.runRow(db, runID: id)
            try db.execute(
                sql: "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_key = ?",
                arguments: [stage.rawValue, stage == .deleted ? now : nil, row.runKey]
            )
        }
    }

    public func searchRuns(_ query: RunQuery) async throws -> Page<Run> {
        try Validation.validateMaxResults(query.maxResults, limit: Validation.maxRunsSearchResults)
        let offset = try PageToken.decodeOffset(query.pageToken)
        let numbers = try query.experimentIDs.map { id throws(TrackError) in try Validation.experimentNumber(id) }
        if numbers.isEmpty { return Page(items: []) }
        let sql = try RunSearchSQL(query: query, experimentNumbers: numbers, limit: query.maxResults + 1, offset: offset)
        let cached = (cache: runCache, ticket: runCache.ticket())
        return try await read { db in
            let keys = try Int64.fetchAll(db, sql: sql.sql, arguments: sql.arguments)
            let hasMore = keys.count > query.maxResults
            let runs = try Self.loadRuns(db, runKeys: Array(keys.prefix(query.maxResults)), through: cached)
            return Page(items: runs, nextPageToken: hasMore ? PageToken.offset(offset + query.maxResults) : nil)
        }
    }

    // MARK: - Loading

    /// The artifact location of an experiment that new runs and models may go into: it must
    /// exist and be active.
    static func activeExperimentArtifactLocation(_ db: Database, number: Int64, id: String) throws -> String {
        guard let experiment = try Row.fetchOne(
            db, sql: "SELECT artifact_location, lifecycle_stage FROM experiments WHERE experiment_id = ?", arguments: [number]
        ) else {
            throw TrackError.experimentNotFound(id)
        }
        let stage: String = experiment[1]
        if stage != LifecycleStage.active.rawValue {
            throw TrackError.invalidParameter("The experiment \(id) must be in the 'active' state. Current state is \(stage).")
        }
        return experiment[0]
    }

    static func joinURI(_ parts: String...) -> String {
        var result = ""
        for part in parts {
            if result.isEmpty {
                result = part
            } else {
                result = (result.hasSuffix("/") ? String(result.dropLast()) : result) + "/" + part
            }
        }
        return result
    }

    /// Loads run infos for the keys, in the order of `runKeys`.
    static func loadRunInfos(_ db: Database, runKeys: [Int64]) throws -> [(key: Int64, info: RunInfo)] {
        if runKeys.isEmpty { return [] }
        var byKey: [Int64: RunInfo] = [:]
        byKey.reserveCapacity(runKeys.count)
        let select = try db.cachedStatement(sql: """
            SELECT run_key, run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage
            FROM runs WHERE \(runKeyIn)
            """)
        let rows = try Row.fetchCursor(select, arguments: [keyList(runKeys)])
        while let row = try rows.next() {
            let experimentID: Int64 = row[2]
            byKey[row[0]] = RunInfo(
                runID: row[1], experimentID: String(experimentID), runName: row[3], userID: row[4],
                status: RunStatus(rawValue: row[5]) ?? .running, startTime: row[6], endTime: row[7],
                artifactURI: row[8], lifecycleStage: LifecycleStage(rawValue: row[9]) ?? .active
            )
        }
        return runKeys.compactMap { key in byKey[key].map { (key, $0) } }
    }

    /// `run_key` among the keys of a JSON array bound as the statement's argument: one cached
    /// statement for any number of keys, instead of SQL text (and a compile) per list length.
    static let runKeyIn = "run_key IN (SELECT value FROM json_each(?))"

    /// Row keys as the JSON array that ``runKeyIn`` reads.
    static func keyList(_ keys: some Collection<Int64>) -> String {
        var text = "["
        text.reserveCapacity(keys.count * 8 + 2)
        for (index, key) in keys.enumerated() {
            if index > 0 { text += "," }
            text += String(key)
        }
        return text + "]"
    }

    /// Loads whole runs (info, params, tags, latest metrics, inputs, outputs) in the order of
    /// `runKeys`, unknown keys left out; params, tags and metrics in the byte order of their keys.
    ///
    /// `through` a cache, the runs it holds come from it and the others are stored in it. Its
    /// ticket must have been taken before the transaction of `db` began (see ``RunCache``).
    static func loadRuns(
        _ db: Database, runKeys: [Int64], through cached: (cache: RunCache, ticket: RunCache.Ticket)? = nil
    ) throws -> [Run] {
        guard let cached else { return try loadRunsFromTables(db, runKeys: runKeys).map(\.run) }
        var found = cached.cache.runs(for: runKeys)
        if found.count < runKeys.count {
            let loaded = try loadRunsFromTables(db, runKeys: runKeys.filter { found[$0] == nil })
            cached.cache.store(loaded, ticket: cached.ticket)
            for item in loaded { found[item.key] = item.run }
        }
        return runKeys.compactMap { found[$0] }
    }

    /// Reads whole runs from their tables, in the order of `runKeys`, unknown keys left out.
    private static func loadRunsFromTables(_ db: Database, runKeys: [Int64]) throws -> [(key: Int64, run: Run)] {
        let infos = try loadRunInfos(db, runKeys: runKeys)
        if infos.isEmpty { return [] }
        var slots = RunSlots(infos.map(\.key))
        var params = slots.lists(of: Param.self)
        var tags = slots.lists(of: Tag.self)
        var metrics = slots.lists(of: Metric.self)
        var datasets = slots.lists(of: DatasetInput.self)
        var modelInputs = slots.lists(of: ModelReference.self)
        var modelOutputs = slots.lists(of: ModelReference.self)
        let arguments: StatementArguments = [keyList(runKeys)]
        // Rows come in the order of the primary keys, `(run_key, key)`: each run's rows together.
        var cursor = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT run_key, key, value FROM params WHERE \(runKeyIn) ORDER BY run_key, key"), arguments: arguments
        )
        while let row = try cursor.next() {
            if let index = slots.index(of: row[0]) { params[index].append(Param(key: row[1], value: row[2])) }
        }
        cursor = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT run_key, key, value FROM tags WHERE \(runKeyIn) ORDER BY run_key, key"), arguments: arguments
        )
        while let row = try cursor.next() {
            if let index = slots.index(of: row[0]) { tags[index].append(Tag(key: row[1], value: row[2])) }
        }
        cursor = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT run_key, key, last_value_bits, last_timestamp, last_step FROM metric_series
                WHERE \(runKeyIn) ORDER BY run_key, key
                """),
            arguments: arguments
        )
        while let row = try cursor.next() {
            if let index = slots.index(of: row[0]) {
                metrics[index].append(Metric(key: row[1], value: Double(orderPreservingBits: row[2]), timestamp: row[3], step: row[4]))
            }
        }
        cursor = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT run_key, name, digest, source_type, source, schema, profile, tags_json FROM dataset_inputs
                WHERE \(runKeyIn) ORDER BY position
                """),
            arguments: arguments
        )
        while let row = try cursor.next() {
            guard let index = slots.index(of: row[0]) else { continue }
            let dataset = Dataset(name: row[1], digest: row[2], sourceType: row[3], source: row[4], schema: row[5], profile: row[6])
            datasets[index].append(DatasetInput(tags: decodeTags(row[7]), dataset: dataset))
        }
        cursor = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT run_key, direction, model_id, step FROM model_references WHERE \(runKeyIn)"),
            arguments: arguments
        )
        while let row = try cursor.next() {
            guard let index = slots.index(of: row[0]) else { continue }
            let reference = ModelReference(modelID: row[2], step: row[3])
            if (row[1] as String) == "input" {
                modelInputs[index].append(reference)
            } else {
                modelOutputs[index].append(reference)
            }
        }
        return infos.indices.map { index in
            let run = Run(
                info: infos[index].info,
                data: RunData(metrics: metrics[index], params: params[index], tags: tags[index]),
                inputs: RunInputs(datasetInputs: datasets[index], modelInputs: modelInputs[index]),
                outputs: RunOutputs(modelOutputs: modelOutputs[index])
            )
            return (infos[index].key, run)
        }
    }

    /// The position of each loaded run, found once per run while rows of one run follow each other.
    struct RunSlots {
        private let positions: [Int64: Int]
        private let count: Int
        private var lastKey: Int64?
        private var lastIndex: Int?

        init(_ keys: [Int64]) {
            var positions: [Int64: Int] = [:]
            positions.reserveCapacity(keys.count)
            for (index, key) in keys.enumerated() { positions[key] = index }
            self.positions = positions
            self.count = keys.count
        }

        func lists<T>(of type: T.Type) -> [[T]] { Array(repeating: [], count: count) }

        /// The position of the run `key`, nil if it is not one of the loaded runs.
        mutating func index(of key: Int64) -> Int? {
            if key != lastKey {
                lastKey = key
                lastIndex = positions[key]
            }
            return lastIndex
        }
    }

    static func encodeTags(_ tags: [Tag]) -> String {
        let object = tags.map { ["key": $0.key, "value": $0.value] }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeTags(_ json: String) -> [Tag] {
        guard let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: String]] else { return [] }
        return array.compactMap { item in
            guard let key = item["key"], let value = item["value"] else { return nil }
            return Tag(key: key, value: value)
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
