import TrackCore

extension StoreConformance {
    static var runChecks: [Check] {
        [
            ("runs.createDefaults", { try await $0.runCreateDefaults() }),
            ("runs.generatedNameRecordedAsTag", { try await $0.runGeneratedNameRecordedAsTag() }),
            ("runs.runNameArgumentAndTag", { try await $0.runNameArgumentAndTag() }),
            ("runs.conflictingRunNameTagRejected", { try await $0.runConflictingRunNameTagRejected() }),
            ("runs.createTagsStored", { try await $0.runCreateTagsStored() }),
            ("runs.createInDeletedExperimentRejected", { try await $0.runCreateInDeletedExperimentRejected() }),
            ("runs.createInUnknownExperimentNotFound", { try await $0.runCreateInUnknownExperimentNotFound() }),
            ("runs.artifactURI", { try await $0.runArtifactURI() }),
            ("runs.idsAre32LowercaseHex", { try await $0.runIDsAre32LowercaseHex() }),
            ("runs.getUnknownNotFound", { try await $0.runGetUnknownNotFound() }),
            ("runs.malformedIDRejected", { try await $0.runMalformedIDRejected() }),
            ("runs.updateStatusAndEndTime", { try await $0.runUpdateStatusAndEndTime() }),
            ("runs.updateRunNameRewritesTag", { try await $0.runUpdateRunNameRewritesTag() }),
            ("runs.updateUnknownNotFound", { try await $0.runUpdateUnknownNotFound() }),
            ("runs.deleteAndRestore", { try await $0.runDeleteAndRestore() }),
            ("runs.deleteAndRestoreUnknownNotFound", { try await $0.runDeleteAndRestoreUnknownNotFound() }),
            ("runs.writesToDeletedRunRejected", { try await $0.runWritesToDeletedRunRejected() }),
            ("runs.emptyBatchToDeletedRunRejected", { try await $0.runEmptyBatchToDeletedRunRejected() }),
        ]
    }

    /// `adjective-animal-N` with N in 0...999, as MLflow generates run names.
    static func isGeneratedRunName(_ name: String) -> Bool {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let number = Int(parts[2]), (0...999).contains(number), String(number) == parts[2] else { return false }
        return parts[0...1].allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } }
    }

    static var runNameTag: String { "mlflow.runName" }

    /// A run id that is well-formed but belongs to no run.
    static var unknownRunID: String { "0123456789abcdef0123456789abcdef" }

    // MARK: - Checks

    func runCreateDefaults() async throws {
        let store = try await makeStore()
        let experimentID = try await makeExperiment(store, "runs")
        let created = try await expectSuccess("createRun") {
            try await store.createRun(RunCreation(experimentID: experimentID, userID: "alice", startTime: 1_700_000_000_123))
        }
        let info = created.info
        try expect(isLowercaseHex32(info.runID), "run id must be 32 lower-case hex characters, got \(show(info.runID))")
        try expectEqual(info.experimentID, experimentID, "experiment id of the new run")
        try expectEqual(info.userID, "alice", "user id of the new run")
        try expectEqual(info.status, .running, "status of a new run")
        try expectEqual(info.startTime, 1_700_000_000_123, "start time of the new run")
        try expectEqual(info.endTime, nil, "end time of a new run")
        try expectEqual(info.lifecycleStage, .active, "lifecycle stage of a new run")
        try expectEqual(info.artifactURI, "mlflow-artifacts:/\(experimentID)/\(info.runID)/artifacts", "artifact uri of the new run")
        try expectEqual(created.data.metrics, [], "metrics of a new run")
        try expectEqual(created.data.params, [], "params of a new run")
        try expectEqual(created.inputs, RunInputs(), "inputs of a new run")
        try expectEqual(created.outputs, RunOutputs(), "outputs of a new run")
        let fetched = try await store.run(id: info.runID)
        try expectEqual(fetched.info, info, "run(id:).info vs the info createRun returned")
        try expectEqual(sortedByKey(fetched.data.tags), sortedByKey(created.data.tags), "run(id:) tags vs createRun's")

        let minimal = try await expectSuccess("createRun with defaults") {
            try await store.createRun(RunCreation(experimentID: experimentID))
        }
        try expectEqual(minimal.info.userID, "", "user id when none is given")
        try expectEqual(minimal.info.startTime, 0, "start time when none is given")
    }

    func runGeneratedNameRecordedAsTag() async throws {
        let store = try await makeStore()
        for _ in 0..<5 {
            let run = try await makeRun(store)
            try expect(Self.isGeneratedRunName(run.info.runName), "generated run name must look like adjective-animal-N (N in 0...999), got \(show(run.info.runName))")
            try expectEqual(value(of: Self.runNameTag, in: run.data.tags), run.info.runName, "tag mlflow.runName of a run with a generated name (createRun result)")
            let fetched = try await store.run(id: run.info.runID)
            try expectEqual(fetched.info.runName, run.info.runName, "run(id:).info.runName")
            try expectEqual(value(of: Self.runNameTag, in: fetched.data.tags), run.info.runName, "tag mlflow.runName of a run with a generated name (run(id:))")
        }
    }

    func runNameArgumentAndTag() async throws {
        let store = try await makeStore()
        let byArgument = try await makeRun(store, name: "by-argument")
        try expectEqual(byArgument.info.runName, "by-argument", "run name from run_name")
        try expectEqual(value(of: Self.runNameTag, in: try await store.run(id: byArgument.info.runID).data.tags), "by-argument", "tag mlflow.runName from run_name")
        let byTag = try await makeRun(store, tags: [Tag(key: Self.runNameTag, value: "by-tag")])
        try expectEqual(byTag.info.runName, "by-tag", "run name from the mlflow.runName tag")
        try expectEqual(try await store.run(id: byTag.info.runID).info.runName, "by-tag", "run(id:) name from the mlflow.runName tag")
        let both = try await makeRun(store, name: "same", tags: [Tag(key: Self.runNameTag, value: "same")])
        try expectEqual(both.info.runName, "same", "run name when run_name and the tag agree")
        let fetched = try await store.run(id: both.info.runID)
        try expectEqual(fetched.data.tags.filter { $0.key == Self.runNameTag }, [Tag(key: Self.runNameTag, value: "same")], "mlflow.runName tags when run_name and the tag agree")
    }

    func runConflictingRunNameTagRejected() async throws {
        let store = try await makeStore()
        try await expectError(
            "createRun with run_name 'a' and tag mlflow.runName 'b'", code: .invalidParameterValue,
            messageContains: ["Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values"]
        ) {
            try await store.createRun(RunCreation(experimentID: "0", runName: "a", tags: [Tag(key: Self.runNameTag, value: "b")]))
        }
        let runs = try await searchAll(store, RunQuery(experimentIDs: ["0"], viewType: .all))
        try expectEqual(runs.count, 0, "runs stored by the refused createRun")
    }

    func runCreateTagsStored() async throws {
        let store = try await makeStore()
        let tags = [
            Tag(key: "mlflow.user", value: "alice"), Tag(key: "mlflow.source.type", value: "LOCAL"),
            Tag(key: "team", value: "vision"), Tag(key: "long", value: String(repeating: "t", count: 9000)),
        ]
        let run = try await makeRun(store, name: "tagged", tags: tags)
        let stored = try await store.run(id: run.info.runID).data.tags
        let expected = [
            Tag(key: "mlflow.user", value: "alice"), Tag(key: "mlflow.source.type", value: "LOCAL"),
            Tag(key: "team", value: "vision"), Tag(key: "long", value: String(repeating: "t", count: 8000)),
            Tag(key: Self.runNameTag, value: "tagged"),
        ]
        try expectEqual(sortedByKey(stored), sortedByKey(expected), "tags of a run created with tags (values over 8000 characters truncated)")
        try await expectError("createRun with an invalid tag key", code: .invalidParameterValue, messageContains: ["Names may only contain"]) {
            try await store.createRun(RunCreation(experimentID: "0", tags: [Tag(key: "bad key!*", value: "v")]))
        }
    }

    func runCreateInDeletedExperimentRejected() async throws {
        let store = try await makeStore()
        let id = try await makeExperiment(store, "deleted")
        try await store.deleteExperiment(id: id)
        try await expectError(
            "createRun in a deleted experiment", code: .invalidParameterValue,
            message: "The experiment \(id) must be in the 'active' state. Current state is deleted."
        ) {
            try await store.createRun(RunCreation(experimentID: id))
        }
        let runs = try await searchAll(store, RunQuery(experimentIDs: [id], viewType: .all))
        try expectEqual(runs.count, 0, "runs stored by the refused createRun")
    }

    func runCreateInUnknownExperimentNotFound() async throws {
        let store = try await makeStore()
        try await expectError("createRun in unknown experiment 9999", code: .resourceDoesNotExist, messageContains: ["9999"]) {
            try await store.createRun(RunCreation(experimentID: "9999"))
        }
    }

    func runArtifactURI() async throws {
        let store = try await makeStore()
        let custom = try await expectSuccess("createExperiment with an artifact location") {
            try await store.createExperiment(name: "custom", artifactLocation: "s3://bucket/some/prefix", tags: [])
        }
        let run = try await makeRun(store, in: custom)
        try expectEqual(run.info.artifactURI, "s3://bucket/some/prefix/\(run.info.runID)/artifacts", "artifact uri in an experiment with a custom location")
        let defaultRun = try await makeRun(store)
        try expectEqual(defaultRun.info.artifactURI, "mlflow-artifacts:/0/\(defaultRun.info.runID)/artifacts", "artifact uri in the default experiment")
        try expectEqual(try await store.run(id: run.info.runID).info.artifactURI, run.info.artifactURI, "run(id:).info.artifactURI")
    }

    func runIDsAre32LowercaseHex() async throws {
        let store = try await makeStore()
        var ids = Set<String>()
        for _ in 0..<25 {
            let run = try await makeRun(store)
            try expect(isLowercaseHex32(run.info.runID), "run id must be 32 lower-case hex characters, got \(show(run.info.runID))")
            ids.insert(run.info.runID)
        }
        try expectEqual(ids.count, 25, "distinct run ids among 25 new runs")
    }

    func runGetUnknownNotFound() async throws {
        let store = try await makeStore()
        try await expectError("run(id:) of an unknown id", code: .resourceDoesNotExist, message: "Run with id=\(Self.unknownRunID) not found") {
            try await store.run(id: Self.unknownRunID)
        }
    }

    func runMalformedIDRejected() async throws {
        let store = try await makeStore()
        for bad in ["not a run!", "../etc/passwd", ""] {
            try await expectError("run(id: \(show(bad)))", code: .invalidParameterValue) {
                try await store.run(id: bad)
            }
        }
    }

    func runUpdateStatusAndEndTime() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store, name: "to-update", startTime: 1000)
        let id = run.info.runID
        let finished = try await expectSuccess("updateRun(status: FINISHED, endTime: 5000)") {
            try await store.updateRun(id: id, RunUpdate(status: .finished, endTime: 5000))
        }
        try expectEqual(finished.status, .finished, "status returned by updateRun")
        try expectEqual(finished.endTime, 5000, "end time returned by updateRun")
        try expectEqual(finished.runName, "to-update", "run name returned by updateRun without run_name")
        try expectEqual(try await store.run(id: id).info, finished, "run(id:).info vs updateRun's result")
        // nil fields stay as they are.
        let failed = try await store.updateRun(id: id, RunUpdate(status: .failed))
        try expectEqual(failed.status, .failed, "status after updateRun(status: FAILED)")
        try expectEqual(failed.endTime, 5000, "end time after an update without end_time")
        let resumed = try await store.updateRun(id: id, RunUpdate(endTime: 7000))
        try expectEqual(resumed.status, .failed, "status after an update without status")
        try expectEqual(resumed.endTime, 7000, "end time after updateRun(endTime: 7000)")
        for status in RunStatus.allCases {
            try expectEqual(try await store.updateRun(id: id, RunUpdate(status: status)).status, status, "status after updateRun(status: \(status.rawValue))")
            try expectEqual(try await store.run(id: id).info.status, status, "run(id:) status after updateRun(status: \(status.rawValue))")
        }
        let info = try await store.run(id: id).info
        try expectEqual(info.startTime, 1000, "start time after updates")
        try expectEqual(info.runName, "to-update", "run name after updates without run_name")
    }

    func runUpdateRunNameRewritesTag() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store, name: "before")
        let info = try await store.updateRun(id: run.info.runID, RunUpdate(runName: "after"))
        try expectEqual(info.runName, "after", "run name returned by updateRun(runName:)")
        let fetched = try await store.run(id: run.info.runID)
        try expectEqual(fetched.info.runName, "after", "run(id:) name after rename")
        try expectEqual(fetched.data.tags.filter { $0.key == Self.runNameTag }, [Tag(key: Self.runNameTag, value: "after")], "mlflow.runName tags after rename")
        try expectEqual(fetched.info.status, .running, "status after a rename")
    }

    func runUpdateUnknownNotFound() async throws {
        let store = try await makeStore()
        try await expectError("updateRun of an unknown run", code: .resourceDoesNotExist) {
            try await store.updateRun(id: Self.unknownRunID, RunUpdate(status: .finished))
        }
    }

    func runDeleteAndRestore() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store, name: "mortal")
        let keeper = try await makeRun(store, name: "keeper")
        try await store.deleteRun(id: run.info.runID)
        let deleted = try await store.run(id: run.info.runID)
        try expectEqual(deleted.info.lifecycleStage, .deleted, "lifecycle stage after deleteRun")
        try expectEqual(deleted.info.runName, "mortal", "run(id:) still returns a deleted run")
        try expectEqual(try await store.run(id: keeper.info.runID).info.lifecycleStage, .active, "lifecycle stage of another run")
        let active = try await searchAll(store, RunQuery(experimentIDs: ["0"]))
        try expectEqual(active.map(\.info.runName), ["keeper"], "ACTIVE_ONLY runs after deleteRun")
        let deletedOnly = try await searchAll(store, RunQuery(experimentIDs: ["0"], viewType: .deletedOnly))
        try expectEqual(deletedOnly.map(\.info.runName), ["mortal"], "DELETED_ONLY runs after deleteRun")
        try await store.restoreRun(id: run.info.runID)
        try expectEqual(try await store.run(id: run.info.runID).info.lifecycleStage, .active, "lifecycle stage after restoreRun")
        try expectEqual(try await searchAll(store, RunQuery(experimentIDs: ["0"], viewType: .deletedOnly)).count, 0, "DELETED_ONLY runs after restoreRun")
        try await log(store, run.info.runID, params: [Param(key: "p", value: "v")])
    }

    func runDeleteAndRestoreUnknownNotFound() async throws {
        let store = try await makeStore()
        try await expectError("deleteRun of an unknown run", code: .resourceDoesNotExist) {
            try await store.deleteRun(id: Self.unknownRunID)
        }
        try await expectError("restoreRun of an unknown run", code: .resourceDoesNotExist) {
            try await store.restoreRun(id: Self.unknownRunID)
        }
    }

    func runWritesToDeletedRunRejected() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store, name: "deleted-run")
        let id = run.info.runID
        try await log(store, id, tags: [Tag(key: "existing", value: "v")])
        try await store.deleteRun(id: id)
        let message = "The run \(id) must be in the 'active' state. Current state is deleted."
        try await expectError("logBatch(metrics) to a deleted run", code: .invalidParameterValue, message: message) {
            try await store.logBatch(runID: id, metrics: [Metric(key: "m", value: 1, timestamp: 1)], params: [], tags: [])
        }
        try await expectError("logBatch(params) to a deleted run", code: .invalidParameterValue, message: message) {
            try await store.logBatch(runID: id, metrics: [], params: [Param(key: "p", value: "v")], tags: [])
        }
        try await expectError("logBatch(tags) to a deleted run", code: .invalidParameterValue, message: message) {
            try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: "t", value: "v")])
        }
        try await expectError("deleteRunTag on a deleted run", code: .invalidParameterValue, message: message) {
            try await store.deleteRunTag(runID: id, key: "existing")
        }
        try await expectError("logInputs to a deleted run", code: .invalidParameterValue, message: message) {
            try await store.logInputs(
                runID: id, datasets: [DatasetInput(tags: [], dataset: Dataset(name: "d", digest: "x", sourceType: "local", source: "{}"))], models: []
            )
        }
        try await expectError("logOutputs to a deleted run", code: .invalidParameterValue, message: message) {
            try await store.logOutputs(runID: id, models: [ModelReference(modelID: "m-0123456789abcdef0123456789abcdef", step: 0)])
        }
        try await expectError("updateRun of a deleted run", code: .invalidParameterValue, message: message) {
            try await store.updateRun(id: id, RunUpdate(status: .finished))
        }
        try await store.restoreRun(id: id)
        let restored = try await store.run(id: id)
        try expectEqual(restored.data.metrics, [], "metrics of the run after refused writes")
        try expectEqual(restored.data.params, [], "params of the run after refused writes")
        try expectEqual(value(of: "existing", in: restored.data.tags), "v", "tag 'existing' after a refused deleteRunTag")
        try expectEqual(value(of: "t", in: restored.data.tags), nil, "tag 't' after a refused logBatch")
        try expectEqual(restored.info.status, .running, "status after a refused updateRun")
        try expectEqual(restored.inputs, RunInputs(), "inputs after a refused logInputs")
        try expectEqual(restored.outputs, RunOutputs(), "outputs after a refused logOutputs")
    }

    func runEmptyBatchToDeletedRunRejected() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        try await store.deleteRun(id: run.info.runID)
        // MLflow's log_batch checks that the run is active before looking at the batch.
        try await expectError(
            "empty logBatch to a deleted run", code: .invalidParameterValue,
            message: "The run \(run.info.runID) must be in the 'active' state. Current state is deleted."
        ) {
            try await store.logBatch(runID: run.info.runID, metrics: [], params: [], tags: [])
        }
    }
}
