import TrackCore

/// Logged models (MLflow 3): creation, finalizing, tags and params, deletion, metrics logged
/// against them, and search.
extension StoreConformance {
    static var loggedModelChecks: [Check] {
        [
            ("loggedModels.createAndGet", { try await $0.loggedModelsCreateAndGet() }),
            ("loggedModels.createRefusesBadInput", { try await $0.loggedModelsCreateRefusesBadInput() }),
            ("loggedModels.finalizeTagsParams", { try await $0.loggedModelsFinalizeTagsParams() }),
            ("loggedModels.deleteHidesTheModel", { try await $0.loggedModelsDeleteHidesTheModel() }),
            ("loggedModels.metricsKeepEveryPoint", { try await $0.loggedModelsMetricsKeepEveryPoint() }),
            ("loggedModels.metricsForAnUnknownModelWriteNothing", { try await $0.loggedModelsUnknownModelWritesNothing() }),
            ("loggedModels.searchFiltersOrdersAndPages", { try await $0.loggedModelsSearch() }),
        ]
    }

    func loggedModelsCreateAndGet() async throws {
        let store = try await makeStore()
        let experimentID = try await makeExperiment(store, "models")
        let run = try await makeRun(store, in: experimentID, name: "trainer")
        let created = try await store.createLoggedModel(LoggedModelCreation(
            experimentID: experimentID, name: "classifier", modelType: "sklearn", sourceRunID: run.info.runID,
            params: [Param(key: "depth", value: "4")], tags: [Tag(key: "team", value: "vision"), Tag(key: "a", value: "1")]
        ))
        try expect(created.modelID.hasPrefix("m-") && created.modelID.count == 34, "model id is m- and 32 hex characters, got \(show(created.modelID))")
        try expectEqual(created.name, "classifier", "name")
        try expectEqual(created.experimentID, experimentID, "experiment id")
        try expectEqual(created.status, .pending, "a new model is pending")
        try expectEqual(created.modelType, "sklearn", "model type")
        try expectEqual(created.sourceRunID, run.info.runID, "source run")
        try expectEqual(created.artifactURI, "mlflow-artifacts:/\(experimentID)/models/\(created.modelID)/artifacts", "artifact location")
        try expectEqual(created.tags, [Tag(key: "a", value: "1"), Tag(key: "team", value: "vision")], "tags, sorted by key")
        try expectEqual(created.params, [Param(key: "depth", value: "4")], "params")
        try expect(created.creationTime > 0 && created.lastUpdateTime == created.creationTime, "creation and update times are set and equal")
        try expectEqual(try await store.loggedModel(id: created.modelID), created, "loggedModel(id:) returns what was created")

        let unnamed = try await store.createLoggedModel(LoggedModelCreation(experimentID: experimentID))
        try expect(!unnamed.name.isEmpty && unnamed.modelID != created.modelID, "a model created without a name gets one, and its own id")
        try await expectError("an unknown model id", code: .resourceDoesNotExist, messageContains: ["m-0000"]) {
            try await store.loggedModel(id: "m-00000000000000000000000000000000")
        }
    }

    func loggedModelsCreateRefusesBadInput() async throws {
        let store = try await makeStore()
        try await expectError("an unknown experiment", code: .resourceDoesNotExist) {
            try await store.createLoggedModel(LoggedModelCreation(experimentID: "999"))
        }
        for name in ["a/b", "a.b", "", "x:y", "50%"] {
            try await expectError("model name \(show(name))", code: .invalidParameterValue, messageContains: ["Invalid model name"]) {
                try await store.createLoggedModel(LoggedModelCreation(experimentID: Experiment.defaultID, name: name))
            }
        }
        let experimentID = try await makeExperiment(store, "gone")
        try await store.deleteExperiment(id: experimentID)
        try await expectError("a deleted experiment", code: .invalidParameterValue, messageContains: ["active"]) {
            try await store.createLoggedModel(LoggedModelCreation(experimentID: experimentID, name: "m"))
        }
        let page = try await store.searchLoggedModels(LoggedModelQuery(experimentIDs: [Experiment.defaultID, experimentID]))
        try expect(page.items.isEmpty, "refused creations store nothing")
    }

    func loggedModelsFinalizeTagsParams() async throws {
        let store = try await makeStore()
        let model = try await store.createLoggedModel(LoggedModelCreation(experimentID: Experiment.defaultID, name: "m"))
        let ready = try await store.finalizeLoggedModel(id: model.modelID, status: .ready)
        try expectEqual(ready.status, .ready, "status after finalizing")
        try expect(ready.lastUpdateTime >= model.lastUpdateTime, "finalizing moves the update time forward")

        try await store.setLoggedModelTags(id: model.modelID, tags: [Tag(key: "stage", value: "a"), Tag(key: "x", value: "1")])
        try await store.setLoggedModelTags(id: model.modelID, tags: [Tag(key: "stage", value: "b")])
        try await store.deleteLoggedModelTag(id: model.modelID, key: "x")
        try await expectError("deleting a tag that is not set", code: .resourceDoesNotExist) {
            try await store.deleteLoggedModelTag(id: model.modelID, key: "x")
        }
        try await store.logLoggedModelParams(id: model.modelID, params: [Param(key: "lr", value: "0.1")])
        try await store.logLoggedModelParams(id: model.modelID, params: [Param(key: "lr", value: "0.1")])
        try await expectError("changing a param", code: .invalidParameterValue, messageContains: ["Changing param values is not allowed"]) {
            try await store.logLoggedModelParams(id: model.modelID, params: [Param(key: "lr", value: "0.2")])
        }
        let read = try await store.loggedModel(id: model.modelID)
        try expectEqual(read.tags, [Tag(key: "stage", value: "b")], "tags: overwritten, one deleted")
        try expectEqual(read.params, [Param(key: "lr", value: "0.1")], "params: written once")
        try expectEqual(read.status, .ready, "status kept")
    }

    func loggedModelsDeleteHidesTheModel() async throws {
        let store = try await makeStore()
        let model = try await store.createLoggedModel(LoggedModelCreation(experimentID: Experiment.defaultID, name: "m"))
        let kept = try await store.createLoggedModel(LoggedModelCreation(experimentID: Experiment.defaultID, name: "k"))
        try await store.deleteLoggedModel(id: model.modelID)
        try await expectError("reading a deleted model", code: .resourceDoesNotExist) { try await store.loggedModel(id: model.modelID) }
        try await expectError("finalizing a deleted model", code: .resourceDoesNotExist) {
            try await store.finalizeLoggedModel(id: model.modelID, status: .ready)
        }
        try await expectError("deleting it again", code: .resourceDoesNotExist) { try await store.deleteLoggedModel(id: model.modelID) }
        let found = try await store.searchLoggedModels(LoggedModelQuery(experimentIDs: [Experiment.defaultID])).items.map(\.modelID)
        try expectEqual(found, [kept.modelID], "search leaves deleted models out")
    }

    func loggedModelsMetricsKeepEveryPoint() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store, name: "r")
        let model = try await store.createLoggedModel(LoggedModelCreation(experimentID: Experiment.defaultID, name: "m", sourceRunID: run.info.runID))
        let other = try await store.createLoggedModel(LoggedModelCreation(experimentID: Experiment.defaultID, name: "other", sourceRunID: run.info.runID))
        func linked(_ metric: Metric, dataset: String? = nil, to id: String = model.modelID) -> LoggedModelMetric {
            LoggedModelMetric(modelID: id, metric: metric, datasetName: dataset, datasetDigest: dataset.map { "d-\($0)" })
        }
        let first = Metric(key: "acc", value: 0.5, timestamp: 100, step: 1)
        let newer = Metric(key: "acc", value: 0.75, timestamp: 200, step: 2)
        let older = Metric(key: "acc", value: 0.1, timestamp: 50, step: 0)
        let onEval = Metric(key: "acc", value: .nan, timestamp: 100, step: 1)
        try await store.logBatch(runID: run.info.runID, metrics: [first], params: [], tags: [], modelMetrics: [linked(first)])
        try await store.logBatch(
            runID: run.info.runID, metrics: [newer, older, onEval], params: [], tags: [],
            modelMetrics: [linked(newer), linked(older), linked(onEval, dataset: "eval")]
        )
        // A retried batch, and another value for a point already kept: nothing changes.
        try await store.logBatch(runID: run.info.runID, metrics: [first], params: [], tags: [], modelMetrics: [linked(first)])
        let changed = Metric(key: "acc", value: 0.99, timestamp: 100, step: 1)
        try await store.logBatch(runID: run.info.runID, metrics: [changed], params: [], tags: [], modelMetrics: [linked(changed)])
        try await store.logBatch(runID: run.info.runID, metrics: [older], params: [], tags: [], modelMetrics: [linked(older, to: other.modelID)])

        let read = try await store.loggedModel(id: model.modelID)
        try expectEqual(
            read.metrics.map(\.metric.value.bitPattern), [older, first, onEval, newer].map(\.value.bitPattern),
            "every point, by time, then step, run and dataset (the first value of a point stays; NaN kept bit for bit)"
        )
        try expectEqual(read.metrics.map(\.metric.timestamp), [50, 100, 100, 200], "timestamps")
        try expectEqual(read.metrics.map(\.runID), Array(repeating: run.info.runID, count: 4), "each point names its run")
        try expectEqual(read.metrics.map(\.datasetName), [nil, nil, "eval", nil], "dataset names")
        try expectEqual(read.metrics.map(\.datasetDigest), [nil, nil, "d-eval", nil], "dataset digests")
        try expectEqual(try await store.loggedModel(id: other.modelID).metrics.map(\.metric), [older], "another model keeps its own points")

        // A filter matches any point; an order uses the latest.
        let matched = try await store.searchLoggedModels(LoggedModelQuery(experimentIDs: [Experiment.defaultID], filter: try LoggedModelFilterParser.parse("metrics.acc < 0.2")))
        try expectEqual(Set(matched.items.map(\.modelID)), [model.modelID, other.modelID], "metrics.acc < 0.2 matches an earlier point")
        let ordered = try await store.searchLoggedModels(LoggedModelQuery(
            experimentIDs: [Experiment.defaultID], orderBy: [LoggedModelOrder(entity: .metric, key: "acc", ascending: false)]
        ))
        try expectEqual(ordered.items.map(\.modelID), [model.modelID, other.modelID], "ordered by the latest acc (0.75, then 0.1)")
        let history = try await store.metricHistory(runID: run.info.runID, key: "acc", maxResults: 100, pageToken: nil).items
        try expectEqual(history.count, 5, "every point is in the run's own history too")
    }

    func loggedModelsUnknownModelWritesNothing() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store, name: "r")
        let metric = Metric(key: "loss", value: 1, timestamp: 1, step: 0)
        try await expectError("a metric naming an unknown model", code: .resourceDoesNotExist) {
            try await store.logBatch(
                runID: run.info.runID, metrics: [metric], params: [], tags: [],
                modelMetrics: [LoggedModelMetric(modelID: "m-00000000000000000000000000000009", metric: metric)]
            )
        }
        let history = try await store.metricHistory(runID: run.info.runID, key: "loss", maxResults: 100, pageToken: nil).items
        try expect(history.isEmpty, "the refused batch wrote nothing to the run either, got \(show(history))")
    }

    func loggedModelsSearch() async throws {
        let store = try await makeStore()
        let experimentID = try await makeExperiment(store, "search")
        let other = try await makeExperiment(store, "other")
        let run = try await makeRun(store, in: experimentID, name: "r")
        var ids: [String: String] = [:]
        for (index, name) in ["alpha", "beta", "gamma", "delta"].enumerated() {
            let model = try await store.createLoggedModel(LoggedModelCreation(
                experimentID: experimentID, name: name, modelType: index == 3 ? nil : "pyfunc",
                params: [Param(key: "size", value: String(index))], tags: [Tag(key: "group", value: index % 2 == 0 ? "even" : "odd")]
            ))
            ids[name] = model.modelID
            if index < 3 {
                let accuracy = Metric(key: "acc", value: [0.9, 0.7, 0.8][index], timestamp: 10, step: 0)
                try await store.logBatch(runID: run.info.runID, metrics: [accuracy], params: [], tags: [], modelMetrics: [
                    LoggedModelMetric(modelID: model.modelID, metric: accuracy, datasetName: index == 0 ? "eval" : "train"),
                ])
            }
            try await Task.sleep(for: .milliseconds(3))  // distinct creation times
        }
        _ = try await store.createLoggedModel(LoggedModelCreation(experimentID: other, name: "elsewhere"))
        try await store.finalizeLoggedModel(id: ids["beta"]!, status: .ready)

        func names(_ filter: String = "", order: [LoggedModelOrder] = [], datasets: [LoggedModelDatasetFilter] = []) async throws -> [String] {
            let query = LoggedModelQuery(experimentIDs: [experimentID], filter: try LoggedModelFilterParser.parse(filter), datasets: datasets, orderBy: order)
            return try await store.searchLoggedModels(query).items.map(\.name)
        }
        try expectEqual(try await names(), ["delta", "gamma", "beta", "alpha"], "default order: newest first, only the asked experiment")
        try expectEqual(try await names("name = 'beta'"), ["beta"], "name =")
        try expectEqual(try await names("name LIKE '%a'"), ["delta", "gamma", "beta", "alpha"], "name LIKE")
        try expectEqual(try await names("name ILIKE 'AL%'"), ["alpha"], "name ILIKE")
        try expectEqual(try await names("status = 'READY'"), ["beta"], "status by its short name")
        try expectEqual(try await names("status = 'LOGGED_MODEL_PENDING'"), ["delta", "gamma", "alpha"], "status by its wire name")
        try expectEqual(try await names("metrics.acc > 0.75"), ["gamma", "alpha"], "metric comparison")
        try expectEqual(try await names("params.size IN ('1', '2')"), ["gamma", "beta"], "param IN")
        try expectEqual(try await names("tags.group = 'odd' AND model_type = 'pyfunc'"), ["beta"], "tag and attribute, AND-ed")
        try expectEqual(try await names("metrics.acc > 0", datasets: [LoggedModelDatasetFilter(name: "train")]), ["gamma", "beta"], "metrics restricted to a dataset")
        try expectEqual(try await names(datasets: [LoggedModelDatasetFilter(name: "eval")]), ["alpha"], "models with a metric on a dataset")
        try expectEqual(
            try await names(order: [LoggedModelOrder(entity: .metric, key: "acc", ascending: false)]), ["alpha", "gamma", "beta", "delta"],
            "order by a metric, descending; a model without it last"
        )
        try expectEqual(
            try await names(order: [LoggedModelOrder(entity: .attribute, key: "name", ascending: true)]), ["alpha", "beta", "delta", "gamma"],
            "order by name"
        )

        var query = LoggedModelQuery(experimentIDs: [experimentID], maxResults: 3)
        let first = try await store.searchLoggedModels(query)
        try expectEqual(first.items.map(\.name), ["delta", "gamma", "beta"], "first page")
        let token = try unwrap(first.nextPageToken, "a next page token")
        query.pageToken = token
        let second = try await store.searchLoggedModels(query)
        try expectEqual(second.items.map(\.name), ["alpha"], "second page")
        try expect(second.nextPageToken == nil, "no token after the last page")
    }
}
