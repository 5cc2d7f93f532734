import Foundation
import Synchronization

/// A progress bar on standard error, with rate and time left, for long transfers. Drawn only
/// when standard error is a terminal (never in pipes or logs), at most 10 times a second.
public final class ProgressBar: Sendable {
    public enum Unit: Sendable {
        case bytes
        case points
    }

    let label: String
    let unit: Unit
    let enabled: Bool
    let width: Int
    private let state: Mutex<State>

    struct State {
        var total: Int64?
        var done: Int64 = 0
        var started = ContinuousClock.now
        var lastDrawn: ContinuousClock.Instant?
        var drew = false
        /// The line on screen (to redraw it after ``ProgressBar/printAbove(_:)``).
        var line = ""
    }

    public init(label: String, total: Int64?, unit: Unit, enabled: Bool = Terminal.isTTY(STDERR_FILENO), width: Int = Terminal.width()) {
        self.label = label
        self.unit = unit
        self.enabled = enabled
        self.width = width
        state = Mutex(State(total: total))
    }

    public func add(_ amount: Int64) {
        let line: String? = state.withLock { state in
            state.done += amount
            let now = ContinuousClock.now
            if let last = state.lastDrawn, now - last < .milliseconds(100) { return nil }
            state.lastDrawn = now
            guard enabled else { return nil }
            state.drew = true
            state.line = Self.line(label: label, done: state.done, total: state.total, elapsed: now - state.started, unit: unit, width: width)
            return state.line
        }
        if let line { Terminal.writeError("\r" + line + "\u{1B}[K") }
    }

    /// Writes a line of output (to standard output) above the bar: the bar is cleared first and
    /// drawn again below it, so results and the bar don't garble each other on a terminal.
    public func printAbove(_ text: String) {
        let line: String? = state.withLock { state in state.drew ? state.line : nil }
        if enabled, line != nil { Terminal.writeError("\r\u{1B}[K") }
        Output.write(text)
        if enabled, let line {
            fflush(nil)  // stdout, before the bar goes back on stderr
            Terminal.writeError(line + "\u{1B}[K")
        }
    }

    public func setTotal(_ total: Int64?) {
        state.withLock { $0.total = total }
    }

    /// Clears the bar (the caller prints its own summary).
    public func finish() {
        let drew = state.withLock { $0.drew }
        if enabled && drew { Terminal.writeError("\r\u{1B}[K") }
    }

    /// The bar's text: `label [█████░░░░░]  52%  12.3 MB / 23.6 MB  4.1 MB/s  ETA 3s`. Rate and
    /// time left appear once half a second has passed: before that they would be guesses.
    public static func line(label: String, done: Int64, total: Int64?, elapsed: Duration, unit: Unit, width: Int) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds >= 0.5 ? Double(done) / seconds : 0
        func amount(_ value: Int64) -> String {
            unit == .bytes ? Formatting.bytes(value) : Formatting.count(value)
        }
        let rateText = rate <= 0 ? "" : unit == .bytes ? Formatting.bytes(Int64(rate)) + "/s" : Formatting.count(Int64(rate)) + " points/s"
        var tail: String
        var percent = ""
        var fraction: Double?
        if let total, total > 0 {
            let f = min(1, Double(done) / Double(total))
            fraction = f
            percent = String(format: "%3d%%", Int(f * 100))
            tail = "\(amount(done)) / \(amount(total))" + (rateText.isEmpty ? "" : "  " + rateText)
            if rate > 0, done < total {
                tail += "  ETA " + Formatting.duration(milliseconds: Int64(Double(total - done) / rate * 1000))
            }
        } else {
            tail = amount(done) + (rateText.isEmpty ? "" : "  " + rateText)
        }
        let fixed = TextWidth.of(label) + 2 + 2 + percent.count + 2 + tail.count + 2
        let barWidth = min(30, width - fixed)
        var bar = ""
        if let fraction, barWidth >= 5 {
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            bar = "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "]  "
        }
        return TextWidth.truncate(label + "  " + bar + (percent.isEmpty ? "" : percent + "  ") + tail, to: max(10, width - 1))
    }
}
