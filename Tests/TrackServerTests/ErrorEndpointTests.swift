import Foundation
import HTTPTypes
import Testing

/// Transport-level answers: content types, malformed bodies, unknown routes and methods, the
/// `/ajax-api` mirror, security headers and the Host check.
@Suite("Errors and transport")
struct ErrorEndpointTests {
    @Test func postWithoutContentTypeIs400() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let reply = try await api.post("runs/log-metric", ["run_id": .string(id), "key": "k", "value": 1.0, "timestamp": 1], contentType: nil)
            expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Bad Request. Content-Type header is missing.")
            #expect(try await api.getRun(id)["data"]?["metrics"] == nil)
        }
    }

    @Test(arguments: ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "applicatioN/jsoN2", ";application/json", "application/jso"])
    func postWithAnotherContentTypeIs400(_ contentType: String) async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            let reply = try await api.post("runs/log-metric", ["run_id": .string(id), "key": "k", "value": 1.0, "timestamp": 1], contentType: contentType)
            expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Bad Request. Content-Type must be one of ['application/json'].")
            #expect(try await api.getRun(id)["data"]?["metrics"] == nil)
        }
    }

    @Test func contentTypeParametersAreFine() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            expectEmptyOK(try await api.post("runs/log-metric", ["run_id": .string(id), "key": "k", "value": 1.0, "timestamp": 1], contentType: "application/json; charset=utf-8"))
            expectEmptyOK(try await api.post("runs/log-metric", ["run_id": .string(id), "key": "k2", "value": 1.0, "timestamp": 1], contentType: "Application/JSON"))
            expectEmptyOK(try await api.post("runs/log-metric", ["run_id": .string(id), "key": "k3", "value": 1.0, "timestamp": 1], contentType: " application/json\t;charset=utf-8"))
        }
    }

    @Test func malformedJSONIsTreatedAsAnEmptyObject() async throws {
        try await withTrackServer { api throws in
            let reply = try await api.send(.post, TrackClient.api + "runs/log-metric", headers: [.contentType: "application/json"], body: Array("{not json".utf8))
            expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("run_id"))
            let array = try await api.send(.post, TrackClient.api + "runs/log-metric", headers: [.contentType: "application/json"], body: Array("[1,2]".utf8))
            expectError(array, status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("run_id"))
        }
    }

    @Test func anEmptyBodyIsMissingParameters() async throws {
        try await withTrackServer { api throws in
            let reply = try await api.send(.post, TrackClient.api + "experiments/create", headers: [.contentType: "application/json"], body: [])
            expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("name"))
        }
    }

    @Test func aNumberWhereAStringIsExpectedIsNot500() async throws {
        try await withTrackServer { api throws in
            // The client never does this, but a client mistake must never be a retried 5xx.
            let reply = try await api.post("runs/create", ["experiment_id": 0, "start_time": "soon"])
            #expect(reply.status >= 400 && reply.status < 500, "\(reply)")
        }
    }

    @Test(arguments: ["/api/2.0/mlflow/no-such-endpoint", "/api/2.0/mlflow/runs/no-such-verb", "/api/2.0/nothing", "/ajax-api/2.0/mlflow/no-such-endpoint"])
    func unknownEndpointsAre404(_ path: String) async throws {
        try await withTrackServer { api throws in
            // In MLflow's error shape, so a client calling an endpoint this server lacks can say why.
            expectError(try await api.send(.get, path), status: 404, code: "ENDPOINT_NOT_FOUND", messageContains: path)
            expectError(
                try await api.send(.post, path, headers: [.contentType: "application/json"], body: Array("{}".utf8)),
                status: 404, code: "ENDPOINT_NOT_FOUND", messageContains: path
            )
        }
    }

    @Test func wrongMethodOnAKnownEndpointIs405() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createRun()
            #expect(try await api.post("runs/get", ["run_id": .string(id)]).status == 405)
            #expect(try await api.get("runs/create").status == 405)
            #expect(try await api.send(.delete, TrackClient.api + "experiments/get?experiment_id=0").status == 405)
            #expect(try await api.send(.put, TrackClient.api + "runs/log-batch", headers: [.contentType: "application/json"], body: Array("{}".utf8)).status == 405)
            #expect(try await api.send(.patch, "/ajax-api/2.0/mlflow/runs/get", headers: [.contentType: "application/json"], body: Array("{}".utf8)).status == 405)
        }
    }

    @Test func ajaxAPIMirrorsTheAPI() async throws {
        try await withTrackServer { api throws in
            let created = try await api.post("/ajax-api/2.0/mlflow/experiments/create", ["name": "via-ajax"])
            #expect(created.json == ["experiment_id": "1"], "\(created)")
            let run = try await api.post("/ajax-api/2.0/mlflow/runs/create", ["experiment_id": "1", "run_name": "r"])
            let id = try #require(run.object["run"]?["info"]?["run_id"]?.stringValue)
            expectEmptyOK(try await api.post("/ajax-api/2.0/mlflow/runs/log-metric", ["run_id": .string(id), "key": "k", "value": 2.0, "timestamp": 5]))

            let viaAjax = try await api.get("/ajax-api/2.0/mlflow/runs/get", [("run_id", id)])
            let viaAPI = try await api.get("/api/2.0/mlflow/runs/get", [("run_id", id)])
            #expect(viaAjax.status == 200)
            #expect(viaAjax.json == viaAPI.json)
            let history = try await api.get("/ajax-api/2.0/mlflow/metrics/get-history", [("run_id", id), ("metric_key", "k")])
            #expect(history.json == ["metrics": [["key": "k", "value": 2.0, "timestamp": 5, "step": 0]]])
            #expect(try await api.get("/ajax-api/2.0/mlflow/experiments/search").status == 200)
            #expect(try await api.get("/ajax-api/2.0/mlflow-artifacts/artifacts").status == 200)
        }
    }

    @Test func serviceEndpoints() async throws {
        try await withTrackServer { api throws in
            let health = try await api.get("/health")
            #expect(health.status == 200 && health.text == "OK")
            let version = try await api.get("/version")
            #expect(version.status == 200 && version.text == "3.17.2")
            let info = try await api.get("/api/3.0/mlflow/server-info")
            #expect(info.status == 200)
            #expect(info.object["multipart_uploads_enabled"] == false)
            #expect(info.object["multipart_downloads_enabled"] == false)
            #expect(info.object["store_type"] == "SqlStore")
            expectEmptyOK(try await api.post("logged-models/search", ["experiment_ids": ["0"], "filter": "name = 'x'"]))
        }
    }

    @Test func jsonAnswersCarrySecurityHeaders() async throws {
        try await withTrackServer { api throws in
            for reply in [try await api.get("experiments/get", [("experiment_id", "0")]), try await api.get("experiments/get", [("experiment_id", "999")])] {
                #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
                #expect(reply.header("X-Content-Type-Options")?.lowercased() == "nosniff", "\(reply.headers)")
                #expect(reply.header("X-Frame-Options")?.uppercased() == "DENY", "\(reply.headers)")
            }
        }
    }

    @Test func aForeignHostHeaderIsRefused() async throws {
        try await withTrackServer { api throws in
            let request = "GET /api/2.0/mlflow/experiments/get?experiment_id=0 HTTP/1.1\r\nHost: evil.example:5000\r\nConnection: close\r\n\r\n"
            let reply = try await api.raw(request)
            #expect(reply.status == 403, "DNS rebinding protection: \(reply)")
            #expect(!reply.text.contains("Default"), "no data for a foreign host")
            let post = "POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: evil.example\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n"
            #expect(try await api.raw(post, body: Array("{\"name\": \"pwn\"}".utf8)).status == 403)
            #expect(try await api.get("experiments/get-by-name", [("experiment_name", "pwn")]).status == 404, "nothing was created")
        }
    }

    @Test(arguments: ["localhost", "localhost:5000", "127.0.0.1:5000", "[::1]:5000", "LOCALHOST:1"])
    func localHostHeadersAreAccepted(_ host: String) async throws {
        try await withTrackServer { api throws in
            let reply = try await api.raw("GET /health HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
            #expect(reply.status == 200, "Host: \(host): \(reply)")
        }
    }
}
