import Foundation

/// Wall-clock time in epoch milliseconds, the unit of every timestamp in the tracking API.
public enum Clock {
    public static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
