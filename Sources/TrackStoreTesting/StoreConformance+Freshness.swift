import TrackCore

/// Reads after an acknowledged write show it, however often the run was read before: a store
/// that keeps loaded runs around must let go of them on every kind of write.
extension StoreConformance {
    static var freshnessChecks: [Check] {
        [
            ("freshness.readsSeeEveryKindOfWrite", { try await $0.freshnessReadsSeeEveryKindOfWrite() }),
            ("freshness.concurrentReadersNeverHideAnAcknowledgedWrite", { try await $0.freshnessConcurrentReaders() }),
        ]
    }

    /// The run as `run(id:)` and as a search of its experiment (every lifecycle stage) show it;
    /// both must agree.
    private func readBothWays(_ store: Store, _ runID: String, _ experimentID: String, _ step: String) async throws -> Run {
        let direct = try await store.run(id: runID)
        let found = try await store.searchRuns(RunQuery(experimentIDs: [experimentID], viewType: .all)).items
        let searched = found.first { $0.info.runID == runID }
        try expect(searched != nil, "\(step): searchRuns no longer returns the run")
        try expectEqual(sortedRun(searched!), sortedRun(direct), "\(step): searchRuns and run(id:) disagree")
        return direct
    }

    private func sortedRun(_ run: Run) -> Run {
        var run = run
        run.data.params = sortedByKey(run.data.params)
        run.data.tags = sortedByKey(run.data.tags)
        run.data.metrics.sort { $0.key < $1.key }
        return run
    }

    func freshnessReadsSeeEveryKindOfWrite() async throws {
        let store = try await makeStore()
        let experimentID = try await makeExperiment(store, "freshness")
        let runID = try await makeRun(store, in: experimentID, name: "fresh").info.runID
        // Every read below comes after the same run was read (and possibly kept) before the write.
        _ = try await readBothWays(store, runID, experimentID, "before any write")
        _ = try await readBothWays(store, runID, experimentID, "read again")

        try await log(store, runID, metrics: [Metric(key: "loss", value: 1.5, timestamp: 10, step: 1)])
        var run = try await readBothWays(store, runID, experimentID, "after the first metric")
        try expectEqual(run.data.metrics, [Metric(key: "loss", value: 1.5, timestamp: 10, step: 1)], "latest metrics after the first point")

        try await log(store, runID, metrics: [Metric(key: "loss", value: 0.5, timestamp: 20, step: 2)])
        run = try await readBothWays(store, runID, experimentID, "after a newer point")
        try expectEqual(run.data.metrics, [Metric(key: "loss", value: 0.5, timestamp: 20, step: 2)], "latest metrics after a newer point")

        try await log(store, runID, params: [Param(key: "lr", value: "0.1")])
        run = try await readBothWays(store, runID, experimentID, "after a param")
        try expectEqual(run.data.params, [Param(key: "lr", value: "0.1")], "params after logging one")

        try await log(store, runID, tags: [Tag(key: "team", value: "vision")])
        run = try await readBothWays(store, runID, experimentID, "after a tag")
        try expectEqual(value(of: "team", in: run.data.tags), "vision", "tag team after setting it")

        try await log(store, runID, tags: [Tag(key: "team", value: "nlp")])
        run = try await readBothWays(store, runID, experimentID, "after overwriting a tag")
        try expectEqual(value(of: "team", in: run.data.tags), "nlp", "tag team after overwriting it")

        try await store.deleteRunTag(runID: runID, key: "team")
        run = try await readBothWays(store, runID, experimentID, "after deleting a tag")
        try expectEqual(value(of: "team", in: run.data.tags), nil, "tag team after deleting it")

        _ = try await store.updateRun(id: runID, RunUpdate(status: .finished, endTime: 99, runName: "renamed"))
        run = try await readBothWays(store, runID, experimentID, "after updateRun")
        try expectEqual(run.info.status, .finished, "status after updateRun")
        try expectEqual(run.info.endTime, 99, "end time after updateRun")
        try expectEqual(run.info.runName, "renamed", "name after updateRun")
        try expectEqual(value(of: Self.runNameTag, in: run.data.tags), "renamed", "tag mlflow.runName after updateRun")

        let dataset = DatasetInput(
            tags: [Tag(key: "mlflow.data.context", value: "training")],
            dataset: Dataset(name: "mnist", digest: "d1", sourceType: "local", source: "{}")
        )
        try await store.logInputs(runID: runID, datasets: [dataset], models: [ModelReference(modelID: "m-in", step: 1)])
        run = try await readBothWays(store, runID, experimentID, "after logInputs")
        try expectEqual(run.inputs.datasetInputs, [dataset], "dataset inputs after logInputs")
        try expectEqual(run.inputs.modelInputs, [ModelReference(modelID: "m-in", step: 1)], "model inputs after logInputs")

        try await store.logOutputs(runID: runID, models: [ModelReference(modelID: "m-out", step: 2)])
        run = try await readBothWays(store, runID, experimentID, "after logOutputs")
        try expectEqual(run.outputs.modelOutputs, [ModelReference(modelID: "m-out", step: 2)], "model outputs after logOutputs")

        let lifecycleChanges: [(step: String, change: () async throws -> Void, stage: LifecycleStage)] = [
            ("deleteRun", { try await store.deleteRun(id: runID) }, .deleted),
            ("restoreRun", { try await store.restoreRun(id: runID) }, .active),
            ("deleteExperiment", { try await store.deleteExperiment(id: experimentID) }, .deleted),
            ("restoreExperiment", { try await store.restoreExperiment(id: experimentID) }, .active),
        ]
        for (step, change, stage) in lifecycleChanges {
            try await change()
            run = try await readBothWays(store, runID, experimentID, "after \(step)")
            try expectEqual(run.info.lifecycleStage, stage, "lifecycle stage of the run after \(step)")
        }
    }

    /// Readers hammer a run while it is written; every read that starts after a write was
    /// acknowledged must show that write, whatever the other readers loaded meanwhile.
    func freshnessConcurrentReaders() async throws {
        let store = try await makeStore()
        let experimentID = try await makeExperiment(store, "freshness-concurrent")
        let runID = try await makeRun(store, in: experimentID, name: "busy").info.runID
        let writes = 60
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    for _ in 0..<(writes * 4) {
                        _ = try await store.run(id: runID)
                        _ = try await store.searchRuns(RunQuery(experimentIDs: [experimentID]))
                    }
                }
            }
            group.addTask {
                for step in 1...writes {
                    let point = Metric(key: "acc", value: Double(step), timestamp: Int64(step), step: Int64(step))
                    try await store.logBatch(runID: runID, metrics: [point], params: [], tags: [Tag(key: "step", value: String(step))])
                    let direct = try await store.run(id: runID)
                    try expectEqual(direct.data.metrics, [point], "run(id:) right after write \(step) was acknowledged")
                    try expectEqual(value(of: "step", in: direct.data.tags), String(step), "run(id:) tag right after write \(step)")
                    let searched = try await store.searchRuns(RunQuery(experimentIDs: [experimentID])).items
                    try expectEqual(searched.first?.data.metrics, [point], "searchRuns right after write \(step) was acknowledged")
                }
            }
            try await group.waitForAll()
        }
    }
}
