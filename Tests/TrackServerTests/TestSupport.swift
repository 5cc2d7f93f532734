import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import TrackCore
import TrackServer
import TrackSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - A running server

/// The folders of one test server: everything lives in a fresh temporary folder that is removed
/// when the test ends.
struct TrackTestServer: Sendable {
    let root: URL
    var dataDirectory: URL { root.appendingPathComponent("data", isDirectory: true) }
    var artifactRoot: URL { dataDirectory.appendingPathComponent("artifacts", isDirectory: true) }

    /// Every file and folder under `root`, relative to it (links are listed, not followed).
    func snapshot() -> Set<String> {
        var result = Set<String>()
        func walk(_ url: URL, _ relative: String) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return }
            for name in names {
                let child = url.appendingPathComponent(name)
                let path = relative.isEmpty ? name : relative + "/" + name
                result.insert(path)
                let type = (try? FileManager.default.attributesOfItem(atPath: child.path))?[.type] as? FileAttributeType
                if type == .typeDirectory { walk(child, path) }
            }
        }
        walk(root, "")
        return result
    }

    /// Entries that appeared between two snapshots outside the places the server may write to
    /// (the artifact folder, its upload staging folder and the database files).
    func strayEntries(before: Set<String>, after: Set<String>) -> [String] {
        after.subtracting(before).filter { path in
            !(path.hasPrefix("data/artifacts/") || path == "data/artifacts" || path.hasPrefix("data/.artifact-uploads")
                || path.hasPrefix("data/track.db"))
        }.sorted()
    }
}

/// Starts the real server (real SQLite file, real loopback socket on port 0) in a fresh temporary
/// folder, runs `body` against it and removes the folder.
///
/// With `users`, the server requires authentication and those accounts exist before it starts
/// (made as `track users add` makes them, on the data folder).
func withTrackServer<Value: Sendable>(
    webRoot: URL? = nil,
    users: [(name: String, password: String, role: Role)] = [],
    _ body: @escaping @Sendable (TrackClient) async throws -> Value
) async throws -> Value {
    let root = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
        .appendingPathComponent("track-http-tests-\(UUID().uuidString)", isDirectory: true)
        .resolvingSymlinksInPath()
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let server = TrackTestServer(root: root)
    if !users.isEmpty {
        try FileManager.default.createDirectory(at: server.dataDirectory, withIntermediateDirectories: true)
        let accounts = AccountService(store: try SQLiteTrackingStore(path: server.dataDirectory.appendingPathComponent("track.db").path), hashCost: 4)
        for user in users { try await accounts.addUser(user.name, password: user.password, role: user.role) }
    }
    let configuration = ServerConfiguration(
        host: "127.0.0.1", port: 0, dataDirectory: server.dataDirectory,
        webRoot: webRoot ?? root.appendingPathComponent("no-web-ui", isDirectory: true), logLevel: .error,
        requiresAuthentication: !users.isEmpty
    )
    let app = try await TrackServerApplication.build(configuration)
    return try await app.test(.live) { client in
        try await body(TrackClient(client: client, server: server))
    }
}

/// The package's own web UI folder, when it is there.
let repositoryWebRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("web", isDirectory: true)

var repositoryWebUIExists: Bool {
    FileManager.default.fileExists(atPath: repositoryWebRoot.appendingPathComponent("index.html").path)
}

// MARK: - Answers

/// One HTTP answer, read whole.
struct Reply: Sendable, CustomStringConvertible {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    init(_ response: TestResponse) {
        status = response.status.code
        headers = response.headers.map { ($0.name.rawName, $0.value) }
        var buffer = response.body
        body = buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// The last value of a header, matched case-insensitively.
    func header(_ name: String) -> String? {
        headers.last { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSON? { try? JSON.parse(body) }
    /// The JSON answer as an object; `.object([])` when it is not one (so lookups just miss).
    var object: JSON { json ?? .object([]) }

    var errorCode: String? { json?["error_code"]?.stringValue }
    var message: String? { json?["message"]?.stringValue }

    var description: String {
        let shown = body.count > 600 ? String(decoding: body.prefix(600), as: UTF8.self) + "…(\(body.count) bytes)" : text
        return "HTTP \(status) \(shown)"
    }
}

// MARK: - A client for the API

/// Calls into the server under test through HummingbirdTesting's live client (a real socket; the
/// URI is sent exactly as given).
struct TrackClient: Sendable {
    let client: any TestClientProtocol
    let server: TrackTestServer

    var port: Int { client.port ?? 0 }

    static let api = "/api/2.0/mlflow/"
    static let artifacts = "/api/2.0/mlflow-artifacts/artifacts"

    func send(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: [UInt8]? = nil) async throws -> Reply {
        let buffer = body.map { ByteBuffer(bytes: $0) }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: buffer)
        return Reply(response)
    }

    /// GET of an MLflow endpoint (`runs/get`) or of an absolute path, with a form-encoded query.
    func get(_ path: String, _ query: [(String, String)] = [], headers: HTTPFields = [:]) async throws -> Reply {
        try await send(.get, Self.uri(path, query), headers: headers)
    }

    /// POST of a JSON body to an MLflow endpoint (`runs/create`) or an absolute path.
    func post(_ path: String, _ body: JSON, contentType: String? = "application/json", headers: HTTPFields = [:]) async throws -> Reply {
        var headers = headers
        if let contentType { headers[.contentType] = contentType }
        return try await send(.post, Self.uri(path, []), headers: headers, body: Array(body.serialized().utf8))
    }

    static func uri(_ path: String, _ query: [(String, String)]) -> String {
        let base = path.hasPrefix("/") ? path : api + path
        if query.isEmpty { return base }
        return base + "?" + query.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&")
    }

    // MARK: Shortcuts for building state

    func createExperiment(_ name: String, tags: [(String, String)] = []) async throws -> String {
        var body: [JSONMember] = [.init("name", .string(name))]
        if !tags.isEmpty { body.append(.init("tags", .array(tags.map { ["key": .string($0.0), "value": .string($0.1)] }))) }
        let reply = try await post("experiments/create", .object(body))
        guard reply.status == 200, let id = reply.json?["experiment_id"]?.stringValue else {
            throw TestFailure("experiments/create failed: \(reply)")
        }
        return id
    }

    func createRun(experimentID: String = "0", name: String? = nil, startTime: Int64 = 1_700_000_000_000, tags: [(String, String)] = []) async throws -> String {
        var body: [JSONMember] = [.init("experiment_id", .string(experimentID)), .init("start_time", .int(startTime))]
        if let name { body.append(.init("run_name", .string(name))) }
        if !tags.isEmpty { body.append(.init("tags", .array(tags.map { ["key": .string($0.0), "value": .string($0.1)] }))) }
        let reply = try await post("runs/create", .object(body))
        guard reply.status == 200, let id = reply.json?["run"]?["info"]?["run_id"]?.stringValue else {
            throw TestFailure("runs/create failed: \(reply)")
        }
        return id
    }

    @discardableResult
    func logMetric(_ runID: String, _ key: String, _ value: JSON, timestamp: JSON = 1_700_000_000_000, step: JSON = 0) async throws -> Reply {
        try await post("runs/log-metric", ["run_id": .string(runID), "key": .string(key), "value": value, "timestamp": timestamp, "step": step])
    }

    /// Logs `points` (step, value) of one key in batches of at most 1000 metrics.
    func logSeries(_ runID: String, _ key: String, _ points: [(step: Int64, value: Double)], timestamp: (Int64) -> Int64 = { 1_700_000_000_000 + $0 }) async throws {
        var start = 0
        while start < points.count {
            let chunk = points[start..<min(start + 1000, points.count)]
            let metrics: [JSON] = chunk.map {
                ["key": .string(key), "value": .double($0.value), "timestamp": .int(timestamp($0.step)), "step": .int($0.step)]
            }
            let reply = try await post("runs/log-batch", ["run_id": .string(runID), "metrics": .array(metrics)])
            guard reply.status == 200 else { throw TestFailure("runs/log-batch failed: \(reply)") }
            start += 1000
        }
    }

    func getRun(_ runID: String) async throws -> JSON {
        let reply = try await get("runs/get", [("run_id", runID)])
        guard reply.status == 200, let run = reply.json?["run"] else { throw TestFailure("runs/get failed: \(reply)") }
        return run
    }

    func putArtifact(_ path: String, _ bytes: [UInt8], contentType: String = "application/octet-stream") async throws -> Reply {
        try await send(.put, Self.artifacts + "/" + path, headers: [.contentType: contentType], body: bytes)
    }

    func getArtifact(_ path: String) async throws -> Reply {
        try await send(.get, Self.artifacts + "/" + path)
    }

    func listArtifacts(_ path: String?) async throws -> Reply {
        try await get(Self.artifacts, path.map { [("path", $0)] } ?? [])
    }

    /// Sends bytes exactly as given on a fresh connection (for framing and headers that the
    /// regular client would write differently).
    func raw(_ request: String, body: [UInt8] = []) async throws -> Reply {
        try await RawHTTP.exchange(port: port, bytes: Array(request.utf8) + body)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `application/x-www-form-urlencoded` as Python's `requests` writes it: unreserved characters
/// stay, space becomes `+`, everything else (UTF-8) is `%XX`.
func formEncode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        case UInt8(ascii: " "):
            out += "+"
        default:
            out += "%" + hexByte(byte, uppercase: true)
        }
    }
    return out
}

func hexByte(_ byte: UInt8, uppercase: Bool = false) -> String {
    let digits = String(byte, radix: 16, uppercase: uppercase)
    return digits.count == 1 ? "0" + digits : digits
}

// MARK: - Assertions

/// Checks an MLflow-shaped error answer: status, `error_code` and (when given) the exact message.
func expectError(
    _ reply: Reply, status: Int, code: String, message: String? = nil, messagePrefix: String? = nil, messageContains: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(reply.status == status, "status: \(reply)", sourceLocation: sourceLocation)
    #expect(reply.errorCode == code, "error_code: \(reply)", sourceLocation: sourceLocation)
    if let message {
        #expect(reply.message == message, "message: \(reply)", sourceLocation: sourceLocation)
    }
    if let messagePrefix {
        #expect(reply.message?.hasPrefix(messagePrefix) == true, "message prefix '\(messagePrefix)': \(reply)", sourceLocation: sourceLocation)
    }
    if let messageContains {
        #expect(reply.message?.contains(messageContains) == true, "message containing '\(messageContains)': \(reply)", sourceLocation: sourceLocation)
    }
    #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true, "content type: \(reply.headers)", sourceLocation: sourceLocation)
}

/// `{}` with 200.
func expectEmptyOK(_ reply: Reply, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply.status == 200, "\(reply)", sourceLocation: sourceLocation)
    #expect(reply.json == .object([]), "\(reply)", sourceLocation: sourceLocation)
}

let missingParameterSuffix = ". See the API docs for more information about request parameters."

func missingParameterMessage(_ name: String) -> String {
    "Missing value for required parameter '\(name)'" + missingParameterSuffix
}

/// A metric value as the server may send it: a number, or one of MLflow's three special strings.
/// ±Infinity may come back as the string (our choice) or clamped to ±Double.greatestFiniteMagnitude
/// (what MLflow's SQL store does); PROTOCOL.md §5 accepts both.
func metricValue(_ json: JSON?) -> Double? {
    guard let json else { return nil }
    switch json {
    case .string("NaN"): return .nan
    case .string("Infinity"): return .infinity
    case .string("-Infinity"): return -.infinity
    case .number: return json.doubleValue
    default: return nil
    }
}

func isInfinity(_ json: JSON?, negative: Bool) -> Bool {
    guard let value = metricValue(json) else { return false }
    let magnitude = Double.greatestFiniteMagnitude
    return negative ? (value == -.infinity || value == -magnitude) : (value == .infinity || value == magnitude)
}

// MARK: - JSON (independent of the server's own parser)

/// An object member.
struct JSONMember: Sendable, Equatable {
    var key: String
    var value: JSON
    init(_ key: String, _ value: JSON) {
        self.key = key
        self.value = value
    }
}

/// A JSON value that keeps member order and number text.
///
/// The tests don't use Foundation's `JSONSerialization` here: on Linux it can't tell `1` from
/// `true`, turns `0.6000000000000001` into an `NSDecimalNumber`, and loses member order (which
/// the recording's artifact files need to be rebuilt byte for byte). Nor do they use the server's
/// own parser: the oracle stays independent of the code under test.
indirect enum JSON: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// The number's literal text.
    case number(String)
    case string(String)
    case array([JSON])
    case object([JSONMember])

    static func int(_ value: Int64) -> JSON { .number(String(value)) }
    static func int(_ value: Int) -> JSON { .number(String(value)) }
    static func double(_ value: Double) -> JSON {
        if value.isNaN { return .string("NaN") }
        if value.isInfinite { return .string(value > 0 ? "Infinity" : "-Infinity") }
        return .number("\(value)")
    }

    subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members.last { $0.key == key }?.value }
        return nil
    }

    subscript(index: Int) -> JSON? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    var doubleValue: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    var int64Value: Int64? {
        guard case .number(let text) = self else { return nil }
        if let exact = Int64(text) { return exact }
        if let double = Double(text), let exact = Int64(exactly: double) { return exact }
        return nil
    }

    var arrayValue: [JSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var keys: [String] { members?.map(\.key) ?? [] }

    var description: String { serialized() }

    // MARK: Writing

    /// Compact JSON (`{"a":1}`), or Python's `json.dumps` layout (`{"a": 1}`, optionally indented).
    func serialized(python: Bool = false, indent: Int? = nil) -> String {
        var out = ""
        write(into: &out, python: python, indent: indent, level: 0)
        return out
    }

    private func write(into out: inout String, python: Bool, indent: Int?, level: Int) {
        func newline(_ level: Int) {
            if let indent { out += "\n" + String(repeating: " ", count: indent * level) }
        }
        let itemSeparator = python && indent == nil ? ", " : ","
        let keySeparator = python ? ": " : ":"
        switch self {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): Self.writeString(text, into: &out, asciiOnly: python)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += itemSeparator }
                newline(level + 1)
                item.write(into: &out, python: python, indent: indent, level: level + 1)
            }
            newline(level)
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += itemSeparator }
                newline(level + 1)
                Self.writeString(member.key, into: &out, asciiOnly: python)
                out += keySeparator
                member.value.write(into: &out, python: python, indent: indent, level: level + 1)
            }
            newline(level)
            out += "}"
        }
    }

    private static func writeString(_ text: String, into out: inout String, asciiOnly: Bool) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    for unit in String(scalar).utf16 {
                        let digits = String(unit, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    // MARK: Reading

    struct ParseError: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "JSON parse error at \(offset): \(reason)" }
    }

    static func parse(_ text: String) throws -> JSON { try parse(Array(text.utf8)) }

    static func parse(_ bytes: [UInt8]) throws -> JSON {
        var parser = Parser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        if parser.index != bytes.count { throw ParseError(offset: parser.index, reason: "trailing characters") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func fail(_ reason: String) -> ParseError { ParseError(offset: index, reason: reason) }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw fail("expected \(literal)") }
                index += 1
            }
        }

        mutating func value(depth: Int) throws -> JSON {
            guard depth < 512 else { throw fail("too deep") }
            guard index < bytes.count else { throw fail("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [JSONMember] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected key") }
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    skipSpace()
                    members.append(JSONMember(key, try value(depth: depth + 1)))
                    skipSpace()
                    guard index < bytes.count else { throw fail("unterminated object") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                    throw fail("expected , or }")
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [JSON] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw fail("unterminated array") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                    throw fail("expected , or ]")
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try expect("true"); return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false"); return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null"); return .null
            default:
                return try number()
            }
        }

        mutating func number() throws -> JSON {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            func digits() -> Int {
                let from = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                return index - from
            }
            let integerDigits = digits()
            guard integerDigits > 0 else { throw fail("expected a value") }
            if integerDigits > 1, bytes[index - integerDigits] == 0x30 { throw fail("leading zero") }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw fail("expected fraction digits") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw fail("expected exponent digits") }
            }
            return .number(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        mutating func string() throws -> String {
            index += 1  // opening quote
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []
            func flush() {
                if !run.isEmpty { scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars); run = [] }
            }
            while true {
                guard index < bytes.count else { throw fail("unterminated string") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") { index += 1; break }
                if byte < 0x20 { throw fail("control character in string") }
                if byte != UInt8(ascii: "\\") { run.append(byte); index += 1; continue }
                flush()
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var unit = try hex4()
                    if (0xD800..<0xDC00).contains(unit) {
                        try expect("\\u")
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("bad surrogate pair") }
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(unit) else { throw fail("bad \\u escape") }
                    scalars.append(scalar)
                default:
                    throw fail("bad escape")
                }
            }
            flush()
            return String(scalars)
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                throw fail("bad \\u escape")
            }
            index += 4
            return value
        }
    }
}

extension JSON: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    init(dictionaryLiteral elements: (String, JSON)...) { self = .object(elements.map { JSONMember($0.0, $0.1) }) }
    init(arrayLiteral elements: JSON...) { self = .array(elements) }
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int64) { self = .number(String(value)) }
    init(floatLiteral value: Double) { self = .double(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(nilLiteral: ()) { self = .null }
}

// MARK: - A raw HTTP/1.1 exchange

/// Writes bytes to the server on a new connection and reads the answer until the server closes
/// it. Used where the test must control framing (chunked bodies) or headers (`Host`) exactly.
/// The blocking socket calls run on a dispatch thread, away from the cooperative pool.
#if canImport(Glibc)
private let posixConnect = Glibc.connect
#else
private let posixConnect = Darwin.connect
#endif

enum RawHTTP {
    static func exchange(port: Int, bytes: [UInt8], timeoutSeconds: Int = 20) async throws -> Reply {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try blockingExchange(port: port, bytes: bytes, timeoutSeconds: timeoutSeconds) })
            }
        }
    }

    private static func blockingExchange(port: Int, bytes: [UInt8], timeoutSeconds: Int) throws -> Reply {
        let descriptor = try connect(port: port)
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { throw TestFailure("raw HTTP: send failed (errno \(errno))") }
            sent += count
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 { throw TestFailure("raw HTTP: receive failed or timed out (errno \(errno)) after \(received.count) bytes") }
            if count == 0 { break }
            received.append(contentsOf: chunk[0..<count])
            if let reply = try? parse(received), reply.complete { return reply.reply }
        }
        guard let parsed = try? parse(received) else { throw TestFailure("raw HTTP: malformed answer: \(String(decoding: received, as: UTF8.self))") }
        return parsed.reply
    }

    private static func connect(port: Int) throws -> Int32 {
        // The live test server listens on "localhost", which may be IPv4 or IPv6.
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo("localhost", String(port), &hints, &list) == 0, let first = list else {
            throw TestFailure("raw HTTP: cannot resolve localhost")
        }
        defer { freeaddrinfo(first) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            let descriptor = socket(current.pointee.ai_family, current.pointee.ai_socktype, current.pointee.ai_protocol)
            if descriptor >= 0 {
                if posixConnect(descriptor, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 { return descriptor }
                close(descriptor)
            }
            entry = current.pointee.ai_next
        }
        throw TestFailure("raw HTTP: cannot connect to localhost:\(port)")
    }

    private static func parse(_ data: [UInt8]) throws -> (reply: Reply, complete: Bool) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headerEnd = data.firstRange(of: separator) else { throw TestFailure("incomplete head") }
        let head = String(decoding: data[..<headerEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw TestFailure("bad status line") }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var rest = Array(data[headerEnd.upperBound...])
        let find = { (name: String) in headers.last { $0.name.lowercased() == name }?.value }
        if find("transfer-encoding")?.lowercased().contains("chunked") == true {
            var body: [UInt8] = []
            var complete = false
            while let lineEnd = rest.firstRange(of: [13, 10]) {
                let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { break }
                if size == 0 { complete = true; break }
                let start = lineEnd.upperBound
                guard rest.count >= start + size + 2 else { break }
                body.append(contentsOf: rest[start..<start + size])
                rest = Array(rest[(start + size + 2)...])
            }
            return (Reply(status: status, headers: headers, body: body), complete)
        }
        if let length = find("content-length").flatMap({ Int($0) }) {
            return (Reply(status: status, headers: headers, body: Array(rest.prefix(length))), rest.count >= length)
        }
        return (Reply(status: status, headers: headers, body: rest), false)
    }
}

// MARK: - SHA-256 (for the recording's binary artifacts)

func sha256Hex(_ message: [UInt8]) -> String {
    let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
    var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    var data = message
    let bitLength = UInt64(message.count) * 8
    data.append(0x80)
    while data.count % 64 != 56 { data.append(0) }
    for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
    func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
    var w = [UInt32](repeating: 0, count: 64)
    for chunk in stride(from: 0, to: data.count, by: 64) {
        for i in 0..<16 {
            let b = chunk + i * 4
            w[i] = UInt32(data[b]) << 24 | UInt32(data[b + 1]) << 16 | UInt32(data[b + 2]) << 8 | UInt32(data[b + 3])
        }
        for i in 16..<64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        for i in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ maj
            (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
        h = [h[0] &+ a, h[1] &+ b, h[2] &+ c, h[3] &+ d, h[4] &+ e, h[5] &+ f, h[6] &+ g, h[7] &+ hh]
    }
    return h.map { word in
        let digits = String(word, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }.joined()
}

/// Deterministic pseudo-random bytes (xorshift), so a failing byte-exact test can be rerun.
func pseudoRandomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    var bytes = [UInt8]()
    bytes.reserveCapacity(count)
    while bytes.count < count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        withUnsafeBytes(of: state) { bytes.append(contentsOf: $0.prefix(count - bytes.count)) }
    }
    return bytes
}
