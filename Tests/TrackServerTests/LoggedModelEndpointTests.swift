import Foundation
import HTTPTypes
import Testing

/// `logged-models/*` over HTTP: the calls `mlflow.<flavor>.log_model`, `mlflow.get_logged_model`,
/// `mlflow.search_logged_models` and friends make, and their errors.
@Suite("Logged model endpoints")
struct LoggedModelEndpointTests {
    func createModel(_ api: TrackClient, experimentID: String = "0", name: String? = nil, runID: String? = nil, extra: [JSONMember] = []) async throws -> JSON {
        var body: [JSONMember] = [.init("experiment_id", .string(experimentID))]
        if let name { body.append(.init("name", .string(name))) }
        if let runID { body.append(.init("source_run_id", .string(runID))) }
        let reply = try await api.post("logged-models", .object(body + extra))
        #expect(reply.status == 200, "\(reply)")
        return reply.object["model"] ?? .null
    }

    func send(_ api: TrackClient, _ method: HTTPRequest.Method, _ path: String, _ body: JSON? = nil) async throws -> Reply {
        try await api.send(
            method, TrackClient.api + path, headers: body == nil ? [:] : [.contentType: "application/json"],
            body: body.map { Array($0.serialized().utf8) }
        )
    }

    @Test func logModelFlow() async throws {
        try await withTrackServer { api throws in
            let experimentID = try await api.createExperiment("models")
            let runID = try await api.createRun(experimentID: experimentID)
            let created = try await createModel(api, experimentID: experimentID, name: "echo", runID: runID, extra: [
                .init("tags", [["key": "mlflow.user", "value": "me"]]), .init("params", [["key": "alpha", "value": "0.5"]]),
            ])
            let info = created["info"] ?? .null
            let modelID = try #require(info["model_id"]?.stringValue)
            #expect(modelID.hasPrefix("m-") && modelID.count == 34)
            #expect(info["experiment_id"] == .string(experimentID))
            #expect(info["name"] == "echo")
            #expect(info["status"] == "LOGGED_MODEL_PENDING")
            #expect(info["model_type"] == "")
            #expect(info["source_run_id"] == .string(runID))
            #expect(info["artifact_uri"] == .string("mlflow-artifacts:/\(experimentID)/models/\(modelID)/artifacts"))
            #expect(info["creation_timestamp_ms"]?.int64Value != nil && info["last_updated_timestamp_ms"]?.int64Value != nil)
            #expect(info["tags"] == [["key": "mlflow.user", "value": "me"]])
            #expect(created["data"]?["params"] == [["key": "alpha", "value": "0.5"]])

            // The model's files go through the artifact proxy, under its artifact location.
            expectEmptyOK(try await api.post("runs/outputs", ["run_id": .string(runID), "models": [["model_id": .string(modelID), "step": 0]]]))
            #expect(try await api.putArtifact("\(experimentID)/models/\(modelID)/artifacts/MLmodel", Array("flavors: {}\n".utf8)).status == 200)
            let finalized = try await send(api, .patch, "logged-models/\(modelID)", ["model_id": .string(modelID), "status": "LOGGED_MODEL_READY"])
            #expect(finalized.status == 200, "\(finalized)")
            #expect(finalized.object["model"]?["info"]?["status"] == "LOGGED_MODEL_READY")

            // A metric logged with the model's id is the run's and the model's.
            expectEmptyOK(try await api.post("runs/log-metric", [
                "run_id": .string(runID), "key": "acc", "value": 0.9, "timestamp": 5, "step": 1, "model_id": .string(modelID),
            ]))
            expectEmptyOK(try await api.post("runs/log-batch", [
                "run_id": .string(runID),
                "metrics": [["key": "loss", "value": "NaN", "timestamp": 6, "step": 1, "model_id": .string(modelID), "dataset_name": "eval", "dataset_digest": "abc"]],
            ]))
            let read = try await api.get("logged-models/\(modelID)")
            #expect(read.status == 200, "\(read)")
            let metrics = read.object["model"]?["data"]?["metrics"]?.arrayValue ?? []
            #expect(metrics.count == 2, "\(read)")
            #expect(metrics.first == [
                "key": "acc", "value": 0.9, "timestamp": 5, "step": 1, "model_id": .string(modelID), "run_id": .string(runID),
            ])
            #expect(metrics.last == [
                "key": "loss", "value": "NaN", "timestamp": 6, "step": 1, "model_id": .string(modelID),
                "dataset_name": "eval", "dataset_digest": "abc", "run_id": .string(runID),
            ])
            #expect(try await api.getRun(runID)["data"]?["metrics"]?.arrayValue?.count == 2, "the run has both metrics too")

            // Tags (set, overwrite, delete) and params.
            expectEmptyOK(try await send(api, .patch, "logged-models/\(modelID)/tags", ["tags": [["key": "mlflow.modelVersions", "value": "[]"], ["key": "stage", "value": "dev"]]]))
            expectEmptyOK(try await send(api, .delete, "logged-models/\(modelID)/tags/stage"))
            expectError(try await send(api, .delete, "logged-models/\(modelID)/tags/stage"), status: 404, code: "RESOURCE_DOES_NOT_EXIST")
            expectEmptyOK(try await api.post("logged-models/\(modelID)/params", ["params": [["key": "beta", "value": "2"]]]))
            let tagged = try await api.get("logged-models/\(modelID)")
            #expect(tagged.object["model"]?["info"]?["tags"] == [["key": "mlflow.modelVersions", "value": "[]"], ["key": "mlflow.user", "value": "me"]])
            #expect(tagged.object["model"]?["data"]?["params"] == [["key": "alpha", "value": "0.5"], ["key": "beta", "value": "2"]])

            // Search, as `runs:/<run>/<name>` URIs resolve it.
            let found = try await api.post("logged-models/search", ["experiment_ids": [.string(experimentID)], "filter": "name = 'echo'"])
            #expect(found.object["models"]?.arrayValue?.compactMap { $0["info"]?["model_id"]?.stringValue } == [modelID], "\(found)")
            let none = try await api.post("logged-models/search", ["experiment_ids": [.string(experimentID)], "filter": "name = 'other'"])
            #expect(none.status == 200 && none.json == .object([]), "\(none)")

            // Deleted: gone from reads and searches.
            expectEmptyOK(try await send(api, .delete, "logged-models/\(modelID)"))
            expectError(try await api.get("logged-models/\(modelID)"), status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Logged model with ID '\(modelID)' not found.")
            #expect(try await api.post("logged-models/search", ["experiment_ids": [.string(experimentID)]]).json == .object([]))
        }
    }

    @Test func searchOrdersAndPages() async throws {
        try await withTrackServer { api throws in
            var ids: [String] = []
            for name in ["a", "b", "c"] {
                let model = try await createModel(api, name: name)
                ids.append(model["info"]?["model_id"]?.stringValue ?? "")
                try await Task.sleep(for: .milliseconds(3))
            }
            let byName = try await api.post("logged-models/search", [
                "experiment_ids": ["0"], "order_by": [["field_name": "name", "ascending": false]], "max_results": 2,
            ])
            #expect(byName.object["models"]?.arrayValue?.compactMap { $0["info"]?["name"]?.stringValue } == ["c", "b"], "\(byName)")
            let token = try #require(byName.object["next_page_token"]?.stringValue)
            let rest = try await api.post("logged-models/search", [
                "experiment_ids": ["0"], "order_by": [["field_name": "name", "ascending": false]], "max_results": 2, "page_token": .string(token),
            ])
            #expect(rest.object["models"]?.arrayValue?.compactMap { $0["info"]?["name"]?.stringValue } == ["a"], "\(rest)")
            #expect(rest.object["next_page_token"] == nil)
            let newest = try await api.post("logged-models/search", ["experiment_ids": ["0"]])
            #expect(newest.object["models"]?.arrayValue?.compactMap { $0["info"]?["model_id"]?.stringValue } == ids.reversed(), "newest first by default")
        }
    }

    @Test func badInputIsRefusedInMLflowsShape() async throws {
        try await withTrackServer { api throws in
            expectError(try await api.post("logged-models", [:]), status: 400, code: "INVALID_PARAMETER_VALUE", messageContains: "experiment_id")
            expectError(try await api.post("logged-models", ["experiment_id": "42"]), status: 404, code: "RESOURCE_DOES_NOT_EXIST")
            expectError(try await api.post("logged-models", ["experiment_id": "0", "name": "a/b"]), status: 400, code: "INVALID_PARAMETER_VALUE", messagePrefix: "Invalid model name")
            let modelID = try #require(try await createModel(api, name: "m")["info"]?["model_id"]?.stringValue)
            expectError(try await send(api, .patch, "logged-models/\(modelID)", ["status": "DONE"]), status: 400, code: "INVALID_PARAMETER_VALUE", messageContains: "status")
            expectError(try await send(api, .patch, "logged-models/\(modelID)", [:]), status: 400, code: "INVALID_PARAMETER_VALUE", messageContains: "status")
            expectError(try await api.get("logged-models/m-nope"), status: 404, code: "RESOURCE_DOES_NOT_EXIST")
            for filter in ["metrics.acc LIKE '1'", "bogus = 'x'", "runs.x = 'y'", "name = 'a' OR name = 'b'", "metrics.acc > 'high'"] {
                let reply = try await api.post("logged-models/search", ["experiment_ids": ["0"], "filter": .string(filter)])
                expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE")
            }
            expectError(
                try await api.post("logged-models/search", ["experiment_ids": ["0"], "order_by": [["field_name": "params.x"]]]),
                status: 400, code: "INVALID_PARAMETER_VALUE", messageContains: "Only metrics"
            )
            expectError(
                try await api.post("logged-models/search", ["experiment_ids": ["0"], "datasets": [["dataset_digest": "x"]]]),
                status: 400, code: "INVALID_PARAMETER_VALUE", messageContains: "dataset_name"
            )
            // A metric naming an unknown model is refused whole: the run gets nothing either.
            let runID = try await api.createRun()
            let refused = try await api.post("runs/log-batch", [
                "run_id": .string(runID), "metrics": [["key": "x", "value": 1, "timestamp": 1, "model_id": "m-00000000000000000000000000000001"]],
            ])
            expectError(refused, status: 404, code: "RESOURCE_DOES_NOT_EXIST")
            #expect(try await api.getRun(runID)["data"]?["metrics"] == nil)
        }
    }
}
