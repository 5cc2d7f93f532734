import Foundation
import TrackCore

/// Where the server is: `--url`, else `TRACK_URL`, else `MLFLOW_TRACKING_URI`, else
/// `http://127.0.0.1:5000`.
public enum ServerURL {
    public static let defaultURL = "http://127.0.0.1:5000"

    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let candidates: [(String, String?)] = [
            ("--url", flag), ("TRACK_URL", environment["TRACK_URL"]), ("MLFLOW_TRACKING_URI", environment["MLFLOW_TRACKING_URI"]),
        ]
        for (source, value) in candidates {
            guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { continue }
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
                throw ClientError.invalidInput(
                    "\(source) is '\(value)', which is not an http(s) URL of a tracking server (like \(defaultURL)). Set --url or TRACK_URL."
                )
            }
            return value
        }
        return defaultURL
    }
}

/// Runs a command's body: a ``ClientError`` (or any other error) is printed to standard error as
/// `error: …` and gives exit status 1.
public enum CommandRunner {
    public static func run(_ body: () async throws -> Void) async -> Int32 {
        do {
            try await body()
            return 0
        } catch let error as ClientError {
            Terminal.writeError("error: " + error.message + "\n")
        } catch let error as TrackError {
            Terminal.writeError("error: " + error.message + "\n")
        } catch {
            Terminal.writeError("error: \(error)\n")
        }
        return 1
    }
}

/// Standard output, written through the C library's buffer (flushed at exit).
public enum Output {
    public static func write(_ text: String) {
        print(text, terminator: "")
    }
}
