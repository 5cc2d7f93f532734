/// A JSON object: members in document order, duplicates preserved.
///
/// Lookup by key returns the *last* member with that key, as Python's `json` module (and
/// Foundation's `JSONSerialization`) do. Lookup matches keys exactly (same Unicode scalars), not
/// by Swift's canonical-equivalence `String ==`: `"é"` and `"e\u{301}"` are different keys.
/// `==` on objects compares members in order using Swift's `String` and ``JSONValue`` equality.
public struct JSONObject: Sendable, Equatable {
    public var members: [(key: String, value: JSONValue)]

    public init(_ members: [(String, JSONValue)] = []) {
        self.members = members.map { (key: $0.0, value: $0.1) }
    }

    init(members: [(key: String, value: JSONValue)]) {
        self.members = members
    }

    /// The value of the last member named exactly `key`, or nil.
    @inlinable public subscript(key: String) -> JSONValue? {
        var i = members.endIndex
        while i > members.startIndex {
            i -= 1
            if Self.sameKey(members[i].key, key) { return members[i].value }
        }
        return nil
    }

    /// Exact (scalar-for-scalar) key equality. `==` is tried first: it is the fast path for
    /// identical and ASCII strings and never misses an exact match; a byte comparison then rules
    /// out merely canonically-equivalent keys.
    @inlinable @inline(__always)
    static func sameKey(_ a: String, _ b: String) -> Bool {
        a == b && a.utf8.elementsEqual(b.utf8)
    }

    /// Appends a member (keeps any earlier member with the same key; lookups see the new one).
    @inlinable public mutating func append(_ key: String, _ value: JSONValue) {
        members.append((key: key, value: value))
    }

    /// Number of members, duplicates included.
    @inlinable public var count: Int { members.count }

    /// Ordered comparison: same keys and values in the same order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (l, r) in zip(lhs.members, rhs.members) where l.key != r.key || l.value != r.value {
            return false
        }
        return true
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
