// tracker-bench: what `Tracker.log(metric:)` costs the caller, and how many points per second
// reach a local server.
//
//   swift build -c release --product tracker-bench --product track
//   .build/release/tracker-bench                 # starts `track server` (found beside itself)
//   .build/release/tracker-bench --url http://127.0.0.1:5000 --points 2000000
//
// Prints the median and p99 cost of one call (timed over chunks of 100 calls, and call by call),
// the heap allocations those calls make on the caller's thread (with Benchmarks/MallocCount
// preloaded), and sustained points/s from the first log call until `flush()` returns.
import Foundation
import Tracker
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

var url: URL?
var points = 2_000_000
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--url": url = arguments.next().flatMap(URL.init(string:))
    case "--points": points = arguments.next().flatMap(Int.init) ?? points
    default:
        print("usage: tracker-bench [--url URL] [--points N]")
        exit(2)
    }
}

@inline(__always) func nanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// The calling thread's heap allocations so far, when `Benchmarks/MallocCount` is preloaded.
func threadAllocations() -> UInt64? {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "track_thread_allocations") else { return nil }
    typealias Counter = @convention(c) () -> UInt64
    return unsafeBitCast(symbol, to: Counter.self)()
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

// A server of our own unless one was given.
var server: Process?
if url == nil {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("track")
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
    let port = Int(UInt16(bigEndian: address.sin_port))
    close(socket)
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-bench-\(getpid())")
    let process = Process()
    process.executableURL = binary
    process.arguments = ["server", "--host", "127.0.0.1", "--port", String(port), "--data-dir", data.path, "--log-level", "warning"]
    try process.run()
    server = process
    url = URL(string: "http://127.0.0.1:\(port)")!
    let client = TrackingClient(url: url!)
    var ready = false
    for _ in 0..<300 where !ready {
        ready = await client.isHealthy()
        if !ready { try await Task.sleep(for: .milliseconds(100)) }
    }
    guard ready else { print("track server did not start"); process.terminate(); exit(1) }
    print("started \(binary.path) on port \(port) (data in \(data.path))")
}
defer { server?.terminate() }

var configuration = TrackerConfiguration(url: url)
configuration.captureSystemTags = false
configuration.heartbeatInterval = nil
// Measure the network path: keep everything in memory rather than overflowing to the spool.
configuration.maxPendingPoints = 50_000_000
configuration.bufferCapacity = 1_000_000

// 1. Caller-side cost.
do {
    let tracker = try await Tracker(experiment: "tracker-bench", runName: "latency", configuration: configuration)
    for step in 0..<200_000 { tracker.log(metric: "warmup", value: Double(step), step: step) }
    await tracker.flush()
    let chunks = 5_000
    var perCall: [Double] = []
    perCall.reserveCapacity(chunks)
    var step = 0
    for _ in 0..<chunks {
        let start = nanos()
        for _ in 0..<100 {
            tracker.log(metric: "loss", value: 0.5, step: step)
            step += 1
        }
        perCall.append(Double(nanos() - start) / 100)
    }
    var single: [Double] = []
    single.reserveCapacity(200_000)
    var overhead: [Double] = []
    for _ in 0..<10_000 {
        let a = nanos(); let b = nanos()
        overhead.append(Double(b - a))
    }
    let allocationsBefore = threadAllocations()
    for _ in 0..<200_000 {
        let start = nanos()
        tracker.log(metric: "accuracy", value: 0.5, step: step)
        single.append(Double(nanos() - start))
        step += 1
    }
    let allocationsAfter = threadAllocations()
    await tracker.flush()
    try await tracker.finish()
    let timer = percentile(overhead, 0.5)
    print(String(format: "log(metric:) cost, chunks of 100 calls: median %.0f ns, p99 %.0f ns per call", percentile(perCall, 0.5), percentile(perCall, 0.99)))
    print(String(format: "log(metric:) cost, single calls:        median %.0f ns, p99 %.0f ns, p99.9 %.0f ns (timer overhead %.0f ns subtracted)",
                 max(0, percentile(single, 0.5) - timer), max(0, percentile(single, 0.99) - timer), max(0, percentile(single, 0.999) - timer), timer))
    if let before = allocationsBefore, let after = allocationsAfter {
        print(String(format: "log(metric:) heap allocations on the caller's thread: %llu in 200,000 calls (%.4f per call)", after - before, Double(after - before) / 200_000))
    } else {
        print("log(metric:) heap allocations: not counted (preload Benchmarks/MallocCount, see its source)")
    }
    print("points delivered: \(tracker.counts.delivered)")
}

// 2. Sustained throughput to the server.
do {
    let tracker = try await Tracker(experiment: "tracker-bench", runName: "throughput", configuration: configuration)
    let keys = (0..<10).map { "metric_\($0)" }
    let start = nanos()
    for index in 0..<points {
        tracker.log(metric: keys[index % 10], value: Double(index), step: index / 10)
    }
    let logged = nanos()
    await tracker.flush()
    let done = nanos()
    try await tracker.finish()
    let loggingSeconds = Double(logged - start) / 1e9, totalSeconds = Double(done - start) / 1e9
    print(String(format: "throughput: %d points logged in %.2fs (%.0f/s on the caller), all on the server after %.2fs: %.0f points/s sustained",
                 points, loggingSeconds, Double(points) / loggingSeconds, totalSeconds, Double(points) / totalSeconds))
    print("points delivered: \(tracker.counts.delivered), spooled: \(tracker.counts.spooled)")
}
