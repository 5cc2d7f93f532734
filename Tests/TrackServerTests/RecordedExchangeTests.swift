import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Replays, in order and against one fresh server, every tracking exchange that the real mlflow
/// 3.17.2 client had with a real MLflow server (`/work/shared/mlflow-protocol/exchanges.jsonl`,
/// format in PROTOCOL.md §11), and checks each answer against the recorded one.
///
/// All mismatches are collected and reported together at the end, so one run shows everything.
@Suite("Recorded MLflow exchanges")
struct RecordedExchangeTests {
    /// `<repo>/../shared/mlflow-protocol/exchanges.jsonl` (`/work/shared` beside `/work/main`).
    static let recordingURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/mlflow-protocol/exchanges.jsonl")

    static var recordingExists: Bool { FileManager.default.fileExists(atPath: recordingURL.path) }

    @Test("Every recorded tracking exchange gets the recorded answer", .enabled(if: recordingExists, "recording not found"))
    func replayRecording() async throws {
        let text = try String(contentsOf: Self.recordingURL, encoding: .utf8)
        let exchanges = try text.split(separator: "\n").filter { !$0.isEmpty }.map { try JSON.parse(String($0)) }
        #expect(exchanges.count >= 300, "the recording should hold every exchange (375 when written)")

        let outcome = try await withTrackServer { api throws in
            var replayer = Replayer(api: api)
            for (index, exchange) in exchanges.enumerated() {
                try await replayer.replay(index: index, exchange)
            }
            return (replayer.mismatches, replayer.replayedCount, replayer.skipped, replayer.replayedLoggedModelCalls, replayer.replayedRegistryCalls)
        }
        let (mismatches, replayed, skipped, loggedModelCalls, registryCalls) = outcome
        // The logged-model flow (create, finalize, tag, search, read; pyfunc's log_model).
        #expect(loggedModelCalls >= 20, "only \(loggedModelCalls) logged-model exchanges were replayed")
        #expect(registryCalls >= 40, "only \(registryCalls) model registry exchanges were replayed")
        // Every endpoint of the recording is served; only requests that can't be rebuilt are
        // passed over (see `replay`).
        #expect(replayed >= 250, "only \(replayed) exchanges were replayed; skipped: \(skipped.joined(separator: "\n"))")
        #expect(
            mismatches.isEmpty,
            "\(mismatches.count) mismatch(es) against the recording (\(replayed) exchanges replayed, \(skipped.count) skipped):\n\n\(mismatches.joined(separator: "\n\n"))"
        )
    }
}

/// The replay state: the ids our server handed out for the recording's placeholders.
private struct Replayer {
    let api: TrackClient

    /// `<RUN:name>` → the run id our server returned when that run was created.
    var runIDs: [String: String] = [:]
    /// A run name MLflow generated (`bemused-vole-974`) → the one our server generated.
    var generatedNames: [String: String] = [:]
    /// A page token MLflow returned → the one our server returned in the same place.
    var pageTokens: [String: String] = [:]
    /// `<MODEL_ID_n>` → a made-up logged-model id of the real length (`m-` + 32 hex).
    var modelIDs: [String: String] = [:]
    /// Artifact store paths whose recorded content could not be rebuilt and was uploaded as filler
    /// bytes of the recorded length (their downloads are checked for length only).
    var fillerArtifacts: Set<String> = []
    /// Whether the server stored the bare-`NaN` probe (`nil` until that step ran).
    var bareNaNStored: Bool?
    var lastNow: Int64 = 0

    var mismatches: [String] = []
    var skipped: [String] = []
    var replayedCount = 0
    var replayedLoggedModelCalls = 0
    var replayedRegistryCalls = 0

    /// What `<RUN_ID>` (a run id the recording never saw created) becomes.
    static let unknownRunID = "0123456789abcdef0123456789abcdef"
    static let ignoredKeys: Set<String> = ["workspace", "sqlstate", "error_class"]

    init(api: TrackClient) {
        self.api = api
    }

    // MARK: Replaying one exchange

    mutating func replay(index: Int, _ exchange: JSON) async throws {
        let step = exchange["step"]?.stringValue ?? "?"
        let method = exchange["method"]?.stringValue ?? "GET"
        let recordedPath = exchange["path"]?.stringValue ?? ""
        let label = "#\(index) [\(step)] \(method) \(recordedPath)"
        let recordedRequest = exchange["request"] ?? .object([])
        let recordedResponse = exchange["response"] ?? .object([])

        // The request, with our ids in place of the placeholders.
        let path = substitute(recordedPath)
        var query: [(String, String)] = []
        for member in exchange["query"]?.members ?? [] {
            for value in member.value.arrayValue ?? [] {
                query.append((member.key, mapToken(substitute(value.stringValue ?? ""), key: member.key)))
            }
        }
        var headers: HTTPFields = [:]
        if let contentType = recordedRequest["headers"]?["content-type"]?.stringValue {
            headers[.contentType] = contentType
        }
        if let transferEncoding = recordedRequest["headers"]?["transfer-encoding"]?.stringValue {
            headers[HTTPField.Name("Transfer-Encoding")!] = transferEncoding
        }
        let requestBody = recordedRequest["body"] ?? .object([])
        var body: [UInt8]?
        if requestBody["binary"]?.boolValue == true {
            let length = Int(requestBody["len"]?.int64Value ?? 0)
            let sha = requestBody["sha256"]?.stringValue ?? ""
            if let rebuilt = Self.rebuildBinary(length: length, sha256: sha) {
                body = rebuilt
            } else {
                // Unknown content (a PNG, a pickle): upload bytes of the recorded length so that
                // listings still match, and compare its downloads by length only.
                body = [UInt8](repeating: 0x5A, count: length)
                fillerArtifacts.insert(path)
            }
        } else if var json = requestBody["json"] {
            if requestBody["truncated"] != nil {
                guard let expanded = Self.expandOmitted(json) else {
                    skipped.append("\(label): truncated request body that can't be rebuilt")
                    return
                }
                json = expanded
            }
            json = materialize(json, key: nil)
            if method == "PUT" {
                // An artifact file: rebuild the bytes the client uploaded (Python's json layout).
                let length = Int(requestBody["len"]?.int64Value ?? -1)
                guard let text = Self.pythonJSONText(json, length: length) else {
                    skipped.append("\(label): JSON artifact whose exact bytes can't be rebuilt")
                    return
                }
                body = Array(text.utf8)
            } else {
                body = Array(json.serialized().utf8)
            }
        } else if let text = requestBody["text"]?.stringValue {
            body = Array(substitute(text).utf8)
        } else if (requestBody["len"]?.int64Value ?? 0) == 0, method == "PUT" || method == "POST" {
            body = headers[HTTPField.Name("Transfer-Encoding")!] == nil ? [] : nil
        }

        let uri = TrackClient.uri(path, query)
        let reply = try await api.send(HTTPRequest.Method(rawValue: method) ?? .get, uri, headers: headers, body: body)
        replayedCount += 1
        if path.contains("/logged-models") { replayedLoggedModelCalls += 1 }
        if path.contains("/registered-models/") || path.contains("/model-versions/") { replayedRegistryCalls += 1 }
        var problems: [String] = []
        compareAnswer(step: step, method: method, path: path, recorded: recordedResponse, reply: reply, problems: &problems)
        if !problems.isEmpty {
            mismatches.append("\(label)\n    sent: \(method) \(uri)\n    " + problems.joined(separator: "\n    "))
        }

        // Creation times must differ between creations, as they did while recording (searches
        // order by them).
        if path.hasSuffix("experiments/create") || path.hasSuffix("runs/create") {
            try await Task.sleep(for: .milliseconds(3))
        }
    }

    // MARK: Comparing one answer

    mutating func compareAnswer(step: String, method: String, path: String, recorded: JSON, reply: Reply, problems: inout [String]) {
        var expectedStatus = Int(recorded["status"]?.int64Value ?? 0)
        var expectedBody = recorded["body"] ?? .object([])

        // --- Allow-list: differences PROTOCOL.md accepts, or MLflow leaking internals. ---
        switch step {
        case "raw_log_metric_bare_NaN_token":
            // A bare `NaN` token is not JSON. MLflow accepts it and stores garbage; PROTOCOL.md §4
            // says "accept it properly or reject it". A rejection must be a 400 in MLflow's shape.
            if reply.status == 400 {
                bareNaNStored = false
                expectedStatus = 400
                expectedBody = ["json": ["error_code": "INVALID_PARAMETER_VALUE", "message": .string(reply.message ?? "<missing message>")]]
            } else {
                bareNaNStored = true
            }
        case "raw_get_history_nan":
            // Follows from the step above: MLflow's garbage point (value 0, timestamp 0) is either
            // absent (rejected) or the point as sent (NaN, timestamp 1700000000000, step 0).
            if var points = expectedBody["json"]?["metrics"]?.arrayValue, !points.isEmpty {
                if bareNaNStored == true {
                    points[0] = ["key": "rawnan", "value": "NaN", "timestamp": 1_700_000_000_000, "step": 0]
                } else {
                    points.removeFirst()
                }
                expectedBody = ["json": ["metrics": .array(points)]]
            }
        case "raw_create_run_no_experiment":
            // MLflow answers BAD_REQUEST with a leaked SQLAlchemy IntegrityError; PROTOCOL.md §3
            // says to answer INVALID_PARAMETER_VALUE. The message only has to name the field.
            let message = reply.message ?? ""
            if !message.contains("experiment_id") {
                problems.append("message should name 'experiment_id', got: \(message)")
            }
            expectedBody = ["json": ["error_code": "INVALID_PARAMETER_VALUE", "message": .string(message)]]
        case "error_create_experiment_duplicate":
            // MLflow appends the SQLite IntegrityError text; only the prefix is the protocol.
            let prefix = "Experiment(name=proto-exp-A) already exists"
            if let message = reply.message, message.hasPrefix(prefix), case .object(var body) = expectedBody["json"] ?? .null {
                body = body.map { $0.key == "message" ? JSONMember("message", .string(message)) : $0 }
                expectedBody = ["json": .object(body)]
            }
        case "raw_proxy_artifact_download_directory":
            // MLflow 3's artifact routes run under FastAPI, whose HTTPException body is
            // `{"detail": …}`; the error shape of the protocol (§1) is error_code + message.
            if let detail = expectedBody["json"]?["detail"] {
                expectedBody = ["json": ["error_code": "INVALID_PARAMETER_VALUE", "message": detail]]
            }
        default:
            break
        }
        if path.hasSuffix("/server-info"), case .object(var info) = expectedBody["json"] ?? .null {
            // Capability flags describe the server answering: presigned uploads and the AI gateway
            // don't exist here (PROTOCOL.md §6: answer false or 404). The flags the client acts
            // on (multipart_*) must still be false.
            let actual = reply.json
            info = info.compactMap { member in
                if member.key.hasPrefix("presigned_"), let flag = actual?[member.key], flag.boolValue != nil {
                    return JSONMember(member.key, flag)
                }
                if member.key == "features_enabled", actual?["features_enabled"] == nil { return nil }
                return member
            }
            expectedBody = ["json": .object(info)]
        }

        // Bind the placeholder of a created logged model to the id our server gave it.
        if method == "POST", path.hasSuffix("/logged-models"), reply.status == 200,
           let placeholder = expectedBody["json"]?["model"]?["info"]?["model_id"]?.stringValue,
           placeholder.hasPrefix("<"), placeholder.hasSuffix(">"),
           let actualID = reply.json?["model"]?["info"]?["model_id"]?.stringValue
        {
            modelIDs[String(placeholder.dropFirst().dropLast())] = actualID
            if actualID.count != 34 || !actualID.hasPrefix("m-") {
                problems.append("model_id: expected m- and 32 hex characters, got \(actualID)")
            }
        }
        // Bind the placeholders of a created run before its answer is compared.
        if path.hasSuffix("/runs/create"), reply.status == 200, let recordedInfo = expectedBody["json"]?["run"]?["info"] {
            bindRun(recordedInfo: recordedInfo, actualInfo: reply.json?["run"]?["info"], problems: &problems)
        }

        if reply.status != expectedStatus {
            problems.append("status: expected \(expectedStatus), got \(reply.status); body: \(Self.shorten(reply.text))")
        }
        let recordedContentType = recorded["headers"]?["content-type"]?.stringValue ?? ""
        let isArtifactDownload = method == "GET" && path.contains("/mlflow-artifacts/artifacts/")

        if let expected = expectedBody["json"] {
            if recordedContentType.hasPrefix("application/json"), reply.header("Content-Type")?.hasPrefix("application/json") != true {
                problems.append("content-type: expected application/json, got \(reply.header("Content-Type") ?? "none")")
            }
            guard let actual = reply.json else {
                problems.append("body: expected JSON \(Self.shorten(expected.serialized())), got \(Self.shorten(reply.text))")
                return
            }
            compare(expected, actual, at: "$", problems: &problems)
            if isArtifactDownload, reply.status == 200, let length = expectedBody["len"]?.int64Value, length != Int64(reply.body.count) {
                problems.append("file length: expected \(length), got \(reply.body.count)")
            }
        } else if let text = expectedBody["text"]?.stringValue {
            if recordedContentType.hasPrefix("text/html"), expectedStatus >= 400 {
                return  // Werkzeug's HTML error page: only the status is the protocol.
            }
            let expected = substitute(text)
            if reply.text != expected {
                problems.append("body: expected \(Self.shorten(expected).debugDescription), got \(Self.shorten(reply.text).debugDescription)")
            }
        } else if expectedBody["binary"]?.boolValue == true {
            let length = Int(expectedBody["len"]?.int64Value ?? -1)
            if reply.body.count != length {
                problems.append("binary length: expected \(length), got \(reply.body.count)")
            } else if !fillerArtifacts.contains(path), let sha = expectedBody["sha256"]?.stringValue, sha256Hex(reply.body) != sha {
                problems.append("binary content: sha256 expected \(sha), got \(sha256Hex(reply.body))")
            }
        } else if (expectedBody["len"]?.int64Value ?? 0) == 0, !reply.body.isEmpty {
            problems.append("body: expected empty, got \(Self.shorten(reply.text))")
        }

    }

    mutating func bindRun(recordedInfo: JSON, actualInfo: JSON?, problems: inout [String]) {
        guard let placeholder = recordedInfo["run_id"]?.stringValue, placeholder.hasPrefix("<RUN:"), placeholder.hasSuffix(">"),
              let actualID = actualInfo?["run_id"]?.stringValue
        else { return }
        let name = String(placeholder.dropFirst(5).dropLast())
        runIDs[name] = actualID
        if actualID.count != 32 || !actualID.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
            problems.append("run_id: expected 32 lower-case hex characters, got \(actualID)")
        }
        // A name MLflow generated: ours is generated too, and only its shape can be checked.
        if let recordedName = recordedInfo["run_name"]?.stringValue, Self.isGeneratedName(recordedName),
           let actualName = actualInfo?["run_name"]?.stringValue, actualName != recordedName
        {
            generatedNames[recordedName] = actualName
            if !Self.isGeneratedName(actualName) {
                problems.append("run_name: expected a generated adjective-animal-N name, got \(actualName)")
            }
        }
    }

    static func isGeneratedName(_ name: String) -> Bool {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0].allSatisfy(\.isLowercase) && !parts[0].isEmpty
            && parts[1].allSatisfy(\.isLowercase) && !parts[1].isEmpty
            && (1...3).contains(parts[2].count) && parts[2].allSatisfy(\.isASCII) && parts[2].allSatisfy(\.isNumber)
    }

    // MARK: Structural comparison

    /// Lists whose order MLflow leaves unspecified.
    static func isUnordered(_ path: String) -> Bool {
        let last = path.split(separator: ".").last.map(String.init) ?? ""
        return ["tags", "params", "dataset_inputs", "model_outputs"].contains(last) || path.hasSuffix(".data.metrics")
    }

    mutating func compare(_ expected: JSON, _ actual: JSON?, at path: String, problems: inout [String]) {
        guard let actual else {
            problems.append("\(path): missing; expected \(Self.shorten(expected.serialized()))")
            return
        }
        let key = path.split(separator: ".").last.map(String.init) ?? ""
        switch expected {
        case .string(let recorded):
            if recorded == "<NOW_MS>" {
                if actual.int64Value == nil { problems.append("\(path): expected a time in ms, got \(actual)") }
                return
            }
            if key == "next_page_token" {
                // Opaque: any token will do; remember ours for the request that echoes it.
                if let token = actual.stringValue, !token.isEmpty {
                    pageTokens[recorded] = token
                } else {
                    problems.append("\(path): expected a page token, got \(actual)")
                }
                return
            }
            var wanted = substitute(recorded)
            if let ours = generatedNames[wanted] { wanted = ours }
            if actual != .string(wanted) {
                problems.append("\(path): expected \(Self.shorten(JSON.string(wanted).serialized())), got \(Self.shorten(actual.serialized()))")
            }
        case .number:
            if let e = expected.doubleValue, let a = actual.doubleValue, e == a {
                if let ei = expected.int64Value, let ai = actual.int64Value, ei != ai {
                    problems.append("\(path): expected \(expected), got \(actual)")
                }
                return
            }
            // MLflow's SQL store clamps ±Infinity to ±Double.greatestFiniteMagnitude; we send
            // "Infinity"/"-Infinity". PROTOCOL.md §5: the client parses both.
            if key == "value", let e = expected.doubleValue, abs(e) == Double.greatestFiniteMagnitude,
               actual == .string(e > 0 ? "Infinity" : "-Infinity")
            {
                return
            }
            problems.append("\(path): expected \(expected), got \(Self.shorten(actual.serialized()))")
        case .null, .bool:
            if actual != expected { problems.append("\(path): expected \(expected), got \(Self.shorten(actual.serialized()))") }
        case .object(let members):
            guard case .object(let actualMembers) = actual else {
                problems.append("\(path): expected an object \(Self.shorten(expected.serialized())), got \(Self.shorten(actual.serialized()))")
                return
            }
            let expectedKeys = Set(members.map(\.key)).subtracting(Self.ignoredKeys)
            for member in members where !Self.ignoredKeys.contains(member.key) {
                compare(member.value, actual[member.key], at: "\(path).\(member.key)", problems: &problems)
            }
            for extra in actualMembers.map(\.key) where !expectedKeys.contains(extra) && !Self.ignoredKeys.contains(extra) {
                problems.append("\(path).\(extra): not in the recorded answer, got \(Self.shorten(actual[extra]?.serialized() ?? ""))")
            }
        case .array(var items):
            guard case .array(let actualItems) = actual else {
                problems.append("\(path): expected an array, got \(Self.shorten(actual.serialized()))")
                return
            }
            // Recorded answers over 64 KiB keep 5 items and the count of the others.
            var expectedCount = items.count
            var truncated = false
            if let marker = items.last?["__omitted_items__"]?.int64Value {
                items.removeLast()
                expectedCount = items.count + Int(marker)
                truncated = true
            }
            if actualItems.count != expectedCount {
                problems.append("\(path): expected \(expectedCount) items, got \(actualItems.count): \(Self.shorten(actual.serialized()))")
                if !truncated { return }
            }
            if Self.isUnordered(path) {
                var unmatched = Array(actualItems.indices)
                for (index, item) in items.enumerated() {
                    var found: Int?
                    for candidate in unmatched {
                        var trial: [String] = []
                        var probe = self
                        probe.compare(item, actualItems[candidate], at: path, problems: &trial)
                        if trial.isEmpty { found = candidate; break }
                    }
                    if let found {
                        unmatched.removeAll { $0 == found }
                    } else {
                        problems.append("\(path)[\(index)]: no item matching \(Self.shorten(item.serialized())) in \(Self.shorten(actual.serialized(), limit: 1200))")
                    }
                }
            } else {
                for (index, item) in items.enumerated() where index < actualItems.count {
                    compare(item, actualItems[index], at: "\(path)[\(index)]", problems: &problems)
                }
            }
        }
    }

    // MARK: Placeholders

    /// Replaces `<RUN:name>`, `<RUN_ID>` and `<MODEL_ID_n>` inside a string.
    mutating func substitute(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else { return out + rest[open...] }
            let token = String(rest[rest.index(after: open)..<close])
            if token.hasPrefix("RUN:") {
                out += runIDs[String(token.dropFirst(4))] ?? "<unbound \(token)>"
            } else if token == "RUN_ID" {
                out += Self.unknownRunID
            } else if token.hasPrefix("MODEL_ID_") {
                if modelIDs[token] == nil {
                    let digits = String(modelIDs.count + 1)
                    modelIDs[token] = "m-" + String(repeating: "0", count: 32 - digits.count) + digits
                }
                out += modelIDs[token]!
            } else {
                out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    mutating func mapToken(_ value: String, key: String) -> String {
        key == "page_token" ? (pageTokens[value] ?? value) : value
    }

    /// A recorded request body with our ids, tokens and clock in it.
    mutating func materialize(_ json: JSON, key: String?) -> JSON {
        switch json {
        case .string(let text):
            if text == "<NOW_MS>" { return .int(now()) }
            var value = mapToken(substitute(text), key: key ?? "")
            if let ours = generatedNames[value] { value = ours }
            return .string(value)
        case .array(let items):
            return .array(items.map { materialize($0, key: key) })
        case .object(let members):
            return .object(members.map { JSONMember($0.key, materialize($0.value, key: $0.key)) })
        default:
            return json
        }
    }

    /// Wall-clock ms, strictly increasing across calls: the recording's times were distinct and
    /// searches order by them.
    mutating func now() -> Int64 {
        let clock = Int64(Date().timeIntervalSince1970 * 1000)
        lastNow = max(clock, lastNow + 1)
        return lastNow
    }

    // MARK: Rebuilding bodies the recording only describes

    /// Binary uploads the scenario made from a known recipe, checked against the recorded hash.
    static func rebuildBinary(length: Int, sha256: String) -> [UInt8]? {
        // scenario_record.py: `bytes(range(256)) * 40` for bin/weights.bin.
        let cycle = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        if sha256Hex(cycle) == sha256 { return cycle }
        return nil
    }

    /// Python writes JSON files with `json.dumps` or `json.dump(indent=2)`, maybe followed by a
    /// newline: the variant with the recorded length is the file's exact text.
    static func pythonJSONText(_ json: JSON, length: Int) -> String? {
        let variants = [json.serialized(python: true), json.serialized(python: true, indent: 2)]
        for base in variants {
            for text in [base, base + "\n"] where text.utf8.count == length {
                return text
            }
        }
        return nil
    }

    /// Restores lists the recording cut to 5 items + `{"__omitted_items__": N}` when the items
    /// follow a numbered pattern (`lim0`, `lim1`, …), checked against the 5 kept items.
    static func expandOmitted(_ json: JSON) -> JSON? {
        switch json {
        case .object(let members):
            var out: [JSONMember] = []
            for member in members {
                guard let value = expandOmitted(member.value) else { return nil }
                out.append(JSONMember(member.key, value))
            }
            return .object(out)
        case .array(let items):
            guard let omitted = items.last?["__omitted_items__"]?.int64Value else { return json }
            let kept = Array(items.dropLast())
            guard kept.count >= 2, case .object(let template) = kept[0] else { return nil }
            func item(_ number: Int) -> JSON {
                .object(template.map { member in
                    if case .string(let text) = member.value, text.hasSuffix("0"),
                       case .string(let second)? = kept[1][member.key], second == text.dropLast() + "1"
                    {
                        return JSONMember(member.key, .string(text.dropLast() + String(number)))
                    }
                    return member
                })
            }
            let rebuilt = (0..<(kept.count + Int(omitted))).map(item)
            guard Array(rebuilt.prefix(kept.count)) == kept else { return nil }
            return .array(rebuilt)
        default:
            return json
        }
    }

    static func shorten(_ text: String, limit: Int = 400) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…(\(text.count) chars)" : text
    }
}
