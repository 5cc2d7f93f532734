import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing
import TrackAPI
import TrackCore
import TrackServer
import TrackSQLite
@testable import Tracker
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers shared by the tracker's tests: servers (in-process and child processes), ports,
/// temporary folders, polling with deadlines and reading a run back.
enum Support {
    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    /// The ports ``freePort()`` hands out: 20000–25999, below the kernel's ephemeral range
    /// (32768 and up), so that no port the kernel picks for another test's server or for an
    /// outgoing connection can take one between the check and the server's bind (binding port 0,
    /// reading it and closing it let two tests' servers meet on one port); one counter, so no two
    /// tests of this process get the same port. The CLI tests use their own band.
    private static let nextPort = Mutex(20000 + Int(getpid() % 1000) * 5)

    /// A port that is free now and that no other test of this process has been given.
    static func freePort() -> Int {
        while true {
            let port = nextPort.withLock { port in
                defer { port = port + 1 >= 26000 ? 20000 : port + 1 }
                return port
            }
            if canBind(port) { return port }
        }
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glue.closeFD(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } == 0
    }

    static func temporaryDirectory(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tracker-tests-\(getpid())-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Polls `condition` until it holds or `timeout` passes.
    static func eventually(
        _ what: String, timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(50),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await condition() { return }
            if ContinuousClock.now >= deadline { throw Timeout(description: "timed out waiting for \(what)") }
            try await Task.sleep(for: interval)
        }
    }

    static func waitHealthy(_ url: URL, timeout: Duration = .seconds(120)) async throws {
        let client = TrackingClient(url: url, timeout: .seconds(2))
        try await eventually("\(url) to answer /health", timeout: timeout) { await client.isHealthy() }
    }

    /// A product built beside the test bundle (`track`, `train-demo`), or `$TRACK_BIN` for `track`.
    static func binary(_ name: String) -> URL? {
        var candidates: [URL] = []
        let environment = ProcessInfo.processInfo.environment
        if name == "track", let path = environment["TRACK_BIN"], !path.isEmpty { candidates.append(URL(fileURLWithPath: path)) }
        if name == "train-demo", let path = environment["TRAIN_DEMO_BIN"], !path.isEmpty { candidates.append(URL(fileURLWithPath: path)) }
        var folders: [URL] = []
        if let executable = Bundle.main.executableURL { folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent()) }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        #if os(Linux)
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        #endif
        for folder in folders {
            candidates.append(folder.appendingPathComponent(name))
            // macOS: …/debug/xPackageTests.xctest/Contents/MacOS → …/debug
            candidates.append(folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(name))
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func requireBinary(_ name: String) throws -> URL {
        guard let url = binary(name) else {
            Issue.record("the \(name) binary was not found beside the test bundle; build it (swift build --build-tests) or set TRACK_BIN")
            throw Timeout(description: "\(name) binary not found")
        }
        return url
    }

    /// A configuration for tests: the given server, a private spool, quick retries.
    static func configuration(_ url: URL, spool: URL, spoolAfter: Duration = .seconds(60)) -> TrackerConfiguration {
        var configuration = TrackerConfiguration(url: url)
        configuration.spoolDirectory = spool
        configuration.spoolAfter = spoolAfter
        configuration.flushInterval = .milliseconds(100)
        configuration.retry = RetryPolicy(initial: .milliseconds(50), maximum: .milliseconds(400))
        configuration.probeInterval = .milliseconds(200)
        // Generous: the suites run in parallel on small CI machines, and a slow answer from a
        // live server must not read as an outage.
        configuration.requestTimeout = .seconds(30)
        return configuration
    }
}

/// The real server, run in this process on a loopback port.
final class InProcessServer: Sendable {
    let port: Int
    let dataDirectory: URL
    let url: URL
    private let task: Task<Void, Error>

    private init(port: Int, dataDirectory: URL, task: Task<Void, Error>) {
        self.port = port
        self.dataDirectory = dataDirectory
        self.url = URL(string: "http://127.0.0.1:\(port)")!
        self.task = task
    }

    /// Starts a server (on `port`, or a free one) and waits until it answers.
    /// With `users`, the server requires authentication and those accounts exist.
    static func start(
        port: Int? = nil, dataDirectory: URL? = nil, users: [(name: String, password: String, role: Role)] = []
    ) async throws -> InProcessServer {
        let port = port ?? Support.freePort()
        let data = dataDirectory ?? Support.temporaryDirectory("server")
        if !users.isEmpty {
            let accounts = AccountService(store: try SQLiteTrackingStore(path: data.appendingPathComponent("track.db").path), hashCost: 4)
            for user in users { try await accounts.addUser(user.name, password: user.password, role: user.role) }
        }
        let configuration = ServerConfiguration(
            host: "127.0.0.1", port: port, dataDirectory: data, logLevel: .warning, requiresAuthentication: !users.isEmpty
        )
        let app = try await TrackServerApplication.build(configuration)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        let server = InProcessServer(port: port, dataDirectory: data, task: task)
        try await Support.waitHealthy(server.url)
        return server
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// `track server` in a child process, so a test can kill it and start it again.
final class ChildServer: @unchecked Sendable {
    let port: Int
    let dataDirectory: URL
    let url: URL
    private var process: Process?

    init(port: Int? = nil, dataDirectory: URL? = nil) {
        self.port = port ?? Support.freePort()
        self.dataDirectory = dataDirectory ?? Support.temporaryDirectory("child-server")
        self.url = URL(string: "http://127.0.0.1:\(self.port)")!
    }

    func start() async throws {
        let process = Process()
        process.executableURL = try Support.requireBinary("track")
        process.arguments = ["server", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDirectory.path, "--log-level", "warning"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        try await Support.waitHealthy(url)
    }

    /// SIGKILL: the server dies without answering in-flight requests.
    func kill() {
        guard let process else { return }
        Glibc_kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { kill() }
}

@inline(__always) func Glibc_kill(_ pid: Int32, _ signal: Int32) {
    #if canImport(Glibc)
    _ = Glibc.kill(pid, signal)
    #else
    _ = Darwin.kill(pid, signal)
    #endif
}

/// A run as the server has it.
struct StoredRun {
    var status: String
    var endTime: Int64?
    var startTime: Int64?
    var params: [String: String]
    var tags: [String: String]
    var metricKeys: [String]
}

extension TrackingClient {
    func storedRun(_ runID: String) async throws -> StoredRun {
        let answer = try await get("runs/get", query: [("run_id", runID)])
        let info = answer["run"]?["info"]
        let data = answer["run"]?["data"]
        func pairs(_ value: JSONValue?) -> [String: String] {
            var result: [String: String] = [:]
            for item in value?.arrayValue ?? [] {
                if let key = item["key"]?.stringValue { result[key] = item["value"]?.stringValue ?? "" }
            }
            return result
        }
        return StoredRun(
            status: info?["status"]?.stringValue ?? "",
            endTime: info?["end_time"]?.numberValue?.int64Value ?? info?["end_time"]?.stringValue.flatMap { Int64($0) },
            startTime: info?["start_time"]?.numberValue?.int64Value ?? info?["start_time"]?.stringValue.flatMap { Int64($0) },
            params: pairs(data?["params"]),
            tags: pairs(data?["tags"]),
            metricKeys: (data?["metrics"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }
        )
    }

    /// Every point of one series, in the server's order.
    func history(_ runID: String, _ key: String) async throws -> [Metric] {
        var result: [Metric] = []
        var token: String?
        repeat {
            var query = [("run_id", runID), ("metric_key", key), ("max_results", "25000")]
            if let token { query.append(("page_token", token)) }
            let answer = try await get("metrics/get-history", query: query)
            for item in answer["metrics"]?.arrayValue ?? [] {
                if let object = item.objectValue { result.append(try WireDecoding.metric(object)) }
            }
            token = answer["next_page_token"]?.stringValue
        } while token != nil
        return result
    }

    /// Ids of the runs of an experiment (by name).
    func runIDs(experiment name: String) async throws -> [String] {
        let id = try await experimentID(named: name)
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("experiment_ids"); writer.beginArray(); writer.string(id); writer.endArray()
        writer.key("run_view_type"); writer.string("ALL")
        writer.endObject()
        let answer = try await post("runs/search", body: writer.bytes)
        return (answer["runs"]?.arrayValue ?? []).compactMap { $0["info"]?["run_id"]?.stringValue }
    }
}

/// Checks that `stored` holds exactly the points of `expected` (same steps, value bits — any
/// NaN matches any NaN — and timestamps), each once, in step order.
func expectExactly(_ stored: [Metric], _ expected: [Metric], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(stored.count == expected.count, "\(what): \(stored.count) points stored, \(expected.count) logged", sourceLocation: sourceLocation)
    let sortedSteps = stored.map(\.step)
    #expect(sortedSteps == sortedSteps.sorted(), "\(what): the server's order is not the step order", sourceLocation: sourceLocation)
    let byStep = stored.sorted { ($0.step, $0.timestamp) < ($1.step, $1.timestamp) }
    let wanted = expected.sorted { ($0.step, $0.timestamp) < ($1.step, $1.timestamp) }
    var mismatches = 0
    for (have, want) in zip(byStep, wanted) {
        let sameValue = have.value.isNaN ? want.value.isNaN : have.value.bitPattern == want.value.bitPattern
        if !(sameValue && have.step == want.step && have.timestamp == want.timestamp && have.key == want.key) {
            mismatches += 1
            if mismatches <= 3 {
                Issue.record("\(what): stored \(have) but logged \(want)", sourceLocation: sourceLocation)
            }
        }
    }
    #expect(mismatches == 0, "\(what): \(mismatches) points differ", sourceLocation: sourceLocation)
}

/// Checks a series logged as `value(step)` for `steps` with `log(metric:)`: every step once,
/// the right value, a timestamp taken while logging, in order.
func expectSeries(
    _ stored: [Metric], steps: Range<Int>, window: ClosedRange<Int64>, _ what: String,
    value: (Int) -> Double, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(stored.count == steps.count, "\(what): \(stored.count) points stored, \(steps.count) logged", sourceLocation: sourceLocation)
    #expect(stored.map(\.step) == stored.map(\.step).sorted(), "\(what): not in step order", sourceLocation: sourceLocation)
    #expect(Set(stored.map(\.step)) == Set(steps.map(Int64.init)), "\(what): steps differ", sourceLocation: sourceLocation)
    var bad = 0
    var lastTimestamp: Int64 = 0
    for point in stored {
        let want = value(Int(point.step))
        let sameValue = want.isNaN ? point.value.isNaN : point.value.bitPattern == want.bitPattern
        if !sameValue || !window.contains(point.timestamp) || point.timestamp < lastTimestamp { bad += 1 }
        lastTimestamp = point.timestamp
    }
    #expect(bad == 0, "\(what): \(bad) points with a wrong value or timestamp", sourceLocation: sourceLocation)
}

/// A loopback HTTP proxy in front of a server that can lose answers (the server handles the
/// request, the client never hears back) or answer 503 itself, and records what it saw.
final class FaultProxy: @unchecked Sendable {
    struct Rules {
        /// Requests whose path contains the key: drop the answer of the next `n`.
        var dropAnswers: [String: Int] = [:]
        /// Requests whose path contains the key: answer the next `n` with this status without forwarding.
        var failWith: [String: (status: Int, count: Int)] = [:]
        var requests: [String] = []
        var authorizations: [String] = []
    }

    let port: Int
    let upstreamPort: Int
    let url: URL
    let state = Mutex(Rules())
    private let listener: Int32

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 64) == 0 else { throw Support.Timeout(description: "proxy could not listen") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        url = URL(string: "http://127.0.0.1:\(port)")!
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glue.closeFD(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            let thread = Thread { [self] in handle(client) }
            thread.start()
        }
    }

    private func handle(_ client: Int32) {
        defer { Glue.closeFD(client) }
        guard var request = readRequest(client) else { return }
        let head = String(decoding: request.head, as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let path = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let authorization = lines.first { $0.lowercased().hasPrefix("authorization:") }
        enum Action { case forward, drop, fail(Int) }
        let action: Action = state.withLock { rules in
            rules.requests.append(path)
            if let authorization { rules.authorizations.append(String(authorization.dropFirst("authorization:".count)).trimmingCharacters(in: .whitespaces)) }
            for (needle, rule) in rules.failWith where path.contains(needle) && rule.count > 0 {
                rules.failWith[needle] = (rule.status, rule.count - 1)
                return .fail(rule.status)
            }
            for (needle, count) in rules.dropAnswers where path.contains(needle) && count > 0 {
                rules.dropAnswers[needle] = count - 1
                return .drop
            }
            return .forward
        }
        if case .fail(let status) = action {
            writeAll(client, Array("HTTP/1.1 \(status) Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
            return
        }
        // Forward with `Connection: close`, so one request per connection.
        var headLines = lines.filter { !$0.lowercased().hasPrefix("connection:") && !$0.lowercased().hasPrefix("keep-alive:") && !$0.isEmpty }
        headLines.append("Connection: close")
        request.head = Array((headLines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glue.closeFD(upstream) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(upstreamPort).bigEndian
        let connected = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return }
        writeAll(upstream, request.head + request.body)
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(upstream, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        if case .drop = action { return }  // the server did the work; the client never learns
        writeAll(client, response)
    }

    private func readRequest(_ fd: Int32) -> (head: [UInt8], body: [UInt8])? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            data.append(contentsOf: buffer[0..<count])
            if data.count >= 4 {
                for index in 0...(data.count - 4) where Array(data[index..<index + 4]) == separator {
                    headEnd = index
                    break
                }
            }
        }
        let head = Array(data[0..<headEnd!])
        var body = Array(data[(headEnd! + 4)...])
        let text = String(decoding: head, as: UTF8.self).lowercased()
        var length = 0
        for line in text.components(separatedBy: "\r\n") where line.hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        while body.count < length {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            body.append(contentsOf: buffer[0..<count])
        }
        return (head, body)
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            offset += written
        }
    }
}
