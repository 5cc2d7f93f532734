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
        members.withUnsafeBufferPointer { m in
            var i = m.count
            while i > 0 {
                i -= 1
                if Self.sameKey(m[i].key, key) { return m[i].value }
            }
            return nil
        }
    }

    /// Exact key equality: same UTF-8 bytes (equivalently, same Unicode scalars). Unlike
    /// `String ==` this does not equate canonically equivalent strings ("K" and KELVIN SIGN).
    @inlinable @inline(__always)
    static func sameKey(_ a: String, _ b: String) -> Bool {
        let n = a.utf8.count
        guard n == b.utf8.count else { return false }
        return a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb in
                var i = 0
                while i < n {
                    if pa[i] != pb[i] { return false }
                    i += 1
                }
                return true
            } ?? a.utf8.elementsEqual(b.utf8)
        } ?? a.utf8.elementsEqual(b.utf8)
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
