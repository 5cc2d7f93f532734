import Foundation
import Testing
import TrackAPI
import TrackCore

// Expected entries are what MLflow's server stores for the same `model_json`
// (`json.dumps([Model.from_dict(json.loads(model_json)).get_tags_dict()])`, mlflow 2.22.5).

@Suite("runs/log-model entries")
struct LoggedModelHistoryEntryTests {
    @Test func entryOfWhatTheClientSends() throws {
        let sent = #"{"run_id": "abc", "artifact_path": "model", "utc_time_created": "2026-12-07 06:44:18.123456", "model_uuid": "0123456789abcdef0123456789abcdef", "flavors": {"python_function": {"loader_module": "mlflow.pyfunc.model", "python_model": "python_model.pkl", "env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"}, "python_version": "3.11.2", "config": {"x": 1}}}}"#
        let stored = #"{"run_id": "abc", "artifact_path": "model", "utc_time_created": "2026-12-07 06:44:18.123456", "model_uuid": "0123456789abcdef0123456789abcdef", "flavors": {"python_function": {"loader_module": "mlflow.pyfunc.model", "python_model": "python_model.pkl", "env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"}, "python_version": "3.11.2"}}}"#
        #expect(try LoggedModelHistoryEntry.make(modelJSON: sent) == stored)
    }

    @Test func entryNormalisesAsPythonReadsAndWrites() throws {
        let sent = #"{ "unknown": [1, 2.50], "flavors": {"sklearn": {"ratio": 1.50, "exp": 1E-7, "neg0": -0, "big": 12345678901234567890, "dup": 1, "note": "caf\u00e9 \ud83d\ude00 \u007f tab\t", "dup": 2, "config": {"x": 1}}, "custom": "plain", "python_function": {"config": {}, "loader_module": "m"}}, "run_id": "abc", "artifact_path": "model", "utc_time_created": "2026-12-07 06:44:18.123456", "model_uuid": null }"#
        let stored = #"{"run_id": "abc", "artifact_path": "model", "utc_time_created": "2026-12-07 06:44:18.123456", "model_uuid": null, "flavors": {"sklearn": {"ratio": 1.5, "exp": 1e-07, "neg0": 0, "big": 12345678901234567890, "dup": 2, "note": "caf\u00e9 \ud83d\ude00 \u007f tab\t"}, "custom": "plain", "python_function": {"loader_module": "m"}}}"#
        #expect(try LoggedModelHistoryEntry.make(modelJSON: sent) == stored)
    }

    @Test func missingCreationTimeIsNowAndMissingUUIDIsNull() throws {
        let now = Date(timeIntervalSince1970: 1_796_625_858.5)
        let entry = try LoggedModelHistoryEntry.make(modelJSON: #"{"run_id": "r", "artifact_path": "m", "utc_time_created": null, "flavors": null}"#, now: now)
        #expect(entry == #"{"run_id": "r", "artifact_path": "m", "utc_time_created": "2026-12-07 06:44:18.500000", "model_uuid": null, "flavors": {}}"#)
    }

    @Test func refusedModels() throws {
        let cases: [(String, String)] = [
            ("{\"run_id\": ", "Malformed model info. \n {\"run_id\":  \n is not a valid JSON."),
            ("[1]", "Model json must be a JSON object, not [1]"),
            (#"{"run_id": "r", "flavors": {}}"#, "Model json is missing mandatory fields: {'artifact_path', 'utc_time_created'}"),
            (#"{"run_id": "r", "artifact_path": "m", "utc_time_created": "t", "flavors": [1]}"#, "Model json's 'flavors' must be a JSON object."),
        ]
        for (json, message) in cases {
            #expect(throws: TrackError.invalidParameter(message), "\(json)") { try LoggedModelHistoryEntry.make(modelJSON: json) }
        }
    }
}
