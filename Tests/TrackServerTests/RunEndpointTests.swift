import Foundation
import Testing

/// `runs/*` over HTTP: lifecycle, params, tags, log-batch limits and search.
@Suite("Run endpoints")
struct RunEndpointTests {
    // MARK: Create and get

    @Test func createAnswersTheRunWithMLflowsShape() async throws {
        try await withTrackServer { api throws in
            let reply = try await api.post("runs/create", [
                "experiment_id": "0", "user_id": "root", "run_name": "first", "start_time": 1_700_000_000_000,
                "tags": [["key": "team", "value": "ml"], ["key": "mlflow.runName", "value": "first"]],
            ])
            #expect(reply.status == 200, "\(reply)")
            let run = try #require(reply.json?["run"])
            let info = try #require(run["info"])
            let id = try #require(info["run_id"]?.stringValue)
            #expect(id.count == 32 && id.allSatisfy { $0.isHexDigit && !$0.isUppercase }, "run ids are uuid4 hex: \(id)")
            #expect(info["run_uuid"] == .string(id))
            #expect(info["experiment_id"] == "0")
            #expect(info["run_name"] == "first")
            #expect(info["user_id"] == "root")
            #expect(info["status"] == "RUNNING")
            #expect(info["start_time"] == 1_700_000_000_000)
            #expect(info["end_time"] == nil, "a running run has no end_time")
            #expect(info["artifact_uri"] == .string("mlflow-artifacts:/0/\(id)/artifacts"))
            #expect(info["lifecycle_stage"] == "active")
            let tags = run["data"]?["tags"]?.arrayValue ?? []
            #expect(tags.count == 2, "\(tags)")
            #expect(tags.contains(["key": "team", "value": "ml"]))
            #expect(tags.contains(["key": "mlflow.runName", "value": "first"]))
            #expect(run["data"]?["metrics"] == nil && run["data"]?["params"] == nil)
            #expect(run["inputs"] == .object([]))
            #expect(run["outputs"] == nil, "runs/create answers without outputs")

            let fetched = try await api.getRun(id)
            #expect(fetched["info"] == info)
            #expect(fetched["inputs"] == .object([]))
            #expect(fetched["outputs"] == .object([]), "runs/get carries outputs: {}")
        }
    }

    @Test func aRunWithoutANameGetsAGeneratedOne() async throws {
        try await withTrackServer { api throws in
            let reply = try await api.post("runs/create", ["experiment_id": "0"])
            #expect(reply.status == 200, "\(reply)")
            let info = reply.object["run"]?["info"]
            let name = try #require(info?["run_name"]?.stringValue)
            let parts = name.split(separator: "-")
            #expect(parts.count == 3 && Int(parts[2]).map { (0...999).contains($0) } == true, "adjective-animal-N: \(name)")
            #expect(reply.object["run"]?["data"]?["tags"] == [["key": "mlflow.runName", "value": .string(name)]])
            #expect(info?["start_time"] == 0, "a missing start_time is 0")
            #expect(info?["user_id"] == "", "a missing user_id is stored empty")
        }
    }

    @Test func runNameAndRunNameTagMustAgree() async throws {
        try await withTrackServer { api throws in
            let reply = try await api.post("runs/create", [
                "experiment_id": "0", "run_name": "tag-vs-field", "tags": [["key": "mlflow.runName", "value": "from-tag"]],
            ])
            expectError(
                reply, status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='tag-vs-field', mlflow.runName='from-tag')."
            )
        }
    }

    @Test func createWithoutAnExperimentIsInvalidParameter() async throws {
        try await withTrackServer { api throws in
            // MLflow leaks an SQL error as BAD_REQUEST here; PROTOCOL.md §3 asks for INVALID_PARAMETER_VALUE.
            let reply = try await api.post("runs/create", [:])
            expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE")
            let unknown = try await api.post("runs/create", ["experiment_id": "424242"])
            #expect(unknown.status >= 400 && unknown.status < 500, "\(unknown)")
        }
    }

    @Test func getOfAnUnknownRunIs404() async throws {
        try await withTrackServer { api throws in
            let id = "0123456789abcdef0123456789abcdef"
            expectError(try await api.get("runs/get", [("run_id", id), ("run_uuid", id)]), status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Run with id=\(id) not found")
        }
    }

    @Test func getOfAMalformedRunIdIs400() async throws {
        try await withTrackServer { api throws in
            let reply = try await api.get("runs/get", [("run_id", "not a run!")])
            expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid value \"not a run!\" for parameter 'run_id' supplied.")
        }
    }

    @Test func getTakesRunIdOrRunUuid() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            #expect(try await api.get("runs/get", [("run_uuid", id)]).status == 200)
            #expect(try await api.get("runs/get", [("run_id", id)]).status == 200)
            expectError(try await api.get("runs/get"), status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("run_id"))
        }
    }

    // MARK: Update, delete, restore

    @Test func updateSetsStatusEndTimeAndName() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun(name: "old-name")
            let reply = try await api.post("runs/update", ["run_id": .string(id), "run_uuid": .string(id), "status": "FINISHED", "end_time": 1_700_000_009_999, "run_name": "new-name"])
            #expect(reply.status == 200, "\(reply)")
            let info = reply.object["run_info"]
            #expect(info?["status"] == "FINISHED")
            #expect(info?["end_time"] == 1_700_000_009_999)
            #expect(info?["run_name"] == "new-name")
            let tags = try await api.getRun(id)["data"]?["tags"]?.arrayValue ?? []
            #expect(tags.contains(["key": "mlflow.runName", "value": "new-name"]), "renaming rewrites the mlflow.runName tag: \(tags)")
        }
    }

    @Test func updateIgnoresAnUnknownStatus() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let reply = try await api.post("runs/update", ["run_id": .string(id), "status": "BOGUS"])
            #expect(reply.status == 200, "\(reply)")
            #expect(reply.object["run_info"]?["status"] == "RUNNING")
        }
    }

    @Test func deleteRestoreAndWritesToADeletedRun() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectEmptyOK(try await api.post("runs/delete", ["run_id": .string(id)]))
            #expect(try await api.getRun(id)["info"]?["lifecycle_stage"] == "deleted")

            let write = try await api.logMetric(id, "x", 1.0)
            expectError(write, status: 400, code: "INVALID_PARAMETER_VALUE", message: "The run \(id) must be in the 'active' state. Current state is deleted.")

            let deletedOnly = try await api.post("runs/search", ["experiment_ids": ["0"], "run_view_type": "DELETED_ONLY"])
            #expect(deletedOnly.object["runs"]?.arrayValue?.count == 1)
            let activeOnly = try await api.post("runs/search", ["experiment_ids": ["0"]])
            #expect(activeOnly.json == .object([]), "\(activeOnly)")

            expectEmptyOK(try await api.post("runs/restore", ["run_id": .string(id)]))
            #expect(try await api.getRun(id)["info"]?["lifecycle_stage"] == "active")
            expectEmptyOK(try await api.logMetric(id, "x", 1.0))
        }
    }

    @Test func deleteOfAnUnknownRunIs404() async throws {
        try await withTrackServer { api throws in
            let id = "0123456789abcdef0123456789abcdef"
            expectError(try await api.post("runs/delete", ["run_id": .string(id)]), status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Run with id=\(id) not found")
            expectError(try await api.post("runs/restore", ["run_id": .string(id)]), status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Run with id=\(id) not found")
        }
    }

    // MARK: Params and tags

    @Test func paramsAreWriteOnce() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectEmptyOK(try await api.post("runs/log-parameter", ["run_id": .string(id), "key": "y", "value": "a"]))
            expectEmptyOK(try await api.post("runs/log-parameter", ["run_id": .string(id), "key": "y", "value": "a"]))
            let changed = try await api.post("runs/log-parameter", ["run_id": .string(id), "key": "y", "value": "b"])
            expectError(
                changed, status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "Changing param values is not allowed. Param with key='y' was already logged with value='a' for run ID='\(id)'. Attempted logging new value 'b'."
            )
            #expect(try await api.getRun(id)["data"]?["params"] == [["key": "y", "value": "a"]])
        }
    }

    @Test func longParamAndTagValuesAreTruncated() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectEmptyOK(try await api.post("runs/log-parameter", ["run_id": .string(id), "key": "long", "value": .string(String(repeating: "v", count: 7000))]))
            expectEmptyOK(try await api.post("runs/log-batch", ["run_id": .string(id), "tags": [["key": "longtag", "value": .string(String(repeating: "t", count: 8001))]]]))
            let data = try await api.getRun(id)["data"]
            let param = data?["params"]?.arrayValue?.first { $0["key"] == "long" }
            #expect(param?["value"]?.stringValue?.count == 6000)
            let tag = data?["tags"]?.arrayValue?.first { $0["key"] == "longtag" }
            #expect(tag?["value"]?.stringValue?.count == 8000)
        }
    }

    @Test func invalidKeysAreRefusedWithMLflowsMessages() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectError(
                try await api.logMetric(id, "bad key!*", 1.0), status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "Invalid value \"bad key!*\" for parameter 'name' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."
            )
            let escape = try await api.post("runs/log-parameter", ["run_id": .string(id), "key": "../escape", "value": "1"])
            expectError(
                escape, status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "Invalid value \"../escape\" for parameter 'key' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '../escape'"
            )
        }
    }

    @Test func tagsOverwriteAndDelete() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectEmptyOK(try await api.post("runs/set-tag", ["run_id": .string(id), "key": "stage", "value": "train"]))
            expectEmptyOK(try await api.post("runs/set-tag", ["run_id": .string(id), "key": "stage", "value": "eval"]))
            var tags = try await api.getRun(id)["data"]?["tags"]?.arrayValue ?? []
            #expect(tags.contains(["key": "stage", "value": "eval"]))
            #expect(!tags.contains(["key": "stage", "value": "train"]))

            expectEmptyOK(try await api.post("runs/delete-tag", ["run_id": .string(id), "key": "stage"]))
            tags = try await api.getRun(id)["data"]?["tags"]?.arrayValue ?? []
            #expect(!tags.contains { $0["key"] == "stage" })

            expectError(
                try await api.post("runs/delete-tag", ["run_id": .string(id), "key": "never-set"]),
                status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "No tag with name: never-set in run with id \(id)"
            )
        }
    }

    // MARK: log-batch limits

    static func metrics(_ count: Int, prefix: String = "m") -> JSON {
        .array((0..<count).map { ["key": .string("\(prefix)\($0)"), "value": 1.0, "timestamp": 1_700_000_000_000, "step": 0] })
    }

    static func keyValues(_ count: Int, prefix: String) -> JSON {
        .array((0..<count).map { ["key": .string("\(prefix)\($0)"), "value": "v"] })
    }

    @Test func logBatchRefusesMoreThan1000Metrics() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let reply = try await api.post("runs/log-batch", ["run_id": .string(id), "metrics": Self.metrics(1001)])
            expectError(
                reply, status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again."
            )
            #expect(try await api.getRun(id)["data"]?["metrics"] == nil, "nothing of a refused batch is stored")
        }
    }

    @Test func logBatchRefusesMoreThan100ParamsOrTags() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectError(
                try await api.post("runs/log-batch", ["run_id": .string(id), "params": Self.keyValues(101, prefix: "p")]),
                status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "A batch logging request can contain at most 100 params. Got 101 params. Please split up params across multiple requests and try again."
            )
            expectError(
                try await api.post("runs/log-batch", ["run_id": .string(id), "tags": Self.keyValues(101, prefix: "t")]),
                status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "A batch logging request can contain at most 100 tags. Got 101 tags. Please split up tags across multiple requests and try again."
            )
        }
    }

    @Test func logBatchRefusesMoreThan1000EntitiesInTotal() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let reply = try await api.post("runs/log-batch", ["run_id": .string(id), "params": Self.keyValues(100, prefix: "p"), "metrics": Self.metrics(901)])
            expectError(
                reply, status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags. Please split up metrics, params, and tags across multiple requests and try again."
            )
        }
    }

    @Test func logBatchAcceptsExactly1000Entities() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let reply = try await api.post("runs/log-batch", [
                "run_id": .string(id), "params": Self.keyValues(100, prefix: "p"), "tags": Self.keyValues(100, prefix: "t"), "metrics": Self.metrics(800),
            ])
            expectEmptyOK(reply)
            let data = try await api.getRun(id)["data"]
            #expect(data?["metrics"]?.arrayValue?.count == 800)
            #expect(data?["params"]?.arrayValue?.count == 100)
            // Every run also carries its generated `mlflow.runName` tag.
            let tagKeys = Set(data?["tags"]?.arrayValue?.compactMap { $0["key"]?.stringValue } ?? [])
            #expect(tagKeys == Set((0..<100).map { "t\($0)" } + ["mlflow.runName"]))
        }
    }

    @Test func logBatchValidatesKeysAndDuplicates() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectError(
                try await api.post("runs/log-batch", ["run_id": .string(id), "params": [["key": .string(String(repeating: "k", count: 251)), "value": "v"]]]),
                status: 400, code: "INVALID_PARAMETER_VALUE", message: "'Param key' exceeds the maximum length of 250 characters"
            )
            expectError(
                try await api.post("runs/log-batch", ["run_id": .string(id), "metrics": [["key": "bad key!*", "value": 1.0, "timestamp": 1_700_000_000_000]]]),
                status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "Invalid value \"bad key!*\" for parameter 'metrics[0].name' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."
            )
            expectError(
                try await api.post("runs/log-batch", ["run_id": .string(id), "params": [["key": "dup", "value": "1"], ["key": "dup", "value": "2"]]]),
                status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "Duplicate parameter keys have been submitted: ['dup']. Please ensure the request contains only one param value per param key."
            )
        }
    }

    @Test func anEmptyLogBatchIsFine() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectEmptyOK(try await api.post("runs/log-batch", ["run_id": .string(id)]))
        }
    }

    // MARK: log-inputs

    @Test func logInputsShowsUpInTheRun() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let dataset: JSON = ["name": "toy-ds", "digest": "279cadca", "source_type": "code", "source": "{}", "profile": "{\"num_rows\": 3}"]
            expectEmptyOK(try await api.post("runs/log-inputs", [
                "run_id": .string(id), "datasets": [["tags": [["key": "mlflow.data.context", "value": "training"]], "dataset": dataset]],
            ]))
            let inputs = try await api.getRun(id)["inputs"]?["dataset_inputs"]?.arrayValue ?? []
            #expect(inputs.count == 1)
            #expect(inputs.first?["dataset"] == dataset)
            #expect(inputs.first?["tags"] == [["key": "mlflow.data.context", "value": "training"]])
        }
    }

    // MARK: log-model (MLflow 2 clients)

    @Test func logModelAppendsToTheRunsModelHistory() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let model = { (path: String) -> String in
                #"{"run_id": "\#(id)", "artifact_path": "\#(path)", "utc_time_created": "2026-12-07 06:44:18.123456", "model_uuid": "0123456789abcdef0123456789abcdef", "flavors": {"python_function": {"loader_module": "mlflow.pyfunc.model", "config": {"x": 1}}}}"#
            }
            expectEmptyOK(try await api.post("runs/log-model", ["run_id": .string(id), "model_json": .string(model("model"))]))
            expectEmptyOK(try await api.post("runs/log-model", ["run_id": .string(id), "model_json": .string(model("model-2"))]))
            let tags = try await api.getRun(id)["data"]?["tags"]?.arrayValue ?? []
            let history = try #require(tags.first { $0["key"] == "mlflow.log-model.history" }?["value"]?.stringValue)
            let entry = { (path: String) in
                #"{"run_id": "\#(id)", "artifact_path": "\#(path)", "utc_time_created": "2026-12-07 06:44:18.123456", "model_uuid": "0123456789abcdef0123456789abcdef", "flavors": {"python_function": {"loader_module": "mlflow.pyfunc.model"}}}"#
            }
            #expect(history == "[\(entry("model")), \(entry("model-2"))]")

            expectError(try await api.post("runs/log-model", ["run_id": .string(id)]), status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("model_json"))
            expectError(
                try await api.post("runs/log-model", ["run_id": .string(id), "model_json": "{\"run_id\": "]), status: 400, code: "INVALID_PARAMETER_VALUE",
                messagePrefix: "Malformed model info."
            )
            expectError(
                try await api.post("runs/log-model", ["run_id": .string(id), "model_json": #"{"run_id": "r"}"#]), status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "Model json is missing mandatory fields: {'artifact_path', 'flavors', 'utc_time_created'}"
            )
            expectError(
                try await api.post("runs/log-model", ["run_id": "0123456789abcdef0123456789abcdef", "model_json": .string(model("m"))]), status: 404,
                code: "RESOURCE_DOES_NOT_EXIST"
            )
            let after = try await api.getRun(id)["data"]?["tags"]?.arrayValue ?? []
            #expect(after.first { $0["key"] == "mlflow.log-model.history" }?["value"]?.stringValue == history, "refused models leave the history as it was")
        }
    }

    // MARK: Search

    /// Five runs: x = 0.2…1.0, y alternating, z tag, distinct start times.
    static func sweep(_ api: TrackClient) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<5 {
            let id = try await api.createRun(name: "sweep-\(index)", startTime: 1_700_000_000_000 + Int64(index) * 1000)
            _ = try await api.logMetric(id, "x", .double(Double(index + 1) * 0.2))
            _ = try await api.post("runs/log-parameter", ["run_id": .string(id), "key": "y", "value": index % 2 == 0 ? "a" : "b"])
            _ = try await api.post("runs/set-tag", ["run_id": .string(id), "key": "z", "value": index < 2 ? "xqx" : "none"])
            ids.append(id)
        }
        return ids
    }

    static func names(_ reply: Reply) -> [String] {
        reply.object["runs"]?.arrayValue?.compactMap { $0["info"]?["run_name"]?.stringValue } ?? []
    }

    @Test func searchFilters() async throws {
        try await withTrackServer { api throws in
            _ = try await Self.sweep(api)
            let reply = try await api.post("runs/search", [
                "experiment_ids": ["0"], "filter": "metrics.x > 0.3 and params.y = 'a' and tags.z LIKE '%q%'", "run_view_type": "ACTIVE_ONLY", "max_results": 1000,
            ])
            #expect(reply.status == 200, "\(reply)")
            #expect(Self.names(reply).isEmpty, "sweep-0 has x=0.2, sweep-1 has y=b, sweep-2+ have z=none")
            #expect(reply.json == .object([]))

            let byParam = try await api.post("runs/search", ["experiment_ids": ["0"], "filter": "params.y = 'b'"])
            #expect(Self.names(byParam) == ["sweep-3", "sweep-1"], "default order is start_time DESC")
            let byName = try await api.post("runs/search", ["experiment_ids": ["0"], "filter": "attributes.run_name = 'sweep-2'", "run_view_type": "ALL"])
            #expect(Self.names(byName) == ["sweep-2"])
            let byMetric = try await api.post("runs/search", ["experiment_ids": ["0"], "filter": "metrics.x >= 0.8"])
            #expect(Self.names(byMetric) == ["sweep-4", "sweep-3"])
        }
    }

    @Test func searchOrdersAndPages() async throws {
        try await withTrackServer { api throws in
            _ = try await Self.sweep(api)
            let body: [JSONMember] = [.init("experiment_ids", ["0"]), .init("max_results", 2), .init("order_by", ["metrics.x DESC"])]
            let first = try await api.post("runs/search", .object(body))
            #expect(Self.names(first) == ["sweep-4", "sweep-3"])
            let token = try #require(first.object["next_page_token"]?.stringValue)
            let second = try await api.post("runs/search", .object(body + [.init("page_token", .string(token))]))
            #expect(Self.names(second) == ["sweep-2", "sweep-1"])
            let token2 = try #require(second.object["next_page_token"]?.stringValue)
            let third = try await api.post("runs/search", .object(body + [.init("page_token", .string(token2))]))
            #expect(Self.names(third) == ["sweep-0"])
            #expect(third.object["next_page_token"] == nil, "\(third)")

            let byParamThenTime = try await api.post("runs/search", ["experiment_ids": ["0"], "order_by": ["params.y ASC", "attributes.start_time ASC"]])
            #expect(Self.names(byParamThenTime) == ["sweep-0", "sweep-2", "sweep-4", "sweep-1", "sweep-3"])
        }
    }

    @Test func searchRunsMissingTheOrderKeyGoLast() async throws {
        try await withTrackServer { api throws in
            _ = try await Self.sweep(api)
            _ = try await api.createRun(name: "no-metric", startTime: 1_800_000_000_000)
            let desc = try await api.post("runs/search", ["experiment_ids": ["0"], "order_by": ["metrics.x DESC"]])
            #expect(Self.names(desc).last == "no-metric")
            let asc = try await api.post("runs/search", ["experiment_ids": ["0"], "order_by": ["metrics.x ASC"]])
            #expect(Self.names(asc).last == "no-metric")
        }
    }

    @Test func searchWithABadFilterIs400() async throws {
        try await withTrackServer { api throws in
            expectError(
                try await api.post("runs/search", ["experiment_ids": ["0"], "filter": "metrics.x >>> 1"]),
                status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid comparator '>>>' not one of '{'>=', '<=', '>', '<', '=', '!='}"
            )
            expectError(
                try await api.post("runs/search", ["experiment_ids": ["0"], "filter": "metrics.x > 1 OR metrics.x < 0"]),
                status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid clause(s) in filter string: 'OR'"
            )
            expectError(
                try await api.post("runs/search", ["experiment_ids": ["0"], "order_by": ["bogus.x"]]),
                status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "Invalid entity type 'bogus'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"
            )
        }
    }

    @Test func searchMaxResultsOver50000Is400() async throws {
        try await withTrackServer { api throws in
            expectError(
                try await api.post("runs/search", ["experiment_ids": ["0"], "max_results": 50001]),
                status: 400, code: "INVALID_PARAMETER_VALUE",
                message: "Invalid value 50001 for parameter 'max_results' supplied:  Hint: Value was of type 'int'. See the API docs for more information about request parameters."
            )
            #expect(try await api.post("runs/search", ["experiment_ids": ["0"], "max_results": 50000]).status == 200)
        }
    }

    @Test func searchWithABadPageTokenIs400() async throws {
        try await withTrackServer { api throws in
            expectError(
                try await api.post("runs/search", ["experiment_ids": ["0"], "page_token": "not-a-token"]),
                status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid page token, could not base64-decode"
            )
        }
    }

    @Test func searchWithoutExperimentsIsEmpty() async throws {
        try await withTrackServer { api throws in
            _ = try await api.createRun()
            let reply = try await api.post("runs/search", [:])
            #expect(reply.status == 200, "\(reply)")
            #expect(reply.json == .object([]))
        }
    }
}
