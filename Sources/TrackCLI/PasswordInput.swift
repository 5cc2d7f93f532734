import Foundation
import TrackClient
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a password: from standard input (one line) for scripts, or asked for on the terminal
/// without echo, twice. It is never taken from an argument, where it would land in the shell's
/// history and the process list.
enum PasswordInput {
    static func read(fromStandardInput: Bool, confirm: Bool) throws -> String {
        if fromStandardInput {
            guard let line = Swift.readLine(strippingNewline: true) else {
                throw ClientError.invalidInput("no password on standard input")
            }
            return line
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw ClientError.invalidInput("standard input is not a terminal: pass the password on standard input with --password-stdin")
        }
        let password = try prompt("Password: ")
        if confirm, try prompt("Again: ") != password {
            throw ClientError.invalidInput("the two passwords differ")
        }
        return password
    }

    private static func prompt(_ text: String) throws -> String {
        Terminal.writeError(text)
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            Terminal.writeError("\n")
        }
        guard let line = Swift.readLine(strippingNewline: true) else {
            throw ClientError.invalidInput("no password given")
        }
        return line
    }
}
