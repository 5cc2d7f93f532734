/// A parsed JSON document (or a tree to be written by ``JSONWriter``).
///
/// Numbers keep their literal text (see ``JSONNumber``) so integers such as millisecond
/// timestamps stay exact; objects keep member order and duplicate keys (see ``JSONObject``).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// The object, if this value is one.
    @inlinable public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The elements, if this value is an array.
    @inlinable public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The string, if this value is one.
    @inlinable public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The number, if this value is one.
    @inlinable public var numberValue: JSONNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The boolean, if this value is one.
    @inlinable public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// Whether this value is JSON `null`.
    @inlinable public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Shorthand for `objectValue?[key]`: the member `key` if this value is an object.
    @inlinable public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}
