import Foundation
import TrackAPI

/// Helpers shared by the JSON*Tests suites (namespaced to stay clear of other test files).
enum JSONTestSupport {
    // MARK: - Deterministic randomness

    /// SplitMix64: tiny, fast, deterministic PRNG for reproducible generated inputs.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    // MARK: - Foundation bridge

    /// Parses with Foundation's JSONSerialization (fragments allowed); nil if it rejects.
    static func foundationParse(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    /// Foundation's error message for `bytes`, or "accepted".
    static func foundationError(_ bytes: [UInt8]) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            return "accepted"
        } catch {
            return String(describing: (error as NSError).userInfo["NSDebugDescription"] ?? error)
        }
    }

    /// Parses with JSONReader; nil if it rejects.
    static func ourParse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONReader.parse(bytes)
    }

    static func isFoundationBool(_ n: NSNumber) -> Bool {
        // swift-corelibs-foundation returns its CFBoolean-backed subclass for true/false.
        let name = String(describing: type(of: n))
        return name == "__NSCFBoolean" || name == "_NSCFBoolean" || name == "NSCFBoolean"
    }

    /// Converts a tree to Foundation objects for JSONSerialization's writer. Objects must have
    /// unique keys. Integer literals in Int64 range become Int64 NSNumbers, others Double.
    static func foundationObject(_ v: JSONValue) -> Any {
        switch v {
        case .null: return NSNull()
        case .bool(let b): return NSNumber(value: b)
        case .number(let n):
            if isIntegerLiteral(n.text), let i = n.int64Value { return NSNumber(value: i) }
            return NSNumber(value: n.doubleValue!)
        case .string(let s): return s
        case .array(let a): return a.map(foundationObject)
        case .object(let o):
            var d: [String: Any] = [:]
            for m in o.members { d[m.key] = foundationObject(m.value) }
            return d
        }
    }

    static func isIntegerLiteral(_ text: String) -> Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// nil if `ours` and Foundation's tree agree, else a description of the first difference.
    /// Objects: same key set, each key compared with our last-wins lookup (Foundation also keeps
    /// the last duplicate). Numbers: equal as Double; integer literals in Int64 range must also
    /// agree exactly as Int64. Foundation returns NSDecimalNumber for integers outside Int64 (and
    /// for Int64.min); its Double conversion is not always correctly rounded, so those are
    /// compared with a relative tolerance of 1e-12 instead.
    static func mismatch(_ ours: JSONValue, _ theirs: Any, path: String = "$") -> String? {
        switch ours {
        case .null:
            return theirs is NSNull ? nil : "\(path): expected null, Foundation has \(theirs)"
        case .bool(let b):
            guard let n = theirs as? NSNumber, isFoundationBool(n) else {
                return "\(path): expected bool, Foundation has \(type(of: theirs)) \(theirs)"
            }
            return n.boolValue == b ? nil : "\(path): bool \(b) vs \(n)"
        case .number(let num):
            guard let n = theirs as? NSNumber, !isFoundationBool(n) else {
                return "\(path): expected number, Foundation has \(type(of: theirs)) \(theirs)"
            }
            let d = num.doubleValue!
            if n is NSDecimalNumber {
                let f = n.doubleValue
                let tolerance = Swift.max(abs(d), abs(f)) * 1e-12
                if !(abs(d - f) <= tolerance) { return "\(path): number \(num.text) = \(d) vs decimal \(n) = \(f)" }
            } else if d != n.doubleValue {
                return "\(path): number \(num.text) = \(d) vs \(n) = \(n.doubleValue)"
            }
            if isIntegerLiteral(num.text), let i = num.int64Value, i != n.int64Value {
                return "\(path): integer \(num.text) vs \(n) (int64 \(n.int64Value))"
            }
            return nil
        case .string(let s):
            guard let t = theirs as? String else {
                return "\(path): expected string, Foundation has \(type(of: theirs)) \(theirs)"
            }
            // Compare scalars exactly (String == would use canonical equivalence). Foundation
            // drops a raw U+FEFF at the start of a string or right after an escape sequence, so
            // a difference only in U+FEFF characters is tolerated (documented difference 7).
            if exactKey(s) == exactKey(t) { return nil }
            if foundationKey(s) == foundationKey(t) { return nil }
            return "\(path): string \(s.debugDescription) vs \(t.debugDescription)"
        case .array(let a):
            guard let t = theirs as? [Any] else {
                return "\(path): expected array, Foundation has \(type(of: theirs))"
            }
            guard a.count == t.count else { return "\(path): array count \(a.count) vs \(t.count)" }
            for (k, (x, y)) in zip(a, t).enumerated() {
                if let m = mismatch(x, y, path: "\(path)[\(k)]") { return m }
            }
            return nil
        case .object(let o):
            guard let t = theirs as? [String: Any] else {
                return "\(path): expected object, Foundation has \(type(of: theirs))"
            }
            var last: [[UInt8]: JSONValue] = [:]
            for m in o.members { last[foundationKey(m.key)] = m.value }
            var theirs: [[UInt8]: (String, Any)] = [:]
            for (k, v) in t { theirs[foundationKey(k)] = (k, v) }
            guard Set(last.keys) == Set(theirs.keys) else {
                return "\(path): keys \(o.members.map(\.key)) vs \(Array(t.keys))"
            }
            for (k, (name, y)) in theirs {
                if let m = mismatch(last[k]!, y, path: "\(path).\(name.debugDescription)") { return m }
            }
            return nil
        }
    }

    /// A string's scalars, for exact comparison (not by canonical equivalence).
    static func scalarKey(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

    /// A string's UTF-8 bytes: equal exactly when the scalars are equal (and cheap to compute).
    static func exactKey(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// A key as Foundation would report it: without the U+FEFF it may drop (difference 7).
    static func foundationKey(_ s: String) -> [UInt8] {
        let b = exactKey(s)
        guard b.contains(0xEF) else { return b }
        return Array(String(s.unicodeScalars.filter { $0 != "\u{FEFF}" }).utf8)
    }

    /// Semantic comparison of two of our trees: numbers by value (Double, and exact Int64 when
    /// `expected` has an integer literal in range), objects by last-wins lookup over the same key
    /// set, strings by scalars. nil if equal, else the first difference.
    static func semanticMismatch(_ a: JSONValue, expected b: JSONValue, path: String = "$") -> String? {
        switch (a, b) {
        case (.null, .null): return nil
        case (.bool(let x), .bool(let y)): return x == y ? nil : "\(path): \(x) vs \(y)"
        case (.number(let x), .number(let y)):
            guard x.doubleValue! == y.doubleValue! else { return "\(path): \(x.text) vs \(y.text)" }
            // Integer literals in `expected` are exact: `actual` must denote the same Int64.
            // (Other values only need to agree as Doubles: a writer may print an integral
            // Double such as 5736585909657604.0 as an integer literal.)
            if isIntegerLiteral(y.text), let i = y.int64Value, x.int64Value != i {
                return "\(path): \(x.text) vs \(y.text) (Int64)"
            }
            return nil
        case (.string(let x), .string(let y)):
            return exactKey(x) == exactKey(y) ? nil : "\(path): \(x.debugDescription) vs \(y.debugDescription)"
        case (.array(let x), .array(let y)):
            guard x.count == y.count else { return "\(path): count \(x.count) vs \(y.count)" }
            for (k, (p, q)) in zip(x, y).enumerated() {
                if let m = semanticMismatch(p, expected: q, path: "\(path)[\(k)]") { return m }
            }
            return nil
        case (.object(let x), .object(let y)):
            var lx: [[UInt8]: (String, JSONValue)] = [:]
            for m in x.members { lx[exactKey(m.key)] = (m.key, m.value) }
            var ly: [[UInt8]: JSONValue] = [:]
            for m in y.members { ly[exactKey(m.key)] = m.value }
            guard Set(lx.keys) == Set(ly.keys) else {
                return "\(path): keys \(x.members.map(\.key)) vs \(y.members.map(\.key))"
            }
            for (k, (name, vx)) in lx {
                if let d = semanticMismatch(vx, expected: ly[k]!, path: "\(path).\(name.debugDescription)") { return d }
            }
            return nil
        default: return "\(path): \(a) vs \(b)"
        }
    }

    static func bytes(_ w: JSONWriter) -> [UInt8] { w.bytes }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
