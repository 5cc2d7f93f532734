import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal the CLI writes to: its width, whether it takes colours.
public enum Terminal {
    /// The width to fit output to: `$COLUMNS`, else the window size of stdout (then stderr, for
    /// `track … | less`), else 80.
    public static func width(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let text = environment["COLUMNS"], let columns = Int(text.trimmingCharacters(in: .whitespaces)), columns > 0 {
            return columns
        }
        for fd in [STDOUT_FILENO, STDERR_FILENO] {
            if let columns = windowColumns(fd) { return columns }
        }
        return 80
    }

    static func windowColumns(_ fd: Int32) -> Int? {
        var size = winsize()
        #if canImport(Glibc)
        let result = ioctl(fd, UInt(TIOCGWINSZ), &size)
        #else
        let result = ioctl(fd, TIOCGWINSZ, &size)
        #endif
        guard result == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    public static func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Colour on stdout: only on a terminal, never with `NO_COLOR` set (to anything non-empty,
    /// see no-color.org) or `TERM=dumb`.
    public static func colorEnabled(environment: [String: String] = ProcessInfo.processInfo.environment, fd: Int32 = STDOUT_FILENO) -> Bool {
        if let value = environment["NO_COLOR"], !value.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isTTY(fd)
    }

    /// Writes to standard error, unbuffered.
    public static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// ANSI styling that is a no-op when colour is off.
public struct Style: Sendable {
    public var enabled: Bool

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    public static let plain = Style(enabled: false)

    public enum Color: Int, Sendable, CaseIterable {
        case red = 31, green = 32, yellow = 33, blue = 34, magenta = 35, cyan = 36
    }

    /// Run colours, in order: run 1 is blue, run 2 yellow….
    public static let runColors: [Color] = [.blue, .yellow, .green, .magenta, .cyan, .red]

    public static func runColor(_ index: Int) -> Color { runColors[index % runColors.count] }

    public func paint(_ text: String, _ color: Color) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ text: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }

    public func dim(_ text: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[2m\(text)\u{1B}[0m" : text
    }

    public func boldPaint(_ text: String, _ color: Color) -> String {
        enabled && !text.isEmpty ? "\u{1B}[1;\(color.rawValue)m\(text)\u{1B}[0m" : text
    }
}

/// Column arithmetic on text as a terminal shows it.
public enum TextWidth {
    /// Columns the text takes: East Asian wide characters and emoji count 2, combining marks
    /// and escape sequences 0 (per grapheme cluster, its first scalar decides).
    public static func of(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        for character in text {
            guard let scalar = character.unicodeScalars.first else { continue }
            if inEscape {
                if scalar.properties.isAlphabetic { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" {
                inEscape = true
                continue
            }
            width += columns(scalar)
        }
        return width
    }

    static func columns(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// The text cut to at most `width` columns, ending with `…` when something was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        if width <= 0 { return "" }
        if of(text) <= width { return text }
        var result = ""
        var used = 0
        for character in text {
            let w = character.unicodeScalars.first.map(columns) ?? 0
            if used + w > width - 1 { break }
            result.append(character)
            used += w
        }
        return result + "…"
    }

    /// The text cut or padded with spaces to exactly `width` columns (left-aligned).
    public static func fit(_ text: String, _ width: Int) -> String {
        let cut = truncate(text, to: width)
        return cut + String(repeating: " ", count: max(0, width - of(cut)))
    }

    /// The text cut or padded to exactly `width` columns, right-aligned.
    public static func fitRight(_ text: String, _ width: Int) -> String {
        let cut = truncate(text, to: width)
        return String(repeating: " ", count: max(0, width - of(cut))) + cut
    }

    /// Removes trailing spaces (lines are padded while built).
    public static func trimTrailing(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }
}
