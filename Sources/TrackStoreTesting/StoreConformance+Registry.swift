import TrackCore

/// The model registry: registered models, their versions, stages, tags and aliases, and search.
extension StoreConformance {
    static var registryChecks: [Check] {
        [
            ("registry.modelsCreateRenameUpdateDelete", { try await $0.registryModels() }),
            ("registry.versionsNumberedTaggedStagedDeleted", { try await $0.registryVersions() }),
            ("registry.aliases", { try await $0.registryAliases() }),
            ("registry.versionOfALoggedModel", { try await $0.registryLoggedModelVersion() }),
            ("registry.search", { try await $0.registrySearch() }),
        ]
    }

    func registryModels() async throws {
        let store = try await makeStore()
        let created = try await store.createRegisteredModel(name: "clf", description: "a classifier", tags: [Tag(key: "task", value: "cls")])
        try expectEqual(created.name, "clf", "name")
        try expectEqual(created.description, "a classifier", "description")
        try expectEqual(created.tags, [Tag(key: "task", value: "cls")], "tags")
        try expect(created.latestVersions.isEmpty && created.aliases.isEmpty, "a new model has no versions or aliases")
        try await expectError("a taken name", code: .resourceAlreadyExists, message: "Registered Model (name=clf) already exists.") {
            try await store.createRegisteredModel(name: "clf", description: nil, tags: [])
        }
        try await expectError("an empty name", code: .invalidParameterValue) { try await store.createRegisteredModel(name: "", description: nil, tags: []) }
        try await expectError("an unknown model", code: .resourceDoesNotExist, message: "Registered Model with name=nope not found") {
            try await store.registeredModel(name: "nope")
        }
        _ = try await store.createModelVersion(ModelVersionCreation(name: "clf", source: "s3://bucket/clf"))
        let renamed = try await store.renameRegisteredModel(name: "clf", newName: "classifier")
        try expectEqual(renamed.latestVersions.map(\.name), ["classifier"], "versions follow a rename")
        try await expectError("the old name after a rename", code: .resourceDoesNotExist) { try await store.registeredModel(name: "clf") }
        let updated = try await store.updateRegisteredModel(name: "classifier", description: "v2")
        try expectEqual(updated.description, "v2", "description after update")
        try await store.setRegisteredModelTag(name: "classifier", tag: Tag(key: "owner", value: "qa"))
        try await store.deleteRegisteredModelTag(name: "classifier", key: "task")
        try await expectError("deleting an unset tag", code: .resourceDoesNotExist) {
            try await store.deleteRegisteredModelTag(name: "classifier", key: "task")
        }
        try expectEqual(try await store.registeredModel(name: "classifier").tags, [Tag(key: "owner", value: "qa")], "tags after set and delete")
        try await store.deleteRegisteredModel(name: "classifier")
        try await expectError("a deleted model", code: .resourceDoesNotExist) { try await store.registeredModel(name: "classifier") }
        try await expectError("a deleted model's version", code: .resourceDoesNotExist) { try await store.modelVersion(name: "classifier", version: 1) }
        _ = try await store.createRegisteredModel(name: "classifier", description: nil, tags: [])
        try expect(try await store.registeredModel(name: "classifier").latestVersions.isEmpty, "a model created again starts empty")
    }

    func registryVersions() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store, name: "trainer")
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        let source = run.info.artifactURI + "/model"
        let first = try await store.createModelVersion(ModelVersionCreation(
            name: "m", source: source, runID: run.info.runID, description: "first", tags: [Tag(key: "src", value: "run")]
        ))
        try expectEqual(first.version, 1, "first version number")
        try expectEqual(first.stage, .none, "a new version's stage")
        try expectEqual(first.runID, run.info.runID, "run id")
        try expectEqual(first.tags, [Tag(key: "src", value: "run")], "version tags")
        let second = try await store.createModelVersion(ModelVersionCreation(name: "m", source: "s3://b/m2"))
        try expectEqual(second.version, 2, "versions are numbered in order")
        // What a source may name, as MLflow's server decides it.
        let otherRunFiles = "mlflow-artifacts:/0/0123456789abcdef0123456789abcdef/artifacts/model"
        for (what, bad, runID) in [
            ("files of another run than the named one", otherRunFiles, run.info.runID as String?),
            ("this server's files without a run", source, nil),
            ("a path on the server's disk", "/etc/passwd", run.info.runID),
            ("a file: URI", "file:///etc/passwd", run.info.runID),
            ("a path climbing out of the run's files", source + "/../../../x", run.info.runID),
            ("the same, percent-encoded", source + "/..%2F..%2Fx", run.info.runID),
            ("a runs:/ URI of another run", "runs:/0123456789abcdef0123456789abcdef/model", run.info.runID),
            ("a logged model without model_id's match", "models:/m-00000000000000000000000000000000", nil),
        ] {
            try await expectError(what, code: what.hasPrefix("a logged model") ? .resourceDoesNotExist : .invalidParameterValue) {
                try await store.createModelVersion(ModelVersionCreation(name: "m", source: bad, runID: runID))
            }
        }
        // Files elsewhere (s3://…) are the client's business, with or without a run.
        let external = try await store.createModelVersion(ModelVersionCreation(name: "m", source: "s3://elsewhere/m", runID: run.info.runID))
        try expectEqual(external.runID, run.info.runID, "an external source keeps the run it names")
        try await store.deleteModelVersion(name: "m", version: external.version)
        try await expectError("a version of an unknown model", code: .resourceDoesNotExist) {
            try await store.createModelVersion(ModelVersionCreation(name: "none", source: "x"))
        }
        try expectEqual(try await store.registeredModel(name: "m").latestVersions.map(\.version), [2], "the latest version per stage")

        let staged = try await store.transitionModelVersionStage(name: "m", version: 1, stage: .production, archiveExisting: false)
        try expectEqual(staged.stage, .production, "stage after a transition")
        try expectEqual(try await store.latestVersions(name: "m", stages: []).map(\.version), [2, 1], "latest of None, then Production")
        try expectEqual(try await store.latestVersions(name: "m", stages: [.production]).map(\.version), [1], "latest of one stage")
        _ = try await store.transitionModelVersionStage(name: "m", version: 2, stage: .production, archiveExisting: true)
        try expectEqual(try await store.modelVersion(name: "m", version: 1).stage, .archived, "the version it replaced is archived")

        _ = try await store.updateModelVersion(name: "m", version: 2, description: "second")
        try await store.setModelVersionTag(name: "m", version: 2, tag: Tag(key: "validated", value: "yes"))
        let read = try await store.modelVersion(name: "m", version: 2)
        try expectEqual(read.description, "second", "description after update")
        try expectEqual(read.tags, [Tag(key: "validated", value: "yes")], "tag set on a version")
        try await store.deleteModelVersionTag(name: "m", version: 2, key: "validated")
        try await store.deleteModelVersion(name: "m", version: 2)
        try await expectError("a deleted version", code: .resourceDoesNotExist, message: "Model Version (name=m, version=2) not found") {
            try await store.modelVersion(name: "m", version: 2)
        }
        let next = try await store.createModelVersion(ModelVersionCreation(name: "m", source: "s3://b/m3"))
        try expectEqual(next.version, 4, "deleted versions' numbers are not given out again")

        // A copy of a version (`models:/<name>/<version>`) takes its run from it.
        _ = try await store.createRegisteredModel(name: "copy", description: nil, tags: [])
        let copy = try await store.createModelVersion(ModelVersionCreation(name: "copy", source: "models:/m/1"))
        try expectEqual(copy.source, "models:/m/1", "the copy's source")
        try expectEqual(copy.runID, run.info.runID, "the copy's run comes from the version it copies")
        try await store.setModelAlias(name: "m", alias: "best", version: 4)
        let byAlias = try await store.createModelVersion(ModelVersionCreation(name: "copy", source: "models:/m@best"))
        try expectEqual(byAlias.source, "models:/m/4", "an alias source is recorded as the version it named")
        try await expectError("a copy whose run differs from the copied version's", code: .invalidParameterValue, messageContains: ["must match"]) {
            try await store.createModelVersion(ModelVersionCreation(name: "copy", source: "models:/m/1", runID: "0123456789abcdef0123456789abcdef"))
        }
        try await expectError("a copy of a missing version", code: .resourceDoesNotExist) {
            try await store.createModelVersion(ModelVersionCreation(name: "copy", source: "models:/m/99"))
        }
    }

    func registryAliases() async throws {
        let store = try await makeStore()
        _ = try await store.createRegisteredModel(name: "m", description: nil, tags: [])
        for index in 1...2 { _ = try await store.createModelVersion(ModelVersionCreation(name: "m", source: "s3://b/\(index)")) }
        try await store.setModelAlias(name: "m", alias: "champion", version: 1)
        try expectEqual(try await store.modelVersion(name: "m", alias: "champion").version, 1, "version by alias")
        try expectEqual(try await store.modelVersion(name: "m", version: 1).aliases, ["champion"], "a version lists its aliases")
        try expectEqual(try await store.registeredModel(name: "m").aliases, [ModelAlias(alias: "champion", version: 1)], "the model lists its aliases")
        try await store.setModelAlias(name: "m", alias: "champion", version: 2)
        try expectEqual(try await store.modelVersion(name: "m", alias: "champion").version, 2, "an alias moves")
        for bad in ["latest", "v3", "", "a b"] {
            try await expectError("alias \(show(bad))", code: .invalidParameterValue) { try await store.setModelAlias(name: "m", alias: bad, version: 1) }
        }
        try await expectError("an alias to a missing version", code: .resourceDoesNotExist) {
            try await store.setModelAlias(name: "m", alias: "next", version: 9)
        }
        try await store.deleteModelVersion(name: "m", version: 2)
        try await expectError("an alias of a deleted version", code: .invalidParameterValue, message: "Registered model alias champion not found.") {
            try await store.modelVersion(name: "m", alias: "champion")
        }
        try await store.setModelAlias(name: "m", alias: "champion", version: 1)
        try await store.deleteModelAlias(name: "m", alias: "champion")
        try expect(try await store.registeredModel(name: "m").aliases.isEmpty, "no aliases after deleting the last")
    }

    func registryLoggedModelVersion() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store, name: "r")
        let model = try await store.createLoggedModel(LoggedModelCreation(experimentID: Experiment.defaultID, name: "echo", sourceRunID: run.info.runID))
        _ = try await store.createRegisteredModel(name: "reg", description: nil, tags: [])
        let version = try await store.createModelVersion(ModelVersionCreation(name: "reg", source: "models:/\(model.modelID)", modelID: model.modelID))
        try expectEqual(version.runID, run.info.runID, "the run comes from the logged model")
        try expectEqual(version.modelID, model.modelID, "the logged model is kept")
        _ = try await store.createModelVersion(ModelVersionCreation(name: "reg", source: "models:/\(model.modelID)"))
        let tags = try await store.loggedModel(id: model.modelID).tags
        try expectEqual(
            value(of: "mlflow.modelVersions", in: tags),
            "[{\"name\": \"reg\", \"version\": 1}, {\"name\": \"reg\", \"version\": 2}]",
            "the logged model lists its registrations"
        )
    }

    func registrySearch() async throws {
        let store = try await makeStore()
        for (index, name) in ["beta", "alpha", "prompt-x", "gamma"].enumerated() {
            let tags = name.hasPrefix("prompt") ? [Tag(key: "mlflow.prompt.is_prompt", value: "true")] : [Tag(key: "rank", value: String(index))]
            _ = try await store.createRegisteredModel(name: name, description: nil, tags: tags)
            _ = try await store.createModelVersion(ModelVersionCreation(name: name, source: "s3://b/\(name)", runID: nil))
            try await Task.sleep(for: .milliseconds(3))
        }
        _ = try await store.createModelVersion(ModelVersionCreation(name: "alpha", source: "s3://b/alpha2"))
        func models(_ filter: String, _ order: [String] = []) async throws -> [String] {
            let query = RegistryQuery(
                filter: try RegistryFilterParser.parse(filter, for: .registeredModels),
                orderBy: try order.map { term throws(TrackError) in try RegistryFilterParser.parseOrderBy(term, for: .registeredModels) }, maxResults: 100
            )
            return try await store.searchRegisteredModels(query).items.map(\.name)
        }
        try expectEqual(try await models("tag.`mlflow.prompt.is_prompt` != 'true'"), ["alpha", "beta", "gamma"], "the client's own filter keeps models without the tag, by name")
        try expectEqual(try await models("name LIKE '%a' AND tags.rank != '0'"), ["alpha", "gamma"], "name LIKE and a tag")
        try expectEqual(try await models("", ["creation_timestamp DESC"]), ["gamma", "prompt-x", "alpha", "beta"], "order by creation, newest first")
        let first = try await store.searchRegisteredModels(RegistryQuery(maxResults: 3))
        try expectEqual(first.items.map(\.name), ["alpha", "beta", "gamma"], "first page")
        let rest = try await store.searchRegisteredModels(RegistryQuery(maxResults: 3, pageToken: try unwrap(first.nextPageToken, "a page token")))
        try expectEqual(rest.items.map(\.name), ["prompt-x"], "second page")

        func versions(_ filter: String, _ order: [String] = []) async throws -> [String] {
            let query = RegistryQuery(
                filter: try RegistryFilterParser.parse(filter, for: .modelVersions),
                orderBy: try order.map { term throws(TrackError) in try RegistryFilterParser.parseOrderBy(term, for: .modelVersions) }, maxResults: 100
            )
            return try await store.searchModelVersions(query).items.map { "\($0.name)/\($0.version)" }
        }
        try expectEqual(try await versions("name = 'alpha'"), ["alpha/2", "alpha/1"], "versions of one model, newest first")
        try expectEqual(try await versions("name IN ('beta', 'gamma')", ["name ASC"]), ["beta/1", "gamma/1"], "name IN, ordered by name")
        try expectEqual(try await versions("version_number > 1"), ["alpha/2"], "version_number")
        try expectEqual(try await versions("source_path LIKE '%/gamma'"), ["gamma/1"], "source_path LIKE")
    }
}
