import Foundation
import HTTPTypes
import Testing

/// `registered-models/*` and `model-versions/*` over HTTP: shapes and errors beyond the recording.
@Suite("Model registry endpoints")
struct RegistryEndpointTests {
    func send(_ api: TrackClient, _ method: HTTPRequest.Method, _ path: String, _ body: JSON) async throws -> Reply {
        try await api.send(method, TrackClient.api + path, headers: [.contentType: "application/json"], body: Array(body.serialized().utf8))
    }

    @Test func registerStageAliasAndDelete() async throws {
        try await withTrackServer { api throws in
            let runID = try await api.createRun()
            let run = try await api.getRun(runID)
            let source = (run["info"]?["artifact_uri"]?.stringValue ?? "") + "/model"
            #expect(try await api.post("registered-models/create", ["name": "clf"]).status == 200)
            let created = try await api.post("model-versions/create", ["name": "clf", "source": .string(source), "run_id": .string(runID)])
            #expect(created.object["model_version"]?["version"] == "1", "\(created)")
            #expect(created.object["model_version"]?["status"] == "READY")
            #expect(created.object["model_version"]?["current_stage"] == "None")

            let moved = try await api.post("model-versions/transition-stage", ["name": "clf", "version": "1", "stage": "production", "archive_existing_versions": false])
            #expect(moved.object["model_version"]?["current_stage"] == "Production", "stages are read in any case: \(moved)")
            expectEmptyOK(try await api.post("registered-models/alias", ["name": "clf", "alias": "prod", "version": "1"]))
            let byAlias = try await api.get("registered-models/alias", [("name", "clf"), ("alias", "prod")])
            #expect(byAlias.object["model_version"]?["aliases"] == ["prod"], "\(byAlias)")
            let uri = try await api.get("model-versions/get-download-uri", [("name", "clf"), ("version", "1")])
            #expect(uri.json == ["artifact_uri": .string(source)])
            let latest = try await api.post("registered-models/get-latest-versions", ["name": "clf", "stages": ["Production"]])
            #expect(latest.object["model_versions"]?.arrayValue?.count == 1, "\(latest)")

            expectEmptyOK(try await send(api, .delete, "registered-models/delete", ["name": "clf"]))
            expectError(try await api.get("registered-models/get", [("name", "clf")]), status: 404, code: "RESOURCE_DOES_NOT_EXIST")
            expectError(try await api.get("model-versions/get", [("name", "clf"), ("version", "1")]), status: 404, code: "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test func badInputIsRefusedInMLflowsShape() async throws {
        try await withTrackServer { api throws in
            expectError(try await api.post("registered-models/create", [:]), status: 400, code: "INVALID_PARAMETER_VALUE", messageContains: "name")
            expectError(try await api.post("model-versions/create", ["name": "nope", "source": "s3://x"]), status: 404, code: "RESOURCE_DOES_NOT_EXIST")
            #expect(try await api.post("registered-models/create", ["name": "m"]).status == 200)
            expectError(try await api.post("model-versions/create", ["name": "m"]), status: 400, code: "INVALID_PARAMETER_VALUE", messageContains: "source")
            let runID = try await api.createRun()
            expectError(
                try await api.post("model-versions/create", ["name": "m", "source": "mlflow-artifacts:/0/0123456789abcdef0123456789abcdef/artifacts/x", "run_id": .string(runID)]),
                status: 400, code: "INVALID_PARAMETER_VALUE", messagePrefix: "Invalid model version source"
            )
            expectError(
                try await api.post("model-versions/create", ["name": "m", "source": "/etc/passwd", "run_id": .string(runID)]),
                status: 400, code: "INVALID_PARAMETER_VALUE", messagePrefix: "Invalid model version source"
            )
            expectError(try await api.get("model-versions/get", [("name", "m"), ("version", "one")]), status: 400, code: "INVALID_PARAMETER_VALUE")
            expectError(try await api.get("model-versions/get", [("name", "m"), ("version", "7")]), status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Model Version (name=m, version=7) not found")
            expectError(try await api.post("registered-models/alias", ["name": "m", "alias": "latest", "version": "1"]), status: 400, code: "INVALID_PARAMETER_VALUE")
            _ = try await api.post("model-versions/create", ["name": "m", "source": "s3://x"])
            expectError(try await api.post("model-versions/transition-stage", ["name": "m", "version": "1", "stage": "Live"]), status: 400, code: "INVALID_PARAMETER_VALUE", messagePrefix: "Invalid Model Version stage")
            expectError(try await api.get("registered-models/search", [("filter", "owner = 'x'")]), status: 400, code: "INVALID_PARAMETER_VALUE")
            expectError(try await api.get("registered-models/search", [("max_results", "5000")]), status: 400, code: "INVALID_PARAMETER_VALUE")
            expectError(try await api.get("model-versions/search", [("order_by", "size DESC")]), status: 400, code: "INVALID_PARAMETER_VALUE")
            expectError(try await api.post("registered-models/rename", ["name": "m", "new_name": ""]), status: 400, code: "INVALID_PARAMETER_VALUE")
            #expect(try await api.post("registered-models/create", ["name": "n"]).status == 200)
            expectError(try await api.post("registered-models/rename", ["name": "m", "new_name": "n"]), status: 400, code: "RESOURCE_ALREADY_EXISTS")
            #expect(try await api.get("model-versions/get", [("name", "m"), ("version", "1")]).status == 200, "a refused rename changed nothing")
        }
    }
}
