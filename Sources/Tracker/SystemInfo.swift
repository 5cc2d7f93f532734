import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The tags a tracker sets on its own (MLflow's system tags and a few of track's).
enum SystemTags {
    static var swiftVersion: String {
        #if swift(>=7.0)
        return "7+"
        #elseif swift(>=6.3)
        return "6.3"
        #elseif swift(>=6.2)
        return "6.2"
        #elseif swift(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    static var operatingSystem: String {
        #if os(Linux)
        let name = "Linux"
        #elseif os(macOS)
        let name = "macOS"
        #else
        let name = "unknown"
        #endif
        return "\(name) \(ProcessInfo.processInfo.operatingSystemVersionString)"
    }

    static var userName: String {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return user }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "unknown"
    }

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        if gethostname(&buffer, buffer.count) == 0 {
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return ProcessInfo.processInfo.hostName
    }

    /// `mlflow.source.*`, `mlflow.user`, git state, host, OS and Swift version.
    static func capture() -> [(String, String)] {
        let arguments = ProcessInfo.processInfo.arguments
        var tags: [(String, String)] = [
            ("mlflow.source.name", arguments.first ?? "swift"),
            ("mlflow.source.type", "LOCAL"),
            ("mlflow.user", userName),
            ("track.command", String(arguments.joined(separator: " ").prefix(8000))),
            ("track.host", hostName),
            ("track.os", operatingSystem),
            ("track.swift.version", swiftVersion),
            ("track.pid", String(getpid())),
        ]
        if let git = GitState.current {
            tags.append(("mlflow.source.git.commit", git.commit))
            if let dirty = git.dirty { tags.append(("track.git.dirty", dirty ? "true" : "false")) }
            if let branch = git.branch { tags.append(("mlflow.source.git.branch", branch)) }
        }
        return tags
    }
}

/// Samples this process's CPU use and resident memory (Linux: `/proc/self`; macOS: `task_info`).
struct SystemSampler {
    private var lastCPU: Double?
    private var lastWall = ContinuousClock.now
    private(set) var step: Int64 = 0

    /// `system/…` metrics since the previous sample (CPU needs two samples).
    mutating func sample() -> [(String, Double)] {
        var result: [(String, Double)] = []
        let now = ContinuousClock.now
        if let cpu = Self.cpuSeconds() {
            if let lastCPU {
                let wall = (now - lastWall).seconds
                if wall > 0 { result.append(("system/cpu_utilization_percentage", (cpu - lastCPU) / wall * 100)) }
            }
            lastCPU = cpu
        }
        lastWall = now
        if let rss = Self.residentBytes() {
            result.append(("system/memory_rss_megabytes", Double(rss) / 1_048_576))
        }
        step += 1
        return result
    }

    /// User + system CPU seconds of this process.
    static func cpuSeconds() -> Double? {
        var usage = rusage()
        #if canImport(Glibc)
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return nil }
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func residentBytes() -> Int64? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return nil }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
        #elseif canImport(Darwin)
        var info = mach_task_basic_info()
        var count = mach_msg_type_number_t(MemoryLayout<mach_task_basic_info>.size / MemoryLayout<natural_t>.size)
        let result = withUnsafeMutablePointer(to: &info) { pointer in
            pointer.withMemoryRebound(to: integer_t.self, capacity: Int(count)) {
                task_info(mach_task_self_, task_flavor_t(MACH_TASK_BASIC_INFO), $0, &count)
            }
        }
        return result == KERN_SUCCESS ? Int64(info.resident_size) : nil
        #else
        return nil
        #endif
    }
}
