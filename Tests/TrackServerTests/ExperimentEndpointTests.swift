import Foundation
import Testing

/// `experiments/*` over HTTP.
@Suite("Experiment endpoints")
struct ExperimentEndpointTests {
    @Test func defaultExperimentExistsOnAFreshServer() async throws {
        try await withTrackServer { api throws in
            let reply = try await api.get("experiments/get", [("experiment_id", "0")])
            #expect(reply.status == 200, "\(reply)")
            let experiment = reply.object["experiment"]
            #expect(experiment?["experiment_id"] == "0")
            #expect(experiment?["name"] == "Default")
            #expect(experiment?["artifact_location"] == "mlflow-artifacts:/0")
            #expect(experiment?["lifecycle_stage"] == "active")
            #expect(experiment?["creation_time"]?.int64Value != nil)
            #expect(experiment?["last_update_time"]?.int64Value != nil)
        }
    }

    @Test func createThenGetByIdAndByName() async throws {
        try await withTrackServer { api throws in
            let created = try await api.post("experiments/create", ["name": "exp-a", "tags": [["key": "owner", "value": "me"]]])
            #expect(created.status == 200, "\(created)")
            #expect(created.json == ["experiment_id": "1"])

            let byID = try await api.get("experiments/get", [("experiment_id", "1")])
            #expect(byID.status == 200)
            #expect(byID.object["experiment"]?["name"] == "exp-a")
            #expect(byID.object["experiment"]?["artifact_location"] == "mlflow-artifacts:/1")
            #expect(byID.object["experiment"]?["tags"] == [["key": "owner", "value": "me"]])

            let byName = try await api.get("experiments/get-by-name", [("experiment_name", "exp-a")])
            #expect(byName.status == 200)
            #expect(byName.object["experiment"] == byID.object["experiment"])
        }
    }

    @Test func getByNameOfAMissingExperimentIs404() async throws {
        try await withTrackServer { api throws in
            let reply = try await api.get("experiments/get-by-name", [("experiment_name", "no such exp")])
            expectError(reply, status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "Could not find experiment with name 'no such exp'")
        }
    }

    @Test func createWithATakenNameIsResourceAlreadyExists() async throws {
        try await withTrackServer { api throws in
            _ = try await api.createExperiment("dup")
            let reply = try await api.post("experiments/create", ["name": "dup"])
            // MLflow appends leaked SQL text after this prefix; only the prefix is the protocol.
            expectError(reply, status: 400, code: "RESOURCE_ALREADY_EXISTS", messagePrefix: "Experiment(name=dup) already exists")
        }
    }

    @Test func createWithANameTakenByADeletedExperimentIsRefused() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createExperiment("gone")
            expectEmptyOK(try await api.post("experiments/delete", ["experiment_id": .string(id)]))
            let reply = try await api.post("experiments/create", ["name": "gone"])
            expectError(reply, status: 400, code: "RESOURCE_ALREADY_EXISTS", messagePrefix: "Experiment(name=gone) already exists")
        }
    }

    @Test func createWithAnEmptyOrMissingNameIsRefused() async throws {
        try await withTrackServer { api throws in
            expectError(try await api.post("experiments/create", ["name": ""]), status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("name"))
            expectError(try await api.post("experiments/create", [:]), status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("name"))
        }
    }

    @Test func createWithATooLongNameIsRefused() async throws {
        try await withTrackServer { api throws in
            let reply = try await api.post("experiments/create", ["name": .string(String(repeating: "x", count: 501))])
            expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE", message: "'name' exceeds the maximum length of 500 characters")
            let ok = try await api.post("experiments/create", ["name": .string(String(repeating: "y", count: 500))])
            #expect(ok.status == 200, "\(ok)")
        }
    }

    @Test func getWithANonNumericIdIs400() async throws {
        try await withTrackServer { api throws in
            let reply = try await api.get("experiments/get", [("experiment_id", "abc")])
            expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.")
        }
    }

    @Test func getOrDeleteAnUnknownIdIs404() async throws {
        try await withTrackServer { api throws in
            expectError(try await api.get("experiments/get", [("experiment_id", "987654")]), status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "No Experiment with id=987654 exists")
            expectError(try await api.post("experiments/delete", ["experiment_id": "987654"]), status: 404, code: "RESOURCE_DOES_NOT_EXIST", message: "No Experiment with id=987654 exists")
        }
    }

    @Test func getWithoutAnIdIsMissingParameter() async throws {
        try await withTrackServer { api throws in
            expectError(try await api.get("experiments/get"), status: 400, code: "INVALID_PARAMETER_VALUE", message: missingParameterMessage("experiment_id"))
        }
    }

    @Test func searchByPostPagesWithTokens() async throws {
        try await withTrackServer { api throws in
            for name in ["s-1", "s-2", "s-3"] {
                _ = try await api.createExperiment(name)
                try await Task.sleep(for: .milliseconds(3))
            }
            // Default order: creation_time DESC → s-3, s-2, s-1, Default.
            let first = try await api.post("experiments/search", ["max_results": 2, "view_type": "ACTIVE_ONLY"])
            #expect(first.status == 200, "\(first)")
            #expect(first.object["experiments"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["s-3", "s-2"])
            let token = try #require(first.object["next_page_token"]?.stringValue)

            let second = try await api.post("experiments/search", ["max_results": 2, "view_type": "ACTIVE_ONLY", "page_token": .string(token)])
            #expect(second.object["experiments"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["s-1", "Default"])
            #expect(second.object["next_page_token"] == nil, "the last page carries no token: \(second)")
        }
    }

    @Test func searchByGetTakesTheQueryString() async throws {
        try await withTrackServer { api throws in
            _ = try await api.createExperiment("g-1")
            try await Task.sleep(for: .milliseconds(3))
            _ = try await api.createExperiment("g-2")
            let reply = try await api.get("experiments/search", [("max_results", "2")])
            #expect(reply.status == 200, "\(reply)")
            #expect(reply.object["experiments"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["g-2", "g-1"])
            #expect(reply.object["next_page_token"]?.stringValue != nil)

            let filtered = try await api.get("experiments/search", [("filter", "name = 'g-1'")])
            #expect(filtered.object["experiments"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["g-1"])
        }
    }

    @Test func searchFiltersAndOrders() async throws {
        try await withTrackServer { api throws in
            _ = try await api.createExperiment("proto-a")
            _ = try await api.createExperiment("proto-b", tags: [("owner", "proto")])
            _ = try await api.createExperiment("other")
            let byName = try await api.post("experiments/search", ["filter": "name LIKE 'proto-%'", "order_by": ["name DESC"], "max_results": 1000])
            #expect(byName.object["experiments"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["proto-b", "proto-a"])
            let byTag = try await api.post("experiments/search", ["filter": "tags.owner = 'proto'"])
            #expect(byTag.object["experiments"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["proto-b"])
            let none = try await api.post("experiments/search", ["filter": "name = 'nothing'"])
            #expect(none.status == 200)
            #expect(none.json == .object([]), "an empty search answer is {}: \(none)")
        }
    }

    @Test func searchWithABadPageTokenIs400() async throws {
        try await withTrackServer { api throws in
            let reply = try await api.post("experiments/search", ["page_token": "not-a-token"])
            expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE", message: "Invalid page token, could not base64-decode")
        }
    }

    @Test func renameBumpsLastUpdateTime() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createExperiment("before")
            let before = try await api.get("experiments/get", [("experiment_id", id)])
            try await Task.sleep(for: .milliseconds(5))
            expectEmptyOK(try await api.post("experiments/update", ["experiment_id": .string(id), "new_name": "after"]))
            let after = try await api.get("experiments/get", [("experiment_id", id)])
            #expect(after.object["experiment"]?["name"] == "after")
            let t0 = before.object["experiment"]?["last_update_time"]?.int64Value ?? 0
            let t1 = after.object["experiment"]?["last_update_time"]?.int64Value ?? 0
            #expect(t1 > t0)
            #expect(try await api.get("experiments/get-by-name", [("experiment_name", "before")]).status == 404)
        }
    }

    @Test func deleteAndRestoreCascadeToRuns() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createExperiment("cascade")
            let run = try await api.createRun(experimentID: id)
            expectEmptyOK(try await api.post("experiments/delete", ["experiment_id": .string(id)]))
            #expect(try await api.get("experiments/get", [("experiment_id", id)]).object["experiment"]?["lifecycle_stage"] == "deleted")
            #expect(try await api.getRun(run)["info"]?["lifecycle_stage"] == "deleted")
            // Still found by name (the client refuses deleted ones itself).
            #expect(try await api.get("experiments/get-by-name", [("experiment_name", "cascade")]).status == 200)
            let deleted = try await api.post("experiments/search", ["view_type": "DELETED_ONLY"])
            #expect(deleted.object["experiments"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["cascade"])
            let active = try await api.post("experiments/search", ["view_type": "ACTIVE_ONLY"])
            #expect(active.object["experiments"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Default"])

            expectEmptyOK(try await api.post("experiments/restore", ["experiment_id": .string(id)]))
            #expect(try await api.get("experiments/get", [("experiment_id", id)]).object["experiment"]?["lifecycle_stage"] == "active")
            #expect(try await api.getRun(run)["info"]?["lifecycle_stage"] == "active")
        }
    }

    @Test func createRunInADeletedExperimentIsRefused() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createExperiment("closed")
            expectEmptyOK(try await api.post("experiments/delete", ["experiment_id": .string(id)]))
            let reply = try await api.post("runs/create", ["experiment_id": .string(id), "start_time": 1])
            expectError(reply, status: 400, code: "INVALID_PARAMETER_VALUE", message: "The experiment \(id) must be in the 'active' state. Current state is deleted.")
        }
    }

    @Test func setAndDeleteExperimentTags() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createExperiment("tagged")
            expectEmptyOK(try await api.post("experiments/set-experiment-tag", ["experiment_id": .string(id), "key": "stage", "value": "dev"]))
            expectEmptyOK(try await api.post("experiments/set-experiment-tag", ["experiment_id": .string(id), "key": "stage", "value": "prod"]))
            expectEmptyOK(try await api.post("experiments/set-experiment-tag", ["experiment_id": .string(id), "key": "empty", "value": ""]))
            var experiment = try await api.get("experiments/get", [("experiment_id", id)]).object["experiment"]
            let tags = experiment?["tags"]?.arrayValue ?? []
            #expect(tags.count == 2)
            #expect(tags.contains(["key": "stage", "value": "prod"]))
            #expect(tags.contains(["key": "empty", "value": ""]))

            expectEmptyOK(try await api.post("experiments/delete-experiment-tag", ["experiment_id": .string(id), "key": "stage"]))
            experiment = try await api.get("experiments/get", [("experiment_id", id)]).object["experiment"]
            #expect(experiment?["tags"] == [["key": "empty", "value": ""]])
        }
    }

    @Test func experimentTagKeysAreValidated() async throws {
        try await withTrackServer { api throws in
            let id = try await api.createExperiment("tag-keys")
            let reply = try await api.post("experiments/set-experiment-tag", ["experiment_id": .string(id), "key": "bad key!*", "value": "v"])
            #expect(reply.status == 400, "\(reply)")
            #expect(reply.errorCode == "INVALID_PARAMETER_VALUE")
        }
    }
}
