import TrackCore

extension StoreConformance {
    static var experimentChecks: [Check] {
        [
            ("experiments.freshStoreHasDefaultExperiment", { try await $0.freshStoreHasDefaultExperiment() }),
            ("experiments.createAssignsIncreasingDecimalIDs", { try await $0.createAssignsIncreasingDecimalIDs() }),
            ("experiments.createStoresFieldsAndTags", { try await $0.createStoresFieldsAndTags() }),
            ("experiments.defaultArtifactLocation", { try await $0.defaultArtifactLocation() }),
            ("experiments.duplicateNameRejected", { try await $0.duplicateNameRejected() }),
            ("experiments.concurrentCreates", { try await $0.concurrentExperimentCreates() }),
            ("experiments.nameOfDeletedExperimentStaysTaken", { try await $0.nameOfDeletedExperimentStaysTaken() }),
            ("experiments.emptyNameRejected", { try await $0.emptyNameRejected() }),
            ("experiments.nameLengthLimit", { try await $0.nameLengthLimit() }),
            ("experiments.getUnknownIDNotFound", { try await $0.getUnknownIDNotFound() }),
            ("experiments.nonNumericIDRejected", { try await $0.nonNumericIDRejected() }),
            ("experiments.getByName", { try await $0.getByName() }),
            ("experiments.renameBumpsLastUpdateTime", { try await $0.renameBumpsLastUpdateTime() }),
            ("experiments.renameRejectsTakenEmptyAndUnknown", { try await $0.renameRejectsTakenEmptyAndUnknown() }),
            ("experiments.deleteCascadesToRuns", { try await $0.deleteCascadesToRuns() }),
            ("experiments.restoreBringsRunsBack", { try await $0.restoreBringsRunsBack() }),
            ("experiments.deleteAndRestoreUnknownNotFound", { try await $0.deleteAndRestoreUnknownNotFound() }),
            ("experiments.tagsSetOverwriteDelete", { try await $0.tagsSetOverwriteDelete() }),
            ("experiments.deleteMissingTagNotFound", { try await $0.deleteMissingTagNotFound() }),
            ("experiments.searchViewTypes", { try await $0.experimentSearchViewTypes() }),
            ("experiments.searchNameEquality", { try await $0.experimentSearchNameEquality() }),
            ("experiments.searchNameLikeIsCaseSensitive", { try await $0.experimentSearchNameLikeIsCaseSensitive() }),
            ("experiments.searchNameILike", { try await $0.experimentSearchNameILike() }),
            ("experiments.searchTagFilters", { try await $0.experimentSearchTagFilters() }),
            ("experiments.searchOrderByName", { try await $0.experimentSearchOrderByName() }),
            ("experiments.searchOrderByCreationTime", { try await $0.experimentSearchOrderByCreationTime() }),
            ("experiments.searchDefaultOrderNewestFirst", { try await $0.experimentSearchDefaultOrderNewestFirst() }),
            ("experiments.searchPaging", { try await $0.experimentSearchPaging() }),
            ("experiments.searchBadPageTokenAndMaxResultsRejected", { try await $0.experimentSearchGarbagePageTokenRejected() }),
        ]
    }

    // MARK: - Helpers

    /// Names of the experiments a search returns, in order, following page tokens.
    func experimentNames(
        _ store: Store, filter: String = "", orderBy: [String] = [], viewType: ViewType = .activeOnly, pageSize: Int = 1000
    ) async throws -> [String] {
        let clauses = try ExperimentFilterParser.parse(filter)
        var orders: [SearchOrder] = []
        for term in orderBy { orders.append(try ExperimentFilterParser.parseOrderBy(term)) }
        let query = ExperimentQuery(filter: clauses, orderBy: orders, viewType: viewType, maxResults: pageSize)
        return try await searchAll(store, query).map(\.name)
    }

    // MARK: - Checks

    func freshStoreHasDefaultExperiment() async throws {
        let store = try await makeStore()
        let experiment = try await store.experiment(id: "0")
        try expectEqual(experiment.id, "0", "experiment(id: \"0\").id")
        try expectEqual(experiment.name, "Default", "name of experiment 0")
        try expectEqual(experiment.artifactLocation, "mlflow-artifacts:/0", "artifact location of experiment 0")
        try expectEqual(experiment.lifecycleStage, .active, "lifecycle stage of experiment 0")
        let byName = try await store.experiment(named: "Default")
        try expectEqual(byName?.id, "0", "id of experiment(named: \"Default\")")
        let all = try await searchAll(store, ExperimentQuery(viewType: .all))
        try expectEqual(all.map(\.id), ["0"], "ids of all experiments of a fresh store")
        let runs = try await searchAll(store, RunQuery(experimentIDs: ["0"], viewType: .all))
        try expectEqual(runs.count, 0, "number of runs in a fresh store")
    }

    func createAssignsIncreasingDecimalIDs() async throws {
        let store = try await makeStore()
        var previous: Int64 = 0
        for index in 1...5 {
            let id = try await makeExperiment(store, "exp-\(index)")
            let number = try unwrap(Int64(id), "experiment id \(show(id)) as a decimal integer")
            try expectEqual(String(number), id, "experiment id written canonically (no sign, no leading zeros)")
            try expect(number > previous, "experiment ids must increase: got \(id) after \(previous)")
            previous = number
            try expectEqual(try await store.experiment(id: id).name, "exp-\(index)", "name of experiment \(id)")
        }
    }

    func createStoresFieldsAndTags() async throws {
        let store = try await makeStore()
        let before = Clock.nowMilliseconds()
        let tags = [Tag(key: "team", value: "vision"), Tag(key: "mlflow.note.content", value: "a note")]
        let id = try await expectSuccess("createExperiment with tags") {
            try await store.createExperiment(name: "with-tags", artifactLocation: "s3://bucket/prefix", tags: tags)
        }
        let after = Clock.nowMilliseconds()
        let experiment = try await store.experiment(id: id)
        try expectEqual(experiment.id, id, "id of the created experiment")
        try expectEqual(experiment.name, "with-tags", "name of the created experiment")
        try expectEqual(experiment.artifactLocation, "s3://bucket/prefix", "explicit artifact location")
        try expectEqual(experiment.lifecycleStage, .active, "lifecycle stage of a new experiment")
        try expect(
            experiment.creationTime >= before && experiment.creationTime <= after,
            "creation_time \(experiment.creationTime) must be the creation instant, within [\(before), \(after)]"
        )
        try expectEqual(experiment.lastUpdateTime, experiment.creationTime, "last_update_time of a new experiment")
        try expectEqual(sortedByKey(experiment.tags), sortedByKey(tags), "tags of the created experiment")
    }

    func defaultArtifactLocation() async throws {
        let store = try await makeStore()
        for name in ["a", "b", "c"] {
            let id = try await makeExperiment(store, name)
            try expectEqual(try await store.experiment(id: id).artifactLocation, "mlflow-artifacts:/\(id)", "default artifact location of experiment \(id)")
        }
    }

    func duplicateNameRejected() async throws {
        let store = try await makeStore()
        _ = try await makeExperiment(store, "taken")
        try await expectError("createExperiment with a taken name", code: .resourceAlreadyExists, messageContains: ["Experiment(name=taken) already exists"]) {
            try await store.createExperiment(name: "taken", artifactLocation: nil, tags: [])
        }
        try await expectError("createExperiment named like the default experiment", code: .resourceAlreadyExists) {
            try await store.createExperiment(name: "Default", artifactLocation: nil, tags: [])
        }
        let all = try await experimentNames(store, viewType: .all)
        try expectEqual(all.filter { $0 == "taken" }.count, 1, "experiments named 'taken' after the refused duplicate")
    }

    func concurrentExperimentCreates() async throws {
        let store = try await makeStore()
        // 20 distinct names and 10 attempts at one shared name, all at once.
        let outcomes = try await withThrowingTaskGroup(of: (String, String?).self) { group in
            for index in 0..<30 {
                group.addTask {
                    let name = index < 20 ? "parallel-\(index)" : "contested"
                    do {
                        return (name, try await store.createExperiment(name: name, artifactLocation: nil, tags: []))
                    } catch let error as TrackError where error.code == .resourceAlreadyExists && name == "contested" {
                        return (name, nil)
                    }
                }
            }
            var outcomes: [(String, String?)] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let ids = outcomes.compactMap(\.1)
        try expectEqual(ids.count, 21, "successful concurrent creates (20 distinct names + 1 of 10 attempts at 'contested')")
        try expectEqual(Set(ids).count, ids.count, "distinct ids among concurrently created experiments")
        for (name, id) in outcomes {
            guard let id else { continue }
            try expectEqual(try await store.experiment(id: id).name, name, "name of concurrently created experiment \(id)")
        }
        let all = try await experimentNames(store, viewType: .all)
        try expectEqual(all.filter { $0 == "contested" }.count, 1, "experiments named 'contested'")
        try expectEqual(all.count, 22, "experiments after concurrent creates (with Default)")
    }

    func nameOfDeletedExperimentStaysTaken() async throws {
        let store = try await makeStore()
        let id = try await makeExperiment(store, "gone")
        try await store.deleteExperiment(id: id)
        try await expectError("createExperiment with the name of a deleted experiment", code: .resourceAlreadyExists, messageContains: ["already exists"]) {
            try await store.createExperiment(name: "gone", artifactLocation: nil, tags: [])
        }
    }

    func emptyNameRejected() async throws {
        let store = try await makeStore()
        try await expectError("createExperiment with an empty name", code: .invalidParameterValue) {
            try await store.createExperiment(name: "", artifactLocation: nil, tags: [])
        }
    }

    func nameLengthLimit() async throws {
        let store = try await makeStore()
        let longest = String(repeating: "n", count: 500)
        let id = try await makeExperiment(store, longest)
        try expectEqual(try await store.experiment(id: id).name, longest, "a 500-character experiment name")
        try await expectError(
            "createExperiment with a 501-character name", code: .invalidParameterValue,
            messageContains: ["exceeds the maximum length of 500"]
        ) {
            try await store.createExperiment(name: String(repeating: "n", count: 501), artifactLocation: nil, tags: [])
        }
    }

    func getUnknownIDNotFound() async throws {
        let store = try await makeStore()
        try await expectError("experiment(id: \"12345\")", code: .resourceDoesNotExist, messageContains: ["No Experiment with id=12345 exists"]) {
            try await store.experiment(id: "12345")
        }
    }

    func nonNumericIDRejected() async throws {
        let store = try await makeStore()
        for bad in ["abc", "1.5", "x1"] {
            try await expectError("experiment(id: \(show(bad)))", code: .invalidParameterValue, messageContains: ["Invalid experiment ID"]) {
                try await store.experiment(id: bad)
            }
        }
        try await expectError("renameExperiment(id: \"abc\")", code: .invalidParameterValue) {
            try await store.renameExperiment(id: "abc", newName: "x")
        }
        try await expectError("deleteExperiment(id: \"abc\")", code: .invalidParameterValue) {
            try await store.deleteExperiment(id: "abc")
        }
        try await expectError("restoreExperiment(id: \"abc\")", code: .invalidParameterValue) {
            try await store.restoreExperiment(id: "abc")
        }
        try await expectError("setExperimentTag(id: \"abc\")", code: .invalidParameterValue) {
            try await store.setExperimentTag(id: "abc", key: "k", value: "v")
        }
        try await expectError("createRun(experimentID: \"abc\")", code: .invalidParameterValue) {
            try await store.createRun(RunCreation(experimentID: "abc"))
        }
        try await expectError("searchRuns(experimentIDs: [\"abc\"])", code: .invalidParameterValue) {
            try await store.searchRuns(RunQuery(experimentIDs: ["abc"]))
        }
    }

    func getByName() async throws {
        let store = try await makeStore()
        let id = try await makeExperiment(store, "Named Experiment")
        let found = try await store.experiment(named: "Named Experiment")
        try expectEqual(found?.id, id, "id of experiment(named: \"Named Experiment\")")
        try expectEqual(found, try await store.experiment(id: id), "experiment(named:) vs experiment(id:)")
        try expectEqual(try await store.experiment(named: "named experiment")?.id, nil, "experiment(named:) with other letter case")
        try expectEqual(try await store.experiment(named: "nope")?.id, nil, "experiment(named:) of an unknown name")
        try await store.deleteExperiment(id: id)
        let deleted = try await store.experiment(named: "Named Experiment")
        try expectEqual(deleted?.id, id, "experiment(named:) of a deleted experiment")
        try expectEqual(deleted?.lifecycleStage, .deleted, "lifecycle stage of a deleted experiment looked up by name")
        try expectEqual(try await store.experiment(id: id).lifecycleStage, .deleted, "experiment(id:) of a deleted experiment")
    }

    func renameBumpsLastUpdateTime() async throws {
        let store = try await makeStore()
        let id = try await makeExperiment(store, "old-name")
        let before = try await store.experiment(id: id)
        try await tick()
        try await store.renameExperiment(id: id, newName: "new-name")
        let after = try await store.experiment(id: id)
        try expectEqual(after.name, "new-name", "name after rename")
        try expect(
            after.lastUpdateTime > before.lastUpdateTime,
            "rename must bump last_update_time: was \(before.lastUpdateTime), now \(after.lastUpdateTime)"
        )
        try expectEqual(after.creationTime, before.creationTime, "creation_time after rename")
        try expectEqual(after.artifactLocation, before.artifactLocation, "artifact location after rename")
        try expectEqual(try await store.experiment(named: "old-name")?.id, nil, "experiment(named:) of the old name")
        try expectEqual(try await store.experiment(named: "new-name")?.id, id, "experiment(named:) of the new name")
        _ = try await makeExperiment(store, "old-name")  // the old name is free again
    }

    func renameRejectsTakenEmptyAndUnknown() async throws {
        let store = try await makeStore()
        let id = try await makeExperiment(store, "first")
        _ = try await makeExperiment(store, "second")
        try await expectError("renameExperiment to a taken name", code: .resourceAlreadyExists) {
            try await store.renameExperiment(id: id, newName: "second")
        }
        try await expectError("renameExperiment to an empty name", code: .invalidParameterValue) {
            try await store.renameExperiment(id: id, newName: "")
        }
        try await expectError("renameExperiment of an unknown id", code: .resourceDoesNotExist) {
            try await store.renameExperiment(id: "9999", newName: "whatever")
        }
        try expectEqual(try await store.experiment(id: id).name, "first", "name after refused renames")
    }

    func deleteCascadesToRuns() async throws {
        let store = try await makeStore()
        let id = try await makeExperiment(store, "doomed")
        let other = try await makeExperiment(store, "bystander")
        let runs = [try await makeRun(store, in: id, name: "r1"), try await makeRun(store, in: id, name: "r2")]
        let bystander = try await makeRun(store, in: other, name: "b1")
        let before = try await store.experiment(id: id)
        try await tick()
        try await store.deleteExperiment(id: id)
        let after = try await store.experiment(id: id)
        try expectEqual(after.lifecycleStage, .deleted, "lifecycle stage of a deleted experiment")
        try expect(after.lastUpdateTime > before.lastUpdateTime, "delete must bump last_update_time: was \(before.lastUpdateTime), now \(after.lastUpdateTime)")
        for run in runs {
            try expectEqual(try await store.run(id: run.info.runID).info.lifecycleStage, .deleted, "lifecycle stage of run \(run.info.runName) after its experiment was deleted")
        }
        try expectEqual(try await store.run(id: bystander.info.runID).info.lifecycleStage, .active, "run of another experiment")
        let active = try await searchAll(store, RunQuery(experimentIDs: [id], viewType: .activeOnly))
        try expectEqual(active.map(\.info.runName), [], "active runs of a deleted experiment")
        let deleted = try await searchAll(store, RunQuery(experimentIDs: [id], viewType: .deletedOnly))
        try expectEqual(Set(deleted.map(\.info.runName)), ["r1", "r2"], "deleted runs of a deleted experiment")
        let activeNames = Set(try await experimentNames(store))
        try expectEqual(activeNames, ["Default", "bystander"], "active experiments after delete")
    }

    func restoreBringsRunsBack() async throws {
        let store = try await makeStore()
        let id = try await makeExperiment(store, "phoenix")
        let first = try await makeRun(store, in: id, name: "r1")
        let second = try await makeRun(store, in: id, name: "r2")
        try await store.deleteExperiment(id: id)
        try await store.restoreExperiment(id: id)
        try expectEqual(try await store.experiment(id: id).lifecycleStage, .active, "lifecycle stage of a restored experiment")
        for run in [first, second] {
            try expectEqual(try await store.run(id: run.info.runID).info.lifecycleStage, .active, "lifecycle stage of run \(run.info.runName) after restore")
        }
        let active = try await searchAll(store, RunQuery(experimentIDs: [id], viewType: .activeOnly))
        try expectEqual(Set(active.map(\.info.runName)), ["r1", "r2"], "active runs after restore")
        // A restored experiment's runs accept writes again.
        try await log(store, first.info.runID, metrics: [Metric(key: "m", value: 1, timestamp: 1)])
        _ = try await makeRun(store, in: id, name: "r3")
    }

    func deleteAndRestoreUnknownNotFound() async throws {
        let store = try await makeStore()
        try await expectError("deleteExperiment of an unknown id", code: .resourceDoesNotExist) {
            try await store.deleteExperiment(id: "777")
        }
        try await expectError("restoreExperiment of an unknown id", code: .resourceDoesNotExist) {
            try await store.restoreExperiment(id: "777")
        }
    }

    func tagsSetOverwriteDelete() async throws {
        let store = try await makeStore()
        let id = try await makeExperiment(store, "tagged", tags: [Tag(key: "initial", value: "1")])
        try await store.setExperimentTag(id: id, key: "team", value: "vision")
        try await store.setExperimentTag(id: id, key: "with space/and:colon", value: "")
        try expectEqual(
            sortedByKey(try await store.experiment(id: id).tags),
            sortedByKey([Tag(key: "initial", value: "1"), Tag(key: "team", value: "vision"), Tag(key: "with space/and:colon", value: "")]),
            "experiment tags after setExperimentTag"
        )
        try await store.setExperimentTag(id: id, key: "team", value: "nlp")
        try expectEqual(value(of: "team", in: try await store.experiment(id: id).tags), "nlp", "tag 'team' after overwrite")
        try expectEqual(try await store.experiment(id: id).tags.filter { $0.key == "team" }.count, 1, "entries for tag 'team' after overwrite")
        try await store.deleteExperimentTag(id: id, key: "team")
        try expectEqual(
            sortedByKey(try await store.experiment(id: id).tags),
            sortedByKey([Tag(key: "initial", value: "1"), Tag(key: "with space/and:colon", value: "")]),
            "experiment tags after deleteExperimentTag"
        )
        try await expectError("setExperimentTag with an invalid key", code: .invalidParameterValue, messageContains: ["Names may only contain"]) {
            try await store.setExperimentTag(id: id, key: "bad key!*", value: "v")
        }
        try await expectError("setExperimentTag on an unknown experiment", code: .resourceDoesNotExist) {
            try await store.setExperimentTag(id: "4242", key: "k", value: "v")
        }
    }

    func deleteMissingTagNotFound() async throws {
        let store = try await makeStore()
        let id = try await makeExperiment(store, "untagged")
        try await expectError("deleteExperimentTag of a tag never set", code: .resourceDoesNotExist, messageContains: ["No tag with name: nope"]) {
            try await store.deleteExperimentTag(id: id, key: "nope")
        }
        try await store.setExperimentTag(id: id, key: "once", value: "v")
        try await store.deleteExperimentTag(id: id, key: "once")
        try await expectError("deleteExperimentTag of a tag already deleted", code: .resourceDoesNotExist) {
            try await store.deleteExperimentTag(id: id, key: "once")
        }
    }

    func experimentSearchViewTypes() async throws {
        let store = try await makeStore()
        _ = try await makeExperiment(store, "live")
        let dead = try await makeExperiment(store, "dead")
        try await store.deleteExperiment(id: dead)
        try expectEqual(Set(try await experimentNames(store, viewType: .activeOnly)), ["Default", "live"], "ACTIVE_ONLY experiments")
        try expectEqual(Set(try await experimentNames(store, viewType: .deletedOnly)), ["dead"], "DELETED_ONLY experiments")
        try expectEqual(Set(try await experimentNames(store, viewType: .all)), ["Default", "live", "dead"], "ALL experiments")
        let deleted = try await searchAll(store, ExperimentQuery(viewType: .deletedOnly))
        try expectEqual(deleted.map(\.lifecycleStage), [.deleted], "lifecycle stage in DELETED_ONLY results")
    }

    func experimentSearchNameEquality() async throws {
        let store = try await makeStore()
        for name in ["alpha", "Alpha", "alphabet", "beta"] { _ = try await makeExperiment(store, name) }
        try expectEqual(try await experimentNames(store, filter: "name = 'alpha'"), ["alpha"], "filter name = 'alpha'")
        try expectEqual(try await experimentNames(store, filter: "attribute.name = 'Alpha'"), ["Alpha"], "filter attribute.name = 'Alpha'")
        try expectEqual(
            Set(try await experimentNames(store, filter: "name != 'alpha'")), ["Default", "Alpha", "alphabet", "beta"],
            "filter name != 'alpha'"
        )
        try expectEqual(try await experimentNames(store, filter: "name = 'gamma'"), [], "filter name = 'gamma'")
    }

    func experimentSearchNameLikeIsCaseSensitive() async throws {
        let store = try await makeStore()
        for name in ["alpha", "Alpha", "alphabet", "beta", "ALPHA-2"] { _ = try await makeExperiment(store, name) }
        try expectEqual(Set(try await experimentNames(store, filter: "name LIKE 'alpha%'")), ["alpha", "alphabet"], "filter name LIKE 'alpha%' (case-sensitive)")
        try expectEqual(Set(try await experimentNames(store, filter: "name LIKE 'A%'")), ["Alpha", "ALPHA-2"], "filter name LIKE 'A%' (case-sensitive)")
        try expectEqual(Set(try await experimentNames(store, filter: "name LIKE '%ph_'")), ["alpha", "Alpha"], "filter name LIKE '%ph_'")
    }

    func experimentSearchNameILike() async throws {
        let store = try await makeStore()
        for name in ["alpha", "Alpha", "alphabet", "beta", "ALPHA-2"] { _ = try await makeExperiment(store, name) }
        try expectEqual(
            Set(try await experimentNames(store, filter: "name ILIKE 'alpha%'")), ["alpha", "Alpha", "alphabet", "ALPHA-2"],
            "filter name ILIKE 'alpha%'"
        )
        try expectEqual(Set(try await experimentNames(store, filter: "name ILIKE 'BETA'")), ["beta"], "filter name ILIKE 'BETA'")
    }

    func experimentSearchTagFilters() async throws {
        let store = try await makeStore()
        _ = try await makeExperiment(store, "e1", tags: [Tag(key: "team", value: "vision"), Tag(key: "prod", value: "yes")])
        _ = try await makeExperiment(store, "e2", tags: [Tag(key: "team", value: "Vision")])
        _ = try await makeExperiment(store, "e3", tags: [Tag(key: "team", value: "nlp")])
        _ = try await makeExperiment(store, "e4")
        try expectEqual(Set(try await experimentNames(store, filter: "tags.team = 'vision'")), ["e1"], "filter tags.team = 'vision'")
        try expectEqual(Set(try await experimentNames(store, filter: "tags.team != 'vision'")), ["e2", "e3"], "filter tags.team != 'vision' (experiments without the tag never match)")
        try expectEqual(Set(try await experimentNames(store, filter: "tags.team LIKE 'V%'")), ["e2"], "filter tags.team LIKE 'V%'")
        try expectEqual(Set(try await experimentNames(store, filter: "tags.team ILIKE 'v%'")), ["e1", "e2"], "filter tags.team ILIKE 'v%'")
        try expectEqual(Set(try await experimentNames(store, filter: "tags.prod IS NULL")), ["Default", "e2", "e3", "e4"], "filter tags.prod IS NULL")
        try expectEqual(Set(try await experimentNames(store, filter: "tags.prod IS NOT NULL")), ["e1"], "filter tags.prod IS NOT NULL")
        try expectEqual(
            Set(try await experimentNames(store, filter: "tags.team ILIKE '%i%' AND name != 'e2'")), ["e1"],
            "filter tags.team ILIKE '%i%' AND name != 'e2'"
        )
    }

    func experimentSearchOrderByName() async throws {
        let store = try await makeStore()
        for name in ["delta", "alpha", "Charlie", "bravo"] { _ = try await makeExperiment(store, name) }
        let all = ["Charlie", "Default", "alpha", "bravo", "delta"]  // byte order: upper case first
        try expectEqual(try await experimentNames(store, orderBy: ["name"]), all, "order_by name (ASC by default)")
        try expectEqual(try await experimentNames(store, orderBy: ["name ASC"]), all, "order_by name ASC")
        try expectEqual(try await experimentNames(store, orderBy: ["attribute.name DESC"]), all.reversed(), "order_by attribute.name DESC")
    }

    func experimentSearchOrderByCreationTime() async throws {
        let store = try await makeStore()
        var created: [String] = []
        for name in ["first", "second", "third"] {
            try await tick()
            created.append(name)
            _ = try await makeExperiment(store, name)
        }
        let ascending = try await experimentNames(store, filter: "name != 'Default'", orderBy: ["creation_time ASC"])
        try expectEqual(ascending, created, "order_by creation_time ASC")
        let descending = try await experimentNames(store, filter: "name != 'Default'", orderBy: ["creation_time DESC"])
        try expectEqual(descending, created.reversed(), "order_by creation_time DESC")
        let byID = try await searchAll(store, ExperimentQuery(orderBy: [try ExperimentFilterParser.parseOrderBy("experiment_id DESC")]))
        let ids = byID.map { Int64($0.id) ?? -1 }
        try expectEqual(ids, ids.sorted(by: >), "order_by experiment_id DESC (numeric)")
    }

    func experimentSearchDefaultOrderNewestFirst() async throws {
        let store = try await makeStore()
        var names: [String] = []
        for index in 0..<4 {
            try await tick()
            names.append("e\(index)")
            _ = try await makeExperiment(store, "e\(index)")
        }
        // Some created within the same millisecond: ties go by experiment id, ascending.
        for index in 4..<8 {
            names.append("e\(index)")
            _ = try await makeExperiment(store, "e\(index)")
        }
        let experiments = try await searchAll(store, ExperimentQuery())
        let expected = experiments.sorted {
            $0.creationTime != $1.creationTime ? $0.creationTime > $1.creationTime : (Int64($0.id) ?? 0) < (Int64($1.id) ?? 0)
        }
        try expectEqual(experiments.map(\.name), expected.map(\.name), "default order (creation_time DESC, experiment_id ASC)")
        try expectEqual(Array(experiments.map(\.name).suffix(1)), ["Default"], "the oldest experiment comes last by default")
        let spaced = experiments.map(\.name).filter { ["e0", "e1", "e2", "e3"].contains($0) }
        try expectEqual(spaced, ["e3", "e2", "e1", "e0"], "experiments created milliseconds apart, newest first")
    }

    func experimentSearchPaging() async throws {
        let store = try await makeStore()
        for index in 0..<23 { _ = try await makeExperiment(store, "page-\(index)") }
        let deleted = try await makeExperiment(store, "deleted-one")
        try await store.deleteExperiment(id: deleted)
        for viewType in [ViewType.activeOnly, .all] {
            let whole = try await searchAll(store, ExperimentQuery(viewType: viewType, maxResults: 1000))
            var query = ExperimentQuery(viewType: viewType, maxResults: 5)
            var paged: [Experiment] = []
            var sizes: [Int] = []
            repeat {
                let page = try await store.searchExperiments(query)
                sizes.append(page.items.count)
                paged += page.items
                query.pageToken = page.nextPageToken
                try expect(sizes.count <= 50, "experiment paging does not end")
            } while query.pageToken != nil
            let ids = paged.map(\.id)
            try expectEqual(ids.count, Set(ids).count, "experiments returned twice while paging \(viewType.rawValue) by 5")
            try expectEqual(ids, whole.map(\.id), "paged \(viewType.rawValue) experiments (pages of 5) vs one page")
            let total = viewType == .all ? 25 : 24
            try expectEqual(ids.count, total, "number of \(viewType.rawValue) experiments over all pages")
            try expectEqual(sizes, Array(repeating: 5, count: total / 5) + (total % 5 == 0 ? [] : [total % 5]), "page sizes paging \(viewType.rawValue) by 5")
        }
        let filtered = try await experimentNames(store, filter: "name LIKE 'page-1%'", pageSize: 3)
        try expectEqual(Set(filtered), Set(["page-1"] + (10...19).map { "page-\($0)" }), "filtered experiments paged by 3")
        try expectEqual(filtered.count, 11, "number of filtered experiments paged by 3")
    }

    func experimentSearchGarbagePageTokenRejected() async throws {
        let store = try await makeStore()
        try await expectError("searchExperiments with max_results 50001", code: .invalidParameterValue) {
            try await store.searchExperiments(ExperimentQuery(maxResults: 50_001))
        }
        for token in ["garbage!", "bm90IGpzb24="] {
            try await expectError("searchExperiments with page token \(show(token))", code: .invalidParameterValue) {
                try await store.searchExperiments(ExperimentQuery(pageToken: token))
            }
        }
    }
}
