import Foundation

/// How values are written for people: times, durations, numbers, sizes.
public enum Formatting {
    /// Epoch milliseconds as local time, `2024-05-01 14:03:22` (the `TZ` variable applies).
    public static func time(_ milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)
        )
    }

    /// ``time(_:)`` shortened to fit `width` columns: without the seconds (`2024-05-01 14:03`),
    /// then without the year (`05-01 14:03`).
    public static func time(_ milliseconds: Int64, fitting width: Int) -> String {
        let full = time(milliseconds)
        if width >= full.count { return full }
        let minutes = String(full.dropLast(3))
        if width >= minutes.count { return minutes }
        return String(minutes.dropFirst(5))
    }

    /// A duration: `850ms`, `12.3s`, `4m 05s`, `2h 03m`, `3d 04h`.
    public static func duration(milliseconds: Int64) -> String {
        if milliseconds < 0 { return "-" }
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds < 60_000 {
            return String(format: "%.1fs", Double(milliseconds) / 1000)
        }
        let seconds = milliseconds / 1000
        if seconds < 3600 { return String(format: "%dm %02ds", Int(seconds / 60), Int(seconds % 60)) }
        if seconds < 86400 { return String(format: "%dh %02dm", Int(seconds / 3600), Int(seconds % 3600 / 60)) }
        return String(format: "%dd %02dh", Int(seconds / 86400), Int(seconds % 86400 / 3600))
    }

    /// A run's duration: end − start, or "running" with the time so far when it has no end.
    public static func runDuration(start: Int64, end: Int64?, now: Int64) -> String {
        if let end { return duration(milliseconds: end - start) }
        return "running, " + duration(milliseconds: max(0, now - start))
    }

    /// A metric value, compact: integers plainly (`100`), others with 6 significant digits
    /// (`0.251235`, `1.5e-07`), `NaN`, `inf`, `-inf`.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(format: "%.0f", value == 0 ? 0 : value)
        }
        return String(format: "%.6g", value)
    }

    /// A short axis label (4 significant digits).
    public static func tick(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e6 { return String(format: "%.0f", value == 0 ? 0 : value) }
        return String(format: "%.4g", value)
    }

    /// A byte count: `512 B`, `1.5 KB`, `23.4 MB` (powers of 1024).
    public static func bytes(_ count: Int64) -> String {
        if count < 1024 { return "\(count) B" }
        let units = ["KB", "MB", "GB", "TB"]
        var value = Double(count) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: value < 10 ? "%.1f" : "%.0f", value) + " " + units[unit]
    }

    /// A count with a unit: `1,234 points`.
    public static func count(_ count: Int64) -> String {
        let digits = String(count.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (count < 0 ? "-" : "") + grouped
    }

    /// The current time in epoch milliseconds.
    public static func nowMilliseconds() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }
}
