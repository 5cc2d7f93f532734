import Foundation
import HTTPTypes
import Testing

/// Random and mutated requests to every endpoint of the real server: none gets a 5xx, every
/// error is MLflow's JSON shape, and the server stays healthy. `TRACK_FUZZ_ITERATIONS` (default
/// 1500) and `TRACK_FUZZ_SEED` make a longer or different run (see docs/SECURITY.md).
@Suite("Endpoint fuzzing")
struct EndpointFuzzTests {
    static let posts = [
        "experiments/create", "experiments/search", "experiments/update", "experiments/delete", "experiments/restore",
        "experiments/set-experiment-tag", "experiments/delete-experiment-tag", "runs/create", "runs/update", "runs/delete",
        "runs/restore", "runs/search", "runs/set-tag", "runs/delete-tag", "runs/log-metric", "runs/log-parameter",
        "runs/log-batch", "runs/log-inputs", "runs/outputs", "runs/log-model", "logged-models/search", "logged-models",
        "registered-models/create", "registered-models/rename", "registered-models/set-tag", "registered-models/get-latest-versions",
        "registered-models/alias", "model-versions/create", "model-versions/set-tag", "model-versions/transition-stage",
    ]
    static let gets = [
        "experiments/get", "experiments/get-by-name", "experiments/search", "runs/get", "metrics/get-history",
        "metrics/get-history-bulk-interval", "artifacts/list", "/api/2.0/track/metrics/series", "/api/2.0/track/runs/summaries",
        "/api/2.0/track/experiments/summaries", "/api/2.0/mlflow-artifacts/artifacts", "registered-models/get",
        "registered-models/search", "registered-models/alias", "model-versions/get", "model-versions/search",
        "model-versions/get-download-uri",
    ]
    static let fields = [
        "experiment_id", "experiment_ids", "name", "new_name", "run_id", "run_uuid", "run_name", "key", "value", "timestamp",
        "step", "metrics", "params", "tags", "filter", "filter_string", "order_by", "max_results", "page_token", "view_type",
        "run_view_type", "status", "end_time", "start_time", "metric_key", "artifact_location", "datasets", "models",
        "path", "max_points", "min_step", "max_step", "start_step", "end_step", "run_ids", "source", "version", "alias",
        "stage", "archive_existing_versions", "description", "model_id", "source_run_id", "model_type", "stages", "model_json",
    ]

    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let strings = [
        "", "0", "1", "-1", "abc", "NaN", "Infinity", "-Infinity", "nan", "1e400", "99999999999999999999999", "é😀", "\u{0}",
        "../../x", "metrics.x > 1", "metrics.x >>> 1", "params.p = 'a' AND", "attributes.status = 'RUNNING'", "`k`",
        "FINISHED", "ACTIVE_ONLY", "ALL", "start_time DESC", String(repeating: "x", count: 300), "0123456789abcdef0123456789abcdef",
    ]

    static func value(_ random: inout Random, depth: Int = 0) -> String {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return "null"
        case 1: return Bool.random(using: &random) ? "true" : "false"
        case 2: return String(Int64.random(in: Int64.min...Int64.max, using: &random))
        case 3: return ["0", "-0", "1.5", "1e308", "-1e-320", "123456789012345678901234567890", "3.0e+2", "0.1"].randomElement(using: &random)!
        case 4, 5: return jsonString(strings.randomElement(using: &random)!)
        case 6, 7 where depth < 3:
            let count = Int.random(in: 0...4, using: &random)
            return "[" + (0..<count).map { _ in value(&random, depth: depth + 1) }.joined(separator: ",") + "]"
        case 8, 9 where depth < 3:
            return object(&random, depth: depth + 1)
        default: return jsonString(strings.randomElement(using: &random)!)
        }
    }

    static func object(_ random: inout Random, depth: Int = 0) -> String {
        let count = Int.random(in: 0...6, using: &random)
        return "{" + (0..<count).map { _ in
            jsonString(fields.randomElement(using: &random)!) + ":" + value(&random, depth: depth)
        }.joined(separator: ",") + "}"
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Deletes, inserts or flips a few bytes.
    static func mutate(_ bytes: [UInt8], _ random: inout Random) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0 where !bytes.isEmpty: bytes.remove(at: min(position, bytes.count - 1))
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
            default: if !bytes.isEmpty { bytes[min(position, bytes.count - 1)] ^= UInt8.random(in: 1...255, using: &random) }
            }
        }
        return bytes
    }

    @Test func noRequestGetsA5xxOrAMalformedError() async throws {
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["TRACK_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 1500
        let seed = environment["TRACK_FUZZ_SEED"].flatMap(UInt64.init) ?? 0xF022_E1D5
        try await withTrackServer { api throws in
            // Real targets for the ids to hit sometimes.
            let runID = try await api.createRun()
            var random = Random(state: seed)
            var problems: [String] = []
            for index in 0..<iterations {
                let reply: Reply
                var label: String
                if index % 3 == 2 {
                    let path = Self.gets.randomElement(using: &random)!
                    let query = (0..<Int.random(in: 0...4, using: &random)).map { _ -> (String, String) in
                        let key = Self.fields.randomElement(using: &random)!
                        let value = Bool.random(using: &random) ? runID : Self.strings.randomElement(using: &random)!
                        return (key, value)
                    }
                    label = "GET \(TrackClient.uri(path, query))"
                    reply = try await api.get(path, query)
                } else {
                    let path = Self.posts.randomElement(using: &random)!
                    var body = Array(Self.object(&random).utf8)
                    if Bool.random(using: &random) {
                        body = Array(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\"0123456789abcdef0123456789abcdef\"", with: "\"\(runID)\"").utf8)
                    }
                    if index % 5 == 0 { body = Self.mutate(body, &random) }
                    label = "POST \(path) \(String(decoding: body.prefix(200), as: UTF8.self))"
                    reply = try await api.send(.post, TrackClient.uri(path, []), headers: [.contentType: "application/json"], body: body)
                }
                if reply.status >= 500 {
                    problems.append("\(label) -> \(reply)")
                } else if reply.status >= 400 {
                    if reply.errorCode == nil || reply.message == nil || reply.header("Content-Type")?.hasPrefix("application/json") != true {
                        problems.append("\(label) -> malformed error \(reply)")
                    }
                }
                if problems.count >= 10 { break }
            }
            #expect(problems.isEmpty, Comment(rawValue: "seed \(seed):\n" + problems.joined(separator: "\n")))
            #expect(try await api.get("/health").status == 200)
            #expect(try await api.getRun(runID)["info"]?["run_id"]?.stringValue == runID)
        }
    }
}
