import Foundation
import Testing
import TrackAPI

/// JSONReader/JSONWriter against Foundation's JSONSerialization (swift-corelibs-foundation on
/// Linux), on recorded MLflow traffic, generated documents and fuzzed bytes.
///
/// Known, deliberate differences from JSONSerialization on Linux (each pinned by
/// `knownFoundationDifferences` below and tolerated, after verification, by the fuzz tests):
///  1. Trailing commas (`[1,]`, `{"a":1,}`): Foundation accepts them; we reject (RFC 8259).
///  2. Lone surrogate escapes (`"\ud800"`, `"\udc00"`): Foundation rejects; we decode them to
///     U+FFFD, as Swift's String does for ill-formed UTF-16.
///  3. Number literals beyond the Double range (`1e400`): Foundation rejects ("not
///     representable"); we accept them (the literal is valid JSON; `doubleValue` is ±infinity and
///     `text` keeps the digits). Tiny ones (`1e-400`) are accepted by both and read as 0.
///  4. Nesting: our limit is 64 levels, Foundation's is 512.
///  5. Encoding detection: Foundation sniffs UTF-16/UTF-32 (BOMs, or NUL bytes among the first
///     four bytes) and transcodes; we accept UTF-8 only (a UTF-8 BOM is skipped by both).
///  6. Object keys: Foundation's `[String: Any]` merges keys that differ but are canonically
///     equivalent Unicode (`"é"` vs `"e\u{301}"`); we keep both (lookup is exact, last wins).
///  7. A raw (unescaped) U+FEFF at the start of a string, or right after an escape sequence, is
///     dropped by Foundation (`"\u{FEFF}x"` reads as `"x"`); we keep every character. The tree
///     comparison ignores U+FEFF differences.
/// Also observed: Foundation parses integers outside Int64 (and Int64.min) as NSDecimalNumber,
/// and literals with many significant digits (e.g. `-14.44912358124076789391459E+142`) as
/// NSDecimalNumber, whose Double conversion is not correctly rounded (off by ~1e-15 relative);
/// the comparison tolerates 1e-12 relative error for NSDecimalNumber only.
@Suite("JSON differential vs Foundation")
struct JSONDifferentialTests {
    typealias Support = JSONTestSupport

    // MARK: - Recorded MLflow traffic

    /// /work/shared/mlflow-protocol/exchanges.jsonl, located relative to this file (symlinks
    /// resolved); nil when absent.
    static let exchangesURL: URL? = {
        let url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()  // TrackAPITests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .deletingLastPathComponent()  // beside the package
            .appendingPathComponent("shared/mlflow-protocol/exchanges.jsonl")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    @Test("recorded MLflow exchanges parse exactly like Foundation", .enabled(if: exchangesURL != nil))
    func recordedExchanges() throws {
        let data = try Data(contentsOf: try #require(Self.exchangesURL))
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        #expect(lines.count > 100)
        var bodies = 0
        for (n, line) in lines.enumerated() {
            let bytes = Array(line)
            let ours = try JSONReader.parse(bytes)
            let theirs = try #require(Support.foundationParse(bytes), "line \(n + 1)")
            #expect(Support.mismatch(ours, theirs) == nil, "line \(n + 1): \(Support.mismatch(ours, theirs) ?? "")")

            // Request and response bodies individually, and a writer round trip of each.
            for side in ["request", "response"] {
                guard let body = ours[side]?["body"]?["json"] else { continue }
                bodies += 1
                var w = JSONWriter()
                w.value(body)
                let reparsed = try JSONReader.parse(w.bytes)
                #expect(reparsed == body, "line \(n + 1) \(side): writer round trip")
                let foundationBody = try #require(Support.foundationParse(w.bytes))
                #expect(Support.mismatch(reparsed, foundationBody) == nil, "line \(n + 1) \(side)")
            }
        }
        #expect(bodies > 100)
    }

    // MARK: - Generated documents

    @Test("generated trees round-trip through both writers and both readers")
    func generatedTrees() throws {
        try Self.generatedTreesCheck(seed: 0x7EAC_4A91, iterations: 3000)
    }

    static func generatedTreesCheck(seed: UInt64, iterations: Int) throws {
        var gen = Support.TreeGenerator(seed: seed)
        for iteration in 0..<iterations {
            let tree = gen.value()

            // 1. Our writer: our reader gives the identical tree; Foundation agrees.
            var w = JSONWriter()
            w.value(tree)
            let ourBytes = w.bytes
            let back = try JSONReader.parse(ourBytes)
            #expect(back == tree, "iteration \(iteration): writer -> reader")
            let foundationOfOurs = try #require(Support.foundationParse(ourBytes), "iteration \(iteration): \(Support.text(ourBytes))")
            if let m = Support.mismatch(back, foundationOfOurs) {
                Issue.record("iteration \(iteration): ours vs Foundation on our output: \(m)")
            }

            // 2. Random whitespace and escapes: both readers agree with the tree.
            let loose = Array(gen.loose(tree).utf8)
            let looseParsed = try JSONReader.parse(loose)
            #expect(looseParsed == tree, "iteration \(iteration): loose text \(Support.text(loose))")
            let foundationLoose = try #require(Support.foundationParse(loose))
            if let m = Support.mismatch(looseParsed, foundationLoose) {
                Issue.record("iteration \(iteration): loose: \(m)")
            }

            // 3. Foundation's writer: both readers agree with the tree (numbers re-formatted, key
            //    order and duplicates not preserved, so compare semantically).
            let foundationBytes = [UInt8](try JSONSerialization.data(
                withJSONObject: Support.foundationObject(tree), options: [.fragmentsAllowed]))
            let fromFoundation = try JSONReader.parse(foundationBytes)
            if let m = Support.semanticMismatch(fromFoundation, expected: tree) {
                Issue.record("iteration \(iteration): Foundation's writer: \(m)")
            }
            let foundationOwn = try #require(Support.foundationParse(foundationBytes))
            if let m = Support.mismatch(fromFoundation, foundationOwn) {
                Issue.record("iteration \(iteration): Foundation output: \(m)")
            }
        }
    }

    // MARK: - Fuzzing

    /// Why the two parsers may legitimately disagree on `bytes` (see the type comment), after
    /// checking the explanation; nil if the disagreement is unexplained.
    static func knownDifference(_ bytes: [UInt8], ours: Result<JSONValue, JSONParseError>, theirs: Any?) -> String? {
        switch (ours, theirs) {
        case (.failure(let e), .some(let theirTree)):
            if e.reason.contains("trailing comma") {
                // Removing trailing commas must make us accept the same tree.
                guard let fixed = try? JSONReader.parse(Self.removingTrailingCommas(bytes)),
                      Support.mismatch(fixed, theirTree) == nil else { return nil }
                return "trailing comma"
            }
            if e.reason.contains("nesting deeper") { return "depth > 64" }
            if Self.foundationMaySniffNonUTF8(bytes) { return "UTF-16/32 detection" }
            return nil
        case (.success(let tree), nil):
            // Spell lone surrogates as U+FFFD; then Foundation must accept the same tree, or
            // reject only because of a number beyond the Double range (which we accept).
            var reasons: [String] = []
            var fixed = bytes
            if Self.hasLoneSurrogateEscape(bytes) {
                fixed = Self.replacingLoneSurrogates(bytes)
                reasons.append("lone surrogate escape")
            }
            if let theirFixed = Support.foundationParse(fixed) {
                guard !reasons.isEmpty, Support.mismatch(tree, theirFixed) == nil else { return nil }
            } else {
                guard Self.containsInfiniteNumber(tree),
                      Support.foundationError(fixed).contains("not representable") else { return nil }
                reasons.append("number beyond Double range")
            }
            return reasons.joined(separator: " + ")
        case (.success(let tree), .some):
            if Self.foundationMaySniffNonUTF8(bytes) { return "UTF-16/32 detection" }
            if Self.hasCanonicallyEquivalentKeys(tree) { return "canonically equivalent keys" }
            return nil
        case (.failure, nil):
            return nil
        }
    }

    /// Mutation-fuzzes valid documents: bit flips, byte replacement/insertion/deletion, span
    /// duplication and truncation. Acceptance must match Foundation, and accepted trees agree.
    @Test("byte-mutated documents: never crashes, accepts exactly what Foundation accepts")
    func mutatedDocuments() throws {
        let stats = Self.mutationFuzz(seed: 0xBADC0FFEE, iterations: 20_000)
        print("mutation fuzz: \(stats.accepted) accepted by both, \(stats.rejected) rejected by both, known differences \(stats.known)")
        #expect(stats.accepted > 1000)
        #expect(stats.rejected > 5000)
    }

    static func mutationFuzz(seed: UInt64, iterations: Int) -> (accepted: Int, rejected: Int, known: [String: Int]) {
        var gen = Support.TreeGenerator(seed: seed ^ 0xF022)
        gen.maxDepth = 4
        var rng = Support.SplitMix64(seed: seed)
        let interesting: [UInt8] = Array("\"\\{}[]:,0123456789-+.eEtfnu \t\r\n/abx".utf8)
            + [0x00, 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFE, 0xFF]
        var seeds: [[UInt8]] = []
        for _ in 0..<300 {
            let tree = gen.value()
            if gen.chance(50) {
                var w = JSONWriter()
                w.value(tree)
                seeds.append(w.bytes)
            } else {
                seeds.append(Array(gen.loose(tree).utf8))
            }
        }
        seeds.append(Array(#"{"a":"\ud83d\ude00","b":[1.5e3,-0,true,null],"c":"\u00e9\n"}"#.utf8))

        var accepted = 0, rejected = 0
        var known: [String: Int] = [:]
        for iteration in 0..<iterations {
            var bytes = seeds[Int(rng.next() % UInt64(seeds.count))]
            let mutations = 1 + Int(rng.next() % 3)
            for _ in 0..<mutations {
                let r = rng.next()
                let pos = bytes.isEmpty ? 0 : Int((r >> 8) % UInt64(bytes.count))
                switch r % 7 {
                case 0 where !bytes.isEmpty: bytes[pos] ^= UInt8(1 << ((r >> 40) % 8))
                case 1 where !bytes.isEmpty: bytes[pos] = interesting[Int((r >> 40) % UInt64(interesting.count))]
                case 2: bytes.insert(interesting[Int((r >> 40) % UInt64(interesting.count))], at: pos)
                case 3 where !bytes.isEmpty: bytes.remove(at: pos)
                case 4: bytes.removeSubrange(pos...)
                case 5 where !bytes.isEmpty:
                    let len = Swift.min(bytes.count - pos, 1 + Int((r >> 40) % 8))
                    bytes.insert(contentsOf: bytes[pos..<(pos + len)], at: pos)
                default:
                    if !bytes.isEmpty { bytes[pos] = UInt8(truncatingIfNeeded: r >> 48) }
                }
            }
            let ours = Result { () throws(JSONParseError) in try JSONReader.parse(bytes) }
            let theirs = Support.foundationParse(bytes)
            switch (ours, theirs) {
            case (.success(let tree), .some(let theirTree)):
                accepted += 1
                if let m = Support.mismatch(tree, theirTree) {
                    if let why = Self.knownDifference(bytes, ours: ours, theirs: theirs) {
                        known[why, default: 0] += 1
                    } else {
                        Issue.record("seed \(seed) iteration \(iteration): trees differ: \(m) in \(Support.text(bytes).debugDescription)")
                    }
                }
            case (.failure, nil):
                rejected += 1
            default:
                if let why = Self.knownDifference(bytes, ours: ours, theirs: theirs) {
                    known[why, default: 0] += 1
                } else {
                    let ourSide = (try? ours.get()) != nil ? "we accept" : "we reject (\(String(describing: ours)))"
                    Issue.record("seed \(seed) iteration \(iteration): \(ourSide), Foundation: \(Support.foundationError(bytes)): \(Support.text(bytes).debugDescription)")
                }
            }
        }
        return (accepted, rejected, known)
    }

    /// Random sequences of JSON tokens and near-tokens: stresses the grammar boundaries
    /// (commas, colons, nesting, literals, number shapes) far more densely than mutation.
    @Test("token soup: acceptance matches Foundation")
    func tokenSoup() throws {
        let stats = Self.tokenSoupFuzz(seed: 0x5009, iterations: 30_000)
        print("token soup: \(stats.accepted) accepted by both, known differences \(stats.known)")
        #expect(stats.accepted > 1000)
    }

    static func tokenSoupFuzz(seed: UInt64, iterations: Int) -> (accepted: Int, known: [String: Int]) {
        var rng = Support.SplitMix64(seed: seed)
        let tokens = [
            "{", "}", "[", "]", ",", ":", "\"a\"", "\"\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"",
            "\"\\x\"", "\"\\u12\"", "0", "-0", "1", "-", "01", "1.", ".5", "1.5", "1e5", "1E-5", "1e+", "+1",
            "2.5e308", "1e-400", "true", "false", "null", "nul", "True", "NaN", "Infinity", "-Infinity",
            " ", "\t", "\n", "\r", "\u{0C}", "\u{A0}", "é", "\"é\"", "\"\u{01}\"", "\"\u{7F}\"", "/", "//",
            "\u{FEFF}", "\"\u{FEFF}\"", "\"\\\"", "\"",
        ]
        var accepted = 0
        var known: [String: Int] = [:]
        for iteration in 0..<iterations {
            var s = ""
            for _ in 0..<(1 + Int(rng.next() % 12)) { s += tokens[Int(rng.next() % UInt64(tokens.count))] }
            let bytes = Array(s.utf8)
            let ours = Result { () throws(JSONParseError) in try JSONReader.parse(bytes) }
            let theirs = Support.foundationParse(bytes)
            switch (ours, theirs) {
            case (.success(let tree), .some(let theirTree)):
                accepted += 1
                if let m = Support.mismatch(tree, theirTree) {
                    Issue.record("seed \(seed) iteration \(iteration) \(s.debugDescription): \(m)")
                }
            case (.failure, nil):
                break
            default:
                if let why = Self.knownDifference(bytes, ours: ours, theirs: theirs) {
                    known[why, default: 0] += 1
                } else {
                    Issue.record("seed \(seed) iteration \(iteration): disagreement on \(s.debugDescription): ours \(ours), Foundation: \(Support.foundationError(bytes))")
                }
            }
        }
        return (accepted, known)
    }

    // MARK: - Documented differences, pinned

    @Test("documented differences from Foundation on Linux")
    func knownFoundationDifferences() throws {
        // 1. Trailing commas.
        #expect(Support.foundationParse(Array("[1,]".utf8)) != nil)
        #expect(Support.foundationParse(Array(#"{"a":1,}"#.utf8)) != nil)
        #expect(throws: JSONParseError.self) { try JSONReader.parse("[1,]") }
        #expect(throws: JSONParseError.self) { try JSONReader.parse(#"{"a":1,}"#) }
        // 2. Lone surrogate escapes.
        #expect(Support.foundationParse(Array(#""\ud800""#.utf8)) == nil)
        #expect(Support.foundationParse(Array(#""\udc00x""#.utf8)) == nil)
        #expect(try JSONReader.parse(#""\ud800""#) == .string("\u{FFFD}"))
        #expect(try JSONReader.parse(#""\udc00x""#) == .string("\u{FFFD}x"))
        // 3. Out-of-range numbers.
        #expect(Support.foundationParse(Array("1e400".utf8)) == nil)
        #expect(try JSONReader.parse("1e400").numberValue?.doubleValue == .infinity)
        #expect(try JSONReader.parse("-1e400").numberValue?.doubleValue == -.infinity)
        #expect(Support.foundationParse(Array("1e-400".utf8)) != nil)
        #expect(try JSONReader.parse("1e-400").numberValue?.doubleValue == 0)
        // 4. Depth.
        let deep = Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8)
        #expect(Support.foundationParse(deep) != nil)
        #expect(throws: JSONParseError.self) { try JSONReader.parse(deep) }
        // 5. UTF-16 input.
        let utf16: [UInt8] = [0x5B, 0x00, 0x31, 0x00, 0x5D, 0x00]  // "[1]" in UTF-16LE
        #expect(Support.foundationParse(utf16) != nil)
        #expect(throws: JSONParseError.self) { try JSONReader.parse(utf16) }
        // UTF-8 BOM: both skip it.
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("[1]".utf8)
        #expect(Support.foundationParse(bom) != nil)
        #expect(try JSONReader.parse(bom) == .array([.number(JSONNumber("1")!)]))
        // 6. Canonically equivalent keys.
        let keys = Array("{\"\u{E9}\":1,\"e\u{301}\":2}".utf8)
        let theirs = try #require(Support.foundationParse(keys) as? [String: Any])
        #expect(theirs.count == 1)
        let ours = try #require(try JSONReader.parse(keys).objectValue)
        #expect(ours.count == 2)
        #expect(ours["\u{E9}"] == .number(JSONNumber("1")!))
        #expect(ours["e\u{301}"] == .number(JSONNumber("2")!))
        // 7. Foundation drops a raw U+FEFF at a string start or after an escape.
        #expect(Support.foundationParse(Array("\"\u{FEFF}x\"".utf8)) as? String == "x")
        #expect(Support.foundationParse(Array("\"a\\n\u{FEFF}x\"".utf8)) as? String == "a\nx")
        #expect(Support.foundationParse(Array("\"a\u{FEFF}x\"".utf8)) as? String == "a\u{FEFF}x")
        #expect(try JSONReader.parse("\"\u{FEFF}x\"").stringValue.map(Support.scalarKey) == [0xFEFF, 0x78])
        #expect(try JSONReader.parse("\"a\\n\u{FEFF}x\"").stringValue.map(Support.scalarKey) == [0x61, 0x0A, 0xFEFF, 0x78])
    }

    // MARK: - Helpers for classifying disagreements

    /// Drops every comma that is followed (after whitespace) by `]` or `}`, outside strings.
    static func removingTrailingCommas(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false
        var i = 0
        while i < b.count {
            let c = b[i]
            if inString {
                out.append(c)
                if c == UInt8(ascii: "\\"), i + 1 < b.count {
                    out.append(b[i + 1])
                    i += 2
                    continue
                }
                if c == UInt8(ascii: "\"") { inString = false }
            } else if c == UInt8(ascii: "\"") {
                inString = true
                out.append(c)
            } else if c == UInt8(ascii: ",") {
                var j = i + 1
                while j < b.count, [0x20, 0x09, 0x0A, 0x0D].contains(b[j]) { j += 1 }
                if j < b.count && (b[j] == UInt8(ascii: "]") || b[j] == UInt8(ascii: "}")) {
                    // skip the comma
                } else {
                    out.append(c)
                }
            } else {
                out.append(c)
            }
            i += 1
        }
        return out
    }

    /// Positions (of the backslash) of `\uXXXX` escapes that are lone surrogates.
    static func loneSurrogateEscapes(_ b: [UInt8]) -> [Int] {
        func hex(_ at: Int) -> UInt32? {
            guard at + 6 <= b.count, b[at] == UInt8(ascii: "\\"), b[at + 1] == UInt8(ascii: "u") else { return nil }
            return UInt32(String(decoding: b[(at + 2)..<(at + 6)], as: UTF8.self), radix: 16)
        }
        var result: [Int] = []
        var i = 0
        while i < b.count {
            guard b[i] == UInt8(ascii: "\\") else { i += 1; continue }
            if let u = hex(i) {
                if (0xD800...0xDBFF).contains(u) {
                    if let low = hex(i + 6), (0xDC00...0xDFFF).contains(low) {
                        i += 12
                        continue
                    }
                    result.append(i)
                } else if (0xDC00...0xDFFF).contains(u) {
                    result.append(i)
                }
                i += 6
            } else {
                i += 2
            }
        }
        return result
    }

    static func hasLoneSurrogateEscape(_ b: [UInt8]) -> Bool { !loneSurrogateEscapes(b).isEmpty }

    static func replacingLoneSurrogates(_ b: [UInt8]) -> [UInt8] {
        var out = b
        for at in loneSurrogateEscapes(b).reversed() {
            out.replaceSubrange(at..<(at + 6), with: Array("\\ufffd".utf8))
        }
        return out
    }

    static func containsInfiniteNumber(_ v: JSONValue) -> Bool {
        switch v {
        case .number(let n): return n.doubleValue!.isInfinite
        case .array(let a): return a.contains(where: containsInfiniteNumber)
        case .object(let o): return o.members.contains { containsInfiniteNumber($0.value) }
        default: return false
        }
    }

    static func hasCanonicallyEquivalentKeys(_ v: JSONValue) -> Bool {
        switch v {
        case .array(let a): return a.contains(where: hasCanonicallyEquivalentKeys)
        case .object(let o):
            let exact = Set(o.members.map { Support.exactKey($0.key) }).count
            let canonical = Set(o.members.map(\.key)).count
            return exact != canonical || o.members.contains { hasCanonicallyEquivalentKeys($0.value) }
        default: return false
        }
    }

    /// Whether swift-corelibs-foundation would treat the input as UTF-16/UTF-32 (BOM, or NUL
    /// among the first four bytes).
    static func foundationMaySniffNonUTF8(_ b: [UInt8]) -> Bool {
        if b.starts(with: [0xFE, 0xFF]) || b.starts(with: [0xFF, 0xFE]) { return true }
        return b.prefix(4).contains(0)
    }
}
