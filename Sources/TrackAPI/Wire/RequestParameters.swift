import TrackCore

/// The parameters of one API call, from a JSON body (POST, PATCH, DELETE) or a query string
/// (GET), read with MLflow's coercions: ids as strings, int64 from numbers or digit strings,
/// doubles from numbers, numeric strings and `"NaN"`/`"Infinity"`/`"-Infinity"`.
///
/// Wire-shape errors (missing field, wrong type) are raised here, once, for every endpoint.
public struct RequestParameters: Sendable {
    private enum Source: Sendable {
        case body(JSONObject)
        case query([(String, String)])
    }

    private let source: Source

    /// Parameters from a JSON body. A body that is not a JSON object counts as `{}`, as MLflow
    /// treats it, so the error names the first missing field.
    public init(jsonBody bytes: some Collection<UInt8>) {
        if let value = try? JSONReader.parse(bytes), case .object(let object) = value {
            source = .body(object)
        } else {
            source = .body(JSONObject())
        }
    }

    public init(object: JSONObject) {
        source = .body(object)
    }

    /// Parameters from a raw query string (`a=1&b=x+y`), `+` decoded as space.
    public init(query: String?) {
        source = .query(QueryString.parse(query ?? ""))
    }

    /// The raw JSON value of a body field (`nil` for query parameters).
    public func json(_ name: String) -> JSONValue? {
        if case .body(let object) = source { return object[name] }
        return nil
    }

    public func has(_ name: String) -> Bool {
        switch source {
        case .body(let object): return object[name].map { !$0.isNull } ?? false
        case .query(let items): return items.contains { $0.0 == name }
        }
    }

    /// A string field; numbers are given as their literal text.
    public func string(_ name: String) throws(TrackError) -> String? {
        switch source {
        case .body(let object):
            guard let value = object[name] else { return nil }
            return try Self.string(value, name: name)
        case .query(let items):
            return items.last(where: { $0.0 == name })?.1
        }
    }

    /// A required, non-empty string field.
    public func requiredString(_ name: String) throws(TrackError) -> String {
        guard let value = try string(name), !value.isEmpty else { throw TrackError.missingParameter(name) }
        return value
    }

    /// A required string field that may be empty (`""` is a value).
    public func requiredStringAllowingEmpty(_ name: String) throws(TrackError) -> String {
        guard let value = try string(name) else { throw TrackError.missingParameter(name) }
        return value
    }

    /// The run id of a run-scoped call: `run_id`, or the legacy `run_uuid`.
    public func runID() throws(TrackError) -> String {
        if let id = try string("run_id"), !id.isEmpty { return id }
        if let id = try string("run_uuid"), !id.isEmpty { return id }
        throw TrackError.missingParameter("run_id")
    }

    public func int64(_ name: String) throws(TrackError) -> Int64? {
        switch source {
        case .body(let object):
            guard let value = object[name] else { return nil }
            return try Self.int64(value, name: name)
        case .query(let items):
            guard let text = items.last(where: { $0.0 == name })?.1 else { return nil }
            return try Self.int64(.string(text), name: name)
        }
    }

    public func int(_ name: String) throws(TrackError) -> Int? {
        guard let value = try int64(name) else { return nil }
        guard let int = Int(exactly: value) else {
            throw TrackError.invalidValue("\(value)", parameter: name)
        }
        return int
    }

    public func double(_ name: String) throws(TrackError) -> Double? {
        switch source {
        case .body(let object):
            guard let value = object[name] else { return nil }
            return try Self.double(value, name: name)
        case .query(let items):
            guard let text = items.last(where: { $0.0 == name })?.1 else { return nil }
            return try Self.double(.string(text), name: name)
        }
    }

    public func bool(_ name: String) throws(TrackError) -> Bool? {
        switch source {
        case .body(let object):
            guard let value = object[name] else { return nil }
            switch value {
            case .null: return nil
            case .bool(let flag): return flag
            case .string(let text): return try Self.bool(text, name: name)
            default: throw TrackError.invalidValue(Self.describe(value), parameter: name)
            }
        case .query(let items):
            guard let text = items.last(where: { $0.0 == name })?.1 else { return nil }
            return try Self.bool(text, name: name)
        }
    }

    /// A repeated string field: a JSON array, or repeated query keys.
    public func strings(_ name: String) throws(TrackError) -> [String] {
        switch source {
        case .body(let object):
            guard let value = object[name] else { return [] }
            switch value {
            case .null: return []
            case .array(let items):
                var result: [String] = []
                result.reserveCapacity(items.count)
                for item in items { if let text = try Self.string(item, name: name) { result.append(text) } }
                return result
            default:
                if let single = try Self.string(value, name: name) { return [single] }
                return []
            }
        case .query(let items):
            return items.filter { $0.0 == name }.map(\.1)
        }
    }

    /// A repeated object field of a JSON body.
    public func objects(_ name: String) throws(TrackError) -> [JSONObject] {
        guard let value = json(name) else { return [] }
        switch value {
        case .null: return []
        case .array(let items):
            var result: [JSONObject] = []
            result.reserveCapacity(items.count)
            for item in items {
                guard case .object(let object) = item else {
                    throw TrackError.invalidValue(Self.describe(item), parameter: name)
                }
                result.append(object)
            }
            return result
        default:
            throw TrackError.invalidValue(Self.describe(value), parameter: name)
        }
    }

    // MARK: - Coercions

    static func string(_ value: JSONValue, name: String) throws(TrackError) -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text
        case .number(let number): return number.text
        case .bool(let flag): return flag ? "true" : "false"
        default: throw TrackError.invalidValue(describe(value), parameter: name)
        }
    }

    static func int64(_ value: JSONValue, name: String) throws(TrackError) -> Int64? {
        switch value {
        case .null: return nil
        case .number(let number):
            if let int = number.int64Value { return int }
        case .string(let text):
            if let int = Int64(text.trimmingSpaces) { return int }
            if let number = JSONNumber(text.trimmingSpaces), let int = number.int64Value { return int }
        default: break
        }
        throw TrackError.invalidValue(describe(value), parameter: name)
    }

    static func double(_ value: JSONValue, name: String) throws(TrackError) -> Double? {
        switch value {
        case .null: return nil
        case .number(let number):
            if let double = number.doubleValue { return double }
        case .string(let text):
            if let double = parseDouble(text) { return double }
        case .bool(let flag):
            return flag ? 1 : 0
        default: break
        }
        throw TrackError.invalidValue(describe(value), parameter: name)
    }

    /// Parses the textual doubles MLflow's clients send: numbers and NaN/Infinity spellings.
    public static func parseDouble(_ text: String) -> Double? {
        let trimmed = text.trimmingSpaces
        switch trimmed.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "infinity", "+infinity", "inf", "+inf": return .infinity
        case "-infinity", "-inf": return -.infinity
        default: break
        }
        guard let first = trimmed.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
            || first == UInt8(ascii: ".") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return nil }
        return Double(trimmed)
    }

    static func bool(_ text: String, name: String) throws(TrackError) -> Bool {
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw TrackError.invalidValue("'\(text)'", parameter: name)
        }
    }

    static func describe(_ value: JSONValue) -> String {
        var writer = JSONWriter(capacity: 64)
        writer.value(value)
        let text = String(decoding: writer.bytes, as: UTF8.self)
        return text.count > 100 ? String(text.prefix(100)) + "…" : text
    }
}

extension String {
    var trimmingSpaces: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" || first == "\n" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" || last == "\n" { view.removeLast() }
        return String(view)
    }
}
