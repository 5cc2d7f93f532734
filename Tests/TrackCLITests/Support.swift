import Foundation
import Synchronization
import Testing
import TrackAPI
import TrackClient
import TrackCore
import TrackServer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers of the CLI tests: the real server in this process, the real `track` binary in a child
/// process, temporary folders, golden files.
enum CLITest {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The ports ``freePort()`` hands out: 26000–31999, below the kernel's ephemeral range
    /// (32768 and up), so that no port the kernel picks for another test's server or for an
    /// outgoing connection can take one between the check and the server's bind (binding port 0,
    /// reading it and closing it let two tests' servers meet on one port); one counter, so no two
    /// tests of this process get the same port. The tracker tests use their own band.
    private static let nextPort = Mutex(26000 + Int(getpid() % 1000) * 5)

    /// A port that is free now and that no other test of this process has been given.
    static func freePort() -> Int {
        while true {
            let port = nextPort.withLock { port in
                defer { port = port + 1 >= 32000 ? 26000 : port + 1 }
                return port
            }
            if canBind(port) { return port }
        }
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } == 0
    }

    static func temporaryDirectory(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("track-cli-tests-\(getpid())-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The `track` binary: `$TRACK_BIN`, or the one built beside the test bundle.
    static func binary() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["TRACK_BIN"], !path.isEmpty { candidates.append(URL(fileURLWithPath: path)) }
        var folders: [URL] = []
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL { folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent()) }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        #if os(Linux)
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        #endif
        for folder in folders {
            candidates.append(folder.appendingPathComponent("track"))
            candidates.append(folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("track"))
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw Failure(description: "the track binary was not found beside the test bundle; build it (swift build --build-tests) or set TRACK_BIN")
        }
        return found
    }

    struct Result: Sendable {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// The caller's PATH and HOME, UTC, UTF-8, `specific`, the given server as `TRACK_URL`, then
    /// `extra` over all of it.
    static func cleanEnvironment(_ specific: [String: String], url: URL?, extra: [String: String]) -> [String: String] {
        var environment: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
            "TZ": "UTC", "LANG": "C.UTF-8",
        ]
        environment.merge(specific) { _, new in new }
        if let url { environment["TRACK_URL"] = url.absoluteString }
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs `track` with a clean environment: no colour, 100 columns, UTC, the given server.
    static func track(_ arguments: [String], url: URL?, environment extra: [String: String] = [:], cwd: URL? = nil) async throws -> Result {
        let binary = try binary()
        let processEnvironment = cleanEnvironment(["NO_COLOR": "1", "COLUMNS": "100"], url: url, extra: extra)
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                let process = Process()
                process.executableURL = binary
                process.arguments = arguments
                process.environment = processEnvironment
                if let cwd { process.currentDirectoryURL = cwd }
                let out = Pipe()
                let err = Pipe()
                process.standardOutput = out
                process.standardError = err
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                let errBox = DataBox()
                let errDone = DispatchSemaphore(value: 0)
                let errThread = Thread {
                    errBox.data = err.fileHandleForReading.readDataToEndOfFile()
                    errDone.signal()
                }
                errThread.start()
                let outData = out.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                errDone.wait()
                let errData = errBox.data
                continuation.resume(returning: Result(
                    stdout: String(decoding: outData, as: UTF8.self),
                    stderr: String(decoding: errData, as: UTF8.self),
                    status: process.terminationStatus
                ))
            }
            thread.start()
        }
    }

    /// Runs `track` on a pseudo-terminal of `columns` × 40 (standard output and error both go to
    /// it, as in an interactive shell): what a person sees, colours, bars and all. `COLUMNS` is
    /// not set, so the width comes from the terminal.
    static func trackInTerminal(_ arguments: [String], url: URL?, columns: Int, environment extra: [String: String] = [:]) async throws -> Result {
        let binary = try binary()
        // The pseudo-terminal calls are not in the Glibc module map: looked up by name.
        typealias FDCall = @convention(c) (Int32) -> Int32
        typealias NameCall = @convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32
        let libc = dlopen(nil, RTLD_NOW)
        func call<T>(_ name: String, _ type: T.Type) throws -> T {
            guard let symbol = dlsym(libc, name) else { throw Failure(description: "no \(name) in the C library") }
            return unsafeBitCast(symbol, to: type)
        }
        let master = try call("posix_openpt", FDCall.self)(O_RDWR | O_NOCTTY)
        guard master >= 0, try call("grantpt", FDCall.self)(master) == 0, try call("unlockpt", FDCall.self)(master) == 0 else {
            throw Failure(description: "no pseudo-terminal")
        }
        var name = [CChar](repeating: 0, count: 256)
        guard try call("ptsname_r", NameCall.self)(master, &name, name.count) == 0 else { throw Failure(description: "no pseudo-terminal name") }
        let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw Failure(description: "cannot open the pseudo-terminal") }
        var size = winsize(ws_row: 40, ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
        let processEnvironment = cleanEnvironment(["TERM": "xterm-256color"], url: url, extra: extra)
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                let process = Process()
                process.executableURL = binary
                process.arguments = arguments
                process.environment = processEnvironment
                let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
                process.standardOutput = terminal
                process.standardError = terminal
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    close(slave)
                    close(master)
                    continuation.resume(throwing: error)
                    return
                }
                close(slave)  // the child holds its own copies; reads end when it exits
                var output = Data()
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = read(master, &buffer, buffer.count)
                    if count <= 0 { break }
                    output.append(contentsOf: buffer[0..<count])
                }
                process.waitUntilExit()
                close(master)
                // The terminal turns "\n" into "\r\n".
                let text = String(decoding: output, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
                continuation.resume(returning: Result(stdout: text, stderr: "", status: process.terminationStatus))
            }
            thread.start()
        }
    }

    /// Text without ANSI escape sequences.
    static func stripANSI(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*[A-Za-z]", with: "", options: .regularExpression)
    }

    // MARK: - Golden files

    static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden", isDirectory: true)

    /// Compares `text` with `Golden/<name>`; with `UPDATE_GOLDEN=1` writes it instead.
    static func assertGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = goldenFolder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: goldenFolder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(name); run the tests with UPDATE_GOLDEN=1 to write it", sourceLocation: sourceLocation)
            return
        }
        if expected != text {
            let actualURL = FileManager.default.temporaryDirectory.appendingPathComponent("actual-\(name)")
            try? Data(text.utf8).write(to: actualURL)
            Issue.record("output differs from Golden/\(name) (actual written to \(actualURL.path)):\n\(text)", sourceLocation: sourceLocation)
        }
    }
}

final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// The real server, run in this process on a loopback port.
final class TestServer: Sendable {
    let url: URL
    let dataDirectory: URL
    let client: APIClient
    private let task: Task<Void, Error>

    private init(url: URL, dataDirectory: URL, task: Task<Void, Error>) {
        self.url = url
        self.dataDirectory = dataDirectory
        self.client = APIClient(baseURL: url.absoluteString, timeout: .seconds(30))
        self.task = task
    }

    static func start() async throws -> TestServer {
        let port = CLITest.freePort()
        let data = CLITest.temporaryDirectory("server")
        let app = try await TrackServerApplication.build(
            ServerConfiguration(host: "127.0.0.1", port: port, dataDirectory: data, logLevel: .warning)
        )
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        let server = TestServer(url: URL(string: "http://127.0.0.1:\(port)")!, dataDirectory: data, task: task)
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                _ = try await server.client.experiments(viewType: .all)
                return server
            } catch {
                if ContinuousClock.now > deadline { throw CLITest.Failure(description: "the test server did not answer: \(error)") }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    // MARK: - Seeding

    func createExperiment(_ name: String) async throws -> String {
        let answer = try await client.post("experiments/create") { w in
            w.beginObject(); w.key("name"); w.string(name); w.endObject()
        }
        return answer["experiment_id"]?.stringValue ?? ""
    }

    /// Creates a finished run with fixed times, params, tags and metric series.
    @discardableResult
    func createRun(
        experiment: String, name: String, start: Int64, duration: Int64?, params: [String: String] = [:],
        tags: [String: String] = [:], metrics: [String: [Double]] = [:], status: String = "FINISHED"
    ) async throws -> String {
        let answer = try await client.post("runs/create") { w in
            w.beginObject()
            w.key("experiment_id"); w.string(experiment)
            w.key("run_name"); w.string(name)
            w.key("start_time"); w.int(start)
            w.key("user_id"); w.string("tester")
            w.key("tags"); w.beginArray()
            // The system tags the mlflow client sets on every run it creates.
            let system = ["mlflow.user": "tester", "mlflow.source.name": "train.py", "mlflow.source.type": "LOCAL"]
            for (key, value) in system.merging(tags, uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
                w.beginObject(); w.key("key"); w.string(key); w.key("value"); w.string(value); w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        let runID = answer["run"]?["info"]?["run_id"]?.stringValue ?? ""
        var batches: [[Metric]] = [[]]
        for (key, values) in metrics.sorted(by: { $0.key < $1.key }) {
            for (step, value) in values.enumerated() {
                if batches[batches.count - 1].count == 1000 { batches.append([]) }
                batches[batches.count - 1].append(Metric(key: key, value: value, timestamp: start + Int64(step) * 1000, step: Int64(step)))
            }
        }
        for (index, batch) in batches.enumerated() {
            _ = try await client.post("runs/log-batch") { w in
                w.beginObject()
                w.key("run_id"); w.string(runID)
                w.key("metrics"); w.beginArray()
                for metric in batch { w.metric(metric) }
                w.endArray()
                if index == 0 {
                    w.key("params"); w.beginArray()
                    for (key, value) in params.sorted(by: { $0.key < $1.key }) {
                        w.beginObject(); w.key("key"); w.string(key); w.key("value"); w.string(value); w.endObject()
                    }
                    w.endArray()
                }
                w.endObject()
            }
        }
        if let duration {
            _ = try await client.post("runs/update") { w in
                w.beginObject()
                w.key("run_id"); w.string(runID)
                w.key("status"); w.string(status)
                w.key("end_time"); w.int(start + duration)
                w.endObject()
            }
        }
        return runID
    }

    /// Writes an artifact file straight into the server's artifact folder.
    func writeArtifact(experiment: String, runID: String, path: String, contents: String) throws {
        let url = dataDirectory.appendingPathComponent("artifacts/\(experiment)/\(runID)/artifacts/\(path)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }
}
