import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `track server` started for the measurement (fresh data folder, free loopback port), or an
/// existing one identified by its PID, with what /proc says about it.
final class ServerProcess: @unchecked Sendable {
    let port: Int
    let pid: Int32?
    let dataDirectory: URL?
    private let process: Process?

    /// Starts `binary server` on a free port with a fresh data folder.
    init(binary: URL, durable: Bool) throws {
        let port = try Self.freePort()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("track-load-\(getpid())")
        try? FileManager.default.removeItem(at: data)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["server", "--host", "127.0.0.1", "--port", String(port), "--data-dir", data.path, "--log-level", "warning"]
            + (durable ? ["--durable"] : [])
        try process.run()
        self.port = port
        self.pid = process.processIdentifier
        self.dataDirectory = data
        self.process = process
    }

    /// An existing server.
    init(port: Int, pid: Int32?) {
        self.port = port
        self.pid = pid
        dataDirectory = nil
        process = nil
    }

    /// Stops a server this object started and removes its data unless asked to keep it.
    func stop(keepData: Bool) {
        guard let process else { return }
        process.terminate()
        process.waitUntilExit()
        if !keepData, let dataDirectory { try? FileManager.default.removeItem(at: dataDirectory) }
    }

    /// Waits until `/health` answers 200; returns the milliseconds it took.
    func waitHealthy(timeout: Double = 30) throws -> Double {
        let start = Monotonic.now()
        let request = Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        while Monotonic.seconds(since: start) < timeout {
            if let connection = try? HTTPConnection(host: "127.0.0.1", port: port), (try? connection.send(request)) == 200 {
                return Monotonic.seconds(since: start) * 1000
            }
            if let process, !process.isRunning { throw HTTPConnection.Failure(description: "track server exited during startup") }
            usleep(2000)
        }
        throw HTTPConnection.Failure(description: "track server did not become healthy")
    }

    /// CPU seconds (user + system) the server has used so far.
    func cpuSeconds() -> Double? {
        guard let pid, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Fields after the command: state is 3rd overall, utime the 14th, stime the 15th.
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A `/proc/PID/status` field in MB (`VmRSS`, `VmHWM`).
    func statusMB(_ field: String) -> Double? {
        guard let pid, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first
            return kilobytes.map { $0 / 1024 }
        }
        return nil
    }

    /// Bytes of the store (database, WAL and shared-memory files).
    func storeBytes() -> Int64? {
        guard let dataDirectory else { return nil }
        var total: Int64 = 0
        for suffix in ["", "-wal", "-shm"] {
            let path = dataDirectory.appendingPathComponent("track.db" + suffix).path
            if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber { total += size.int64Value }
        }
        return total
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0 else { throw HTTPConnection.Failure(description: "bind: errno \(errno)") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Monotonic time.
enum Monotonic {
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    static func seconds(since start: UInt64) -> Double {
        Double(now() &- start) / 1e9
    }
}
