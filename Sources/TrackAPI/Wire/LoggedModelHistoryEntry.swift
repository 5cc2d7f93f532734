import Foundation
import TrackCore

/// What `POST runs/log-model` (MLflow 2 clients' record of a model logged in a run) adds to the
/// run's ``LoggedModelHistory/tagKey`` list: the model's `run_id`, `artifact_path`,
/// `utc_time_created`, `model_uuid` and `flavors` (each flavor without its `config`), in that
/// order, written as the client's `json.dumps` writes them.
public enum LoggedModelHistoryEntry {
    /// The members the model's JSON must have, as MLflow's server requires them.
    static let requiredMembers = ["artifact_path", "flavors", "run_id", "utc_time_created"]

    /// The entry for `modelJSON` (the request's `model_json`).
    /// - Throws: `INVALID_PARAMETER_VALUE` when it is not a JSON object with the required members.
    public static func make(modelJSON: String, now: Date = Date()) throws(TrackError) -> String {
        guard let parsed = try? JSONReader.parse(modelJSON) else {
            throw TrackError.invalidParameter("Malformed model info. \n \(modelJSON) \n is not a valid JSON.")
        }
        guard case .object(let model) = parsed else {
            throw TrackError.invalidParameter("Model json must be a JSON object, not \(modelJSON.prefix(200))")
        }
        let missing = requiredMembers.filter { model[$0] == nil }
        if !missing.isEmpty {
            throw TrackError.invalidParameter("Model json is missing mandatory fields: {\(missing.map { "'\($0)'" }.joined(separator: ", "))}")
        }
        var flavors: [(String, String)] = []
        switch model["flavors"] {
        case .object(let object)?:
            for (name, config) in PythonJSON.members(of: object) {
                if case .object(let settings) = config {
                    flavors.append((name, PythonJSON.text(of: .object(JSONObject(settings.members.filter { $0.key != "config" })))))
                } else {
                    flavors.append((name, PythonJSON.text(of: config)))
                }
            }
        case .null?:
            break
        default:
            throw TrackError.invalidParameter("Model json's 'flavors' must be a JSON object.")
        }
        let members: [(String, String)] = [
            ("run_id", PythonJSON.text(of: model["run_id"] ?? .null)),
            ("artifact_path", PythonJSON.text(of: model["artifact_path"] ?? .null)),
            ("utc_time_created", PythonJSON.string(creationTime(model["utc_time_created"], now: now))),
            ("model_uuid", PythonJSON.text(of: model["model_uuid"] ?? .null)),
            ("flavors", "{" + flavors.map { "\(PythonJSON.string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"),
        ]
        return "{" + members.map { "\(PythonJSON.string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// `str(utc_time_created or datetime.utcnow())`, as the client's model class keeps it.
    static func creationTime(_ value: JSONValue?, now: Date) -> String {
        switch value {
        case .string(let text)? where !text.isEmpty: return text
        case .number(let number)?: return PythonJSON.text(of: .number(number))
        case .bool(true)?: return "True"
        default:
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
            return formatter.string(from: now)
        }
    }
}

extension PythonJSON {
    /// A parsed JSON value as `json.dumps(json.loads(text))` writes it: integers keep their
    /// digits, other numbers become Python floats, a repeated object key keeps its first place
    /// and its last value.
    public static func text(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .string(let text): return string(text)
        case .number(let number):
            let literal = number.text
            if literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                return float(number.doubleValue ?? .nan)
            }
            return literal == "-0" ? "0" : literal
        case .array(let elements):
            return "[" + elements.map { text(of: $0) }.joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + members(of: object).map { "\(string($0.0)): \(text(of: $0.1))" }.joined(separator: ", ") + "}"
        }
    }

    /// The members of an object as a Python dict holds them: each key once, at its first place,
    /// with its last value.
    static func members(of object: JSONObject) -> [(String, JSONValue)] {
        // Keys compare by their scalars, as Python's do (Swift's String equality would merge
        // canonically equivalent spellings).
        var order: [(String, [UInt8])] = []
        var values: [[UInt8]: JSONValue] = [:]
        for (key, value) in object.members {
            let bytes = Array(key.utf8)
            if values.updateValue(value, forKey: bytes) == nil { order.append((key, bytes)) }
        }
        return order.map { ($0.0, values[$0.1]!) }
    }
}
