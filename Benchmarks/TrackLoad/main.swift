// track-load: how many metric points per second `track server` stores when the client is not the
// bottleneck.
//
//   swift build -c release --product track-load --product track
//   .build/release/track-load                          # starts `track server` (found beside itself)
//   .build/release/track-load --connections 4,16,64 --seconds 20
//   .build/release/track-load --url http://127.0.0.1:5000 --server-pid PID
//
// Every connection is one thread with one keep-alive socket that sends `runs/log-batch` requests
// back to back, each to the next of its runs. Bodies are encoded once; only their step and
// timestamp digits are rewritten per request, so every request carries new points. A point counts
// only when its request was answered 200, and the server answers only after the commit that holds
// it. After the timed window the store's own point counts are read back and compared with the
// acknowledged total.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var url: (host: String, port: Int)?
    var serverPID: Int32?
    var serverBinary: URL?
    var connections: [Int] = [4, 16, 64]
    var runsPerConnection = 2
    var metrics = 10
    var stepsPerRequest = 100
    var seconds = 15.0
    var warmup = 3.0
    var durable = false
    var keepData = false
    var jsonOut: String?

    static let usage = """
        usage: track-load [--url http://127.0.0.1:PORT [--server-pid PID]] [--server PATH] [--durable]
                          [--connections 4,16,64] [--runs-per-connection 2] [--metrics 10]
                          [--steps-per-request 100] [--seconds 15] [--warmup 3] [--keep-data] [--json-out FILE]
        """

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        func value() -> String {
            guard let next = iterator.next() else { fail() }
            return next
        }
        func fail() -> Never {
            say(usage)
            exit(2)
        }
        while let argument = iterator.next() {
            switch argument {
            case "--url":
                let text = value()
                guard let components = URLComponents(string: text), let host = components.host, let port = components.port,
                      host == "127.0.0.1" || host == "localhost" else {
                    say("--url must be http://127.0.0.1:PORT (loopback only)")
                    exit(2)
                }
                options.url = ("127.0.0.1", port)
            case "--server-pid": options.serverPID = Int32(value()) ?? { fail() }()
            case "--server": options.serverBinary = URL(fileURLWithPath: value())
            case "--connections": options.connections = value().split(separator: ",").map { Int($0) ?? { fail() }() }
            case "--runs-per-connection": options.runsPerConnection = Int(value()) ?? { fail() }()
            case "--metrics": options.metrics = Int(value()) ?? { fail() }()
            case "--steps-per-request": options.stepsPerRequest = Int(value()) ?? { fail() }()
            case "--seconds": options.seconds = Double(value()) ?? { fail() }()
            case "--warmup": options.warmup = Double(value()) ?? { fail() }()
            case "--durable": options.durable = true
            case "--keep-data": options.keepData = true
            case "--json-out": options.jsonOut = value()
            default: fail()
            }
        }
        if options.metrics * options.stepsPerRequest > 1000 {
            say("a log-batch holds at most 1000 metrics: --metrics x --steps-per-request is \(options.metrics * options.stepsPerRequest)")
            exit(2)
        }
        return options
    }
}

/// What one connection did during the timed window.
final class WorkerResult: @unchecked Sendable {
    var ackedPoints = 0
    var totalAckedPoints = 0
    var requests = 0
    var errors = 0
    var firstError: String?
    var latenciesMicros: [UInt32] = []
}

/// Sends `runs/log-batch` on one connection until `stopAt`, counting from `measureFrom`.
func drive(port: Int, templates: [BatchTemplate], measureFrom: UInt64, stopAt: UInt64, result: WorkerResult) {
    var templates = templates
    var sequences = [Int64](repeating: 0, count: templates.count)
    result.latenciesMicros.reserveCapacity(1 << 16)
    var connection: HTTPConnection?
    var next = 0
    while true {
        let start = Monotonic.now()
        if start >= stopAt { break }
        templates[next].prepare(sequence: sequences[next])
        do {
            if connection == nil { connection = try HTTPConnection(host: "127.0.0.1", port: port) }
            let status = try templates[next].bytes.withUnsafeBytes { try connection!.send($0) }
            let end = Monotonic.now()
            if status == 200 {
                result.totalAckedPoints += templates[next].pointCount
                if start >= measureFrom, end <= stopAt {
                    result.ackedPoints += templates[next].pointCount
                    result.requests += 1
                    result.latenciesMicros.append(UInt32(min((end - start) / 1000, UInt64(UInt32.max))))
                }
            } else {
                result.errors += 1
                if result.firstError == nil { result.firstError = "HTTP \(status)" }
            }
        } catch {
            connection = nil
            result.errors += 1
            if result.firstError == nil { result.firstError = "\(error)" }
        }
        // A request that failed may or may not have been stored; never resend the same points.
        sequences[next] += 1
        next = (next + 1) % templates.count
    }
}

// MARK: - Plain JSON calls for the setup

func call(_ connection: HTTPConnection, _ method: String, _ path: String, port: Int, json: [String: Any]? = nil) throws -> [String: Any] {
    let body = try json.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
    var request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n".utf8)
    if json != nil { request += Array("Content-Type: application/json\r\n".utf8) }
    request += Array("Content-Length: \(body.count)\r\n\r\n".utf8) + Array(body)
    var answer = Data()
    let status = try connection.send(request) { answer = Data($0) }
    guard status == 200 else {
        throw HTTPConnection.Failure(description: "\(method) \(path) -> \(status): \(String(decoding: answer.prefix(300), as: UTF8.self))")
    }
    return (try JSONSerialization.jsonObject(with: answer) as? [String: Any]) ?? [:]
}

/// Prints a line at once, also when the output is a pipe.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// CPU seconds this process has used.
func ownCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func percentile(_ sorted: [UInt32], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
}

// MARK: - Main

signal(SIGPIPE, SIG_IGN)
let options = Options.parse(Array(CommandLine.arguments.dropFirst()))

let server: ServerProcess
if let url = options.url {
    server = ServerProcess(port: url.port, pid: options.serverPID)
} else {
    let binary = options.serverBinary
        ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("track")
    server = try ServerProcess(binary: binary, durable: options.durable)
    say("started \(binary.path) on port \(server.port) (data in \(server.dataDirectory!.path))\(options.durable ? ", --durable" : "")")
}

/// Sets up the runs, drives every connection count in turn, checks the store and reports.
func measure(server: ServerProcess, options: Options) throws -> Int32 {
    let startupMilliseconds = try server.waitHealthy()
    if options.url == nil {
        say(String(format: "healthy %.0f ms after start; idle RSS %.1f MB", startupMilliseconds, server.statusMB("VmRSS") ?? 0))
    }
    let idleRSS = server.statusMB("VmRSS")

    let setup = try HTTPConnection(host: "127.0.0.1", port: server.port)
    let experimentID = try call(setup, "POST", "/api/2.0/mlflow/experiments/create", port: server.port,
                                json: ["name": "track-load-\(getpid())-\(Int(Date().timeIntervalSince1970))"])["experiment_id"] as! String
    let metricKeys = (0..<options.metrics).map { "m\($0)" }
    var allRunIDs: [String] = []
    var totalAcked = 0
    var rows: [[String: Any]] = []
    var peakRSS = 0.0

    say("connections  runs   points/s   requests/s   p50 ms   p99 ms   max ms  errors  server cores  client cores  server CPU µs/point")
    for connections in options.connections {
        // Runs and their pre-encoded batches.
        var templatesByConnection: [[BatchTemplate]] = []
        for connectionIndex in 0..<connections {
            var templates: [BatchTemplate] = []
            for runIndex in 0..<options.runsPerConnection {
                let run = try call(setup, "POST", "/api/2.0/mlflow/runs/create", port: server.port, json: [
                    "experiment_id": experimentID, "run_name": "load-c\(connections)-\(connectionIndex)-\(runIndex)",
                    "start_time": Int(Date().timeIntervalSince1970 * 1000),
                ])
                let runID = ((run["run"] as! [String: Any])["info"] as! [String: Any])["run_id"] as! String
                allRunIDs.append(runID)
                templates.append(BatchTemplate(
                    host: "127.0.0.1", port: server.port, runID: runID, metricKeys: metricKeys, stepsPerRequest: options.stepsPerRequest,
                    seed: UInt64(allRunIDs.count) &* 0x9E37_79B9_7F4A_7C15
                ))
            }
            templatesByConnection.append(templates)
        }

        let results = (0..<connections).map { _ in WorkerResult() }
        let startedAt = Monotonic.now()
        let measureFrom = startedAt + UInt64(options.warmup * 1e9)
        let stopAt = measureFrom + UInt64(options.seconds * 1e9)
        let done = DispatchSemaphore(value: 0)
        let port = server.port
        for index in 0..<connections {
            let templates = templatesByConnection[index]
            let result = results[index]
            let thread = Thread { drive(port: port, templates: templates, measureFrom: measureFrom, stopAt: stopAt, result: result); done.signal() }
            thread.stackSize = 1 << 20
            thread.start()
        }
        // Server CPU and client CPU over the timed window only.
        while Monotonic.now() < measureFrom { usleep(1000) }
        let serverCPUStart = server.cpuSeconds()
        let clientCPUStart = ownCPUSeconds()
        let windowStart = Monotonic.now()
        while Monotonic.now() < stopAt {
            usleep(100_000)
            peakRSS = max(peakRSS, server.statusMB("VmRSS") ?? 0)
        }
        let window = Monotonic.seconds(since: windowStart)
        let serverCPU = server.cpuSeconds().flatMap { end in serverCPUStart.map { end - $0 } }
        let clientCPU = ownCPUSeconds() - clientCPUStart
        for _ in 0..<connections { done.wait() }

        let acked = results.reduce(0) { $0 + $1.ackedPoints }
        let requests = results.reduce(0) { $0 + $1.requests }
        let errors = results.reduce(0) { $0 + $1.errors }
        totalAcked += results.reduce(0) { $0 + $1.totalAckedPoints }
        let latencies = results.flatMap(\.latenciesMicros).sorted()
        // -1 when the server's CPU time is unknown (an existing server without --server-pid).
        let serverCores: Double = serverCPU.map { $0 / window } ?? -1
        let serverMicrosPerPoint: Double = serverCPU.map { acked > 0 ? $0 / Double(acked) * 1e6 : 0 } ?? -1
        let row: [String: Any] = [
            "connections": connections, "runs": connections * options.runsPerConnection,
            "points_per_s": Double(acked) / options.seconds, "requests_per_s": Double(requests) / options.seconds,
            "points_per_request": options.metrics * options.stepsPerRequest,
            "p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99), "max_ms": Double(latencies.last ?? 0) / 1000,
            "errors": errors, "first_error": results.compactMap(\.firstError).first ?? "",
            "server_cores": serverCores, "client_cores": clientCPU / window, "server_cpu_us_per_point": serverMicrosPerPoint,
        ]
        rows.append(row)
        say(String(
            format: "%11d %5d %10.0f %12.0f %8.2f %8.2f %8.2f %7d %13.2f %13.2f %20.2f",
            connections, connections * options.runsPerConnection, row["points_per_s"] as! Double, row["requests_per_s"] as! Double,
            row["p50_ms"] as! Double, row["p99_ms"] as! Double, row["max_ms"] as! Double, errors,
            row["server_cores"] as! Double, row["client_cores"] as! Double, row["server_cpu_us_per_point"] as! Double
        ))
        if let first = row["first_error"] as? String, !first.isEmpty { say("  first error: \(first)") }
    }

    // Every acknowledged point must be stored: compare with the store's own counts.
    var stored = 0
    for start in stride(from: 0, to: allRunIDs.count, by: 100) {
        let ids = allRunIDs[start..<min(start + 100, allRunIDs.count)].map { "run_id=\($0)" }.joined(separator: "&")
        let summaries = try call(setup, "GET", "/api/2.0/track/runs/summaries?\(ids)", port: server.port)
        for summary in summaries["summaries"] as? [[String: Any]] ?? [] { stored += (summary["count"] as? Int) ?? 0 }
    }
    let storeBytes = server.storeBytes()
    say("acknowledged points: \(totalAcked), stored points: \(stored) -> \(stored == totalAcked ? "OK" : "MISMATCH")")
    if let storeBytes, stored > 0 {
        say(String(format: "store: %.1f MB, %.1f bytes per stored point", Double(storeBytes) / 1e6, Double(storeBytes) / Double(stored)))
    }
    peakRSS = max(peakRSS, server.statusMB("VmHWM") ?? 0)
    if peakRSS > 0 { say(String(format: "server RSS: idle %.1f MB, peak %.1f MB", idleRSS ?? 0, peakRSS)) }

    if let path = options.jsonOut {
        var document: [String: Any] = [
            "rows": rows, "acked_points": totalAcked, "stored_points": stored, "verify_ok": stored == totalAcked,
            "seconds": options.seconds, "warmup_s": options.warmup, "durable": options.durable,
            "cpus": ProcessInfo.processInfo.activeProcessorCount,
        ]
        if options.url == nil { document["startup_ms"] = startupMilliseconds }
        if let idleRSS { document["rss_idle_mb"] = idleRSS }
        if peakRSS > 0 { document["rss_peak_mb"] = peakRSS }
        if let storeBytes, stored > 0 { document["store_bytes_per_point"] = Double(storeBytes) / Double(stored) }
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }
    return stored == totalAcked ? 0 : 3
}

let status: Int32
do {
    status = try measure(server: server, options: options)
} catch {
    say("track-load: \(error)")
    status = 1
}
server.stop(keepData: options.keepData)
exit(status)
