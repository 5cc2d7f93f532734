import Foundation
import Testing
import TrackAPI

@Suite("JSONReader")
struct JSONReaderTests {
    static func num(_ s: String) -> JSONValue { .number(JSONNumber(s)!) }

    static func rejects(_ s: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: JSONParseError.self, "should reject \(s.debugDescription)", sourceLocation: sourceLocation) {
            try JSONReader.parse(s)
        }
    }

    static func error(_ s: String) -> JSONParseError? {
        do {
            _ = try JSONReader.parse(s)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Structure

    @Test func scalarsAtTopLevel() throws {
        #expect(try JSONReader.parse("null") == .null)
        #expect(try JSONReader.parse("true") == .bool(true))
        #expect(try JSONReader.parse("false") == .bool(false))
        #expect(try JSONReader.parse("0") == Self.num("0"))
        #expect(try JSONReader.parse(#""x""#) == .string("x"))
        #expect(try JSONReader.parse(" \t\r\n 12 \n") == Self.num("12"))
    }

    @Test func containers() throws {
        let v = try JSONReader.parse(#" { "a" : [ 1 , { } , [ ] , "s" ] , "b" : { "c" : null } } "#)
        let o = try #require(v.objectValue)
        #expect(o.members.map(\.key) == ["a", "b"])
        #expect(v["a"] == .array([Self.num("1"), .object(JSONObject()), .array([]), .string("s")]))
        #expect(v["b"]?["c"]?.isNull == true)
        #expect(v["missing"] == nil)
    }

    @Test func duplicateKeysKeepOrderAndLookupReturnsLast() throws {
        let v = try JSONReader.parse(#"{"k":1,"x":true,"k":2}"#)
        let o = try #require(v.objectValue)
        #expect(o.count == 3)
        #expect(o.members.map(\.key) == ["k", "x", "k"])
        #expect(o["k"] == Self.num("2"))
        #expect(o["x"] == .bool(true))
    }

    @Test func accessors() throws {
        let v = try JSONReader.parse(#"[{"a":1},[2],"s",3,true,null]"#)
        let a = try #require(v.arrayValue)
        #expect(a[0].objectValue != nil && a[0].arrayValue == nil)
        #expect(a[1].arrayValue?.count == 1)
        #expect(a[2].stringValue == "s" && a[2].numberValue == nil)
        #expect(a[3].numberValue?.int64Value == 3 && a[3].boolValue == nil)
        #expect(a[4].boolValue == true && !a[4].isNull)
        #expect(a[5].isNull && a[5].stringValue == nil)
    }

    @Test func inputForms() throws {
        let text = #"{"a":[1,"é"]}"#
        let expected = try JSONReader.parse(text)
        #expect(try JSONReader.parse(Array(text.utf8)) == expected)
        #expect(try JSONReader.parse(Data(text.utf8)) == expected)
        let padded = Array(("xx" + text + "yy").utf8)
        #expect(try JSONReader.parse(padded[2..<(padded.count - 2)]) == expected)
        #expect(try JSONReader.parse(Array(text.utf8).lazy.map { $0 }) == expected)  // non-contiguous path
        let fromRaw = try Array(text.utf8).withUnsafeBytes { raw in try JSONReader.parse(raw) }
        #expect(fromRaw == expected)
    }

    @Test func depthLimitIs64() throws {
        func nested(_ n: Int) -> String { String(repeating: "[", count: n) + String(repeating: "]", count: n) }
        #expect(JSONReader.maxDepth == 64)
        _ = try JSONReader.parse(nested(64))
        #expect(Self.error(nested(65))?.reason.contains("nesting") == true)
        let objects = String(repeating: #"{"a":"#, count: 64) + "1" + String(repeating: "}", count: 64)
        _ = try JSONReader.parse(objects)
        Self.rejects(String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65))
        // Very deep input must fail cleanly, not overflow the stack.
        Self.rejects(String(repeating: "[", count: 1_000_000))
    }

    @Test("malformed structure", arguments: [
        "", " ", "[", "]", "{", "}", "[1", "[1,", "[1,]", "[,1]", "[1 2]", "{\"a\"}", "{\"a\":}",
        "{\"a\" 1}", "{a:1}", "{\"a\":1,}", "{,}", "{'a':1}", "[1]]", "[1] [2]", "1 2", "{\"a\":1}}",
        "tru", "truee", "nul", "NULL", "True", "fals", "falsey", "[true false]", "1\u{FEFF}", "[\u{FEFF}1]",
        "1\u{0C}", "\u{A0}1", "[1]\u{0}", "// c\n1", "/* c */1", "[1]x",
    ])
    func malformedStructure(_ s: String) {
        Self.rejects(s)
    }

    @Test func whitespaceIsOnlySpaceTabLfCr() throws {
        #expect(try JSONReader.parse("\u{20}\u{09}\u{0A}\u{0D}[\u{20}\u{09}\u{0A}\u{0D}]\u{20}\u{09}\u{0A}\u{0D}") == .array([]))
        for ws in ["\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{2028}", "\u{3000}"] {
            Self.rejects("[" + ws + "1]")
        }
    }

    @Test func utf8BOMIsSkippedOnlyAtStart() throws {
        #expect(try JSONReader.parse([0xEF, 0xBB, 0xBF, 0x31]) == Self.num("1"))
        #expect(throws: JSONParseError.self) { try JSONReader.parse([0x31, 0xEF, 0xBB, 0xBF]) }
        #expect(throws: JSONParseError.self) { try JSONReader.parse([0xEF, 0xBB, 0xBF]) }
    }

    @Test func errorOffsetsPointAtTheProblem() {
        #expect(Self.error("[1,2,x]")?.offset == 5)
        #expect(Self.error("  ")?.offset == 2)
        #expect(Self.error(#"{"a":1 "b":2}"#)?.offset == 7)
        #expect(Self.error("[01]")?.offset == 1)
        #expect(Self.error("\"ab\u{1}\"")?.offset == 3)
        #expect(Self.error("1 x")?.offset == 2)
        let utf8Error = #expect(throws: JSONParseError.self) { try JSONReader.parse([0x22, 0x61, 0xFF, 0x22]) }
        #expect(utf8Error?.offset == 2)
    }

    // MARK: - Numbers

    @Test("valid numbers", arguments: [
        "0", "-0", "1", "-1", "12345", "0.5", "-0.5", "10.25", "1e5", "1E5", "1e+5", "1e-5", "1.5e3",
        "-1.5E-3", "0e0", "0.0e-0", "1e007", "9223372036854775807", "-9223372036854775808",
        "123456789012345678901234567890", "1e400", "1e-400", "0.000000000000000000000000000001",
    ])
    func validNumbers(_ s: String) throws {
        let v = try JSONReader.parse(s)
        #expect(v.numberValue?.text == s)
        #expect(v.numberValue?.doubleValue == Double(s))
    }

    @Test("invalid numbers", arguments: [
        "01", "-01", "00", "+1", ".5", "-.5", "1.", "1.e5", "1e", "1e+", "1E-", "-", "--1", "0x10",
        "1_000", "NaN", "nan", "Infinity", "-Infinity", "+Infinity", "inf", "1.5.5", "1e5e5", "0.1e", "1ee5",
        "[NaN]", "[-Infinity]", "{\"v\":Infinity}", "١",
    ])
    func invalidNumbers(_ s: String) {
        Self.rejects(s)
    }

    @Test func int64Value() throws {
        func i(_ s: String) -> Int64? { JSONNumber(s)!.int64Value }
        #expect(i("0") == 0)
        #expect(i("-0") == 0)
        #expect(i("1700000000002") == 1_700_000_000_002)
        #expect(i("9223372036854775807") == .max)
        #expect(i("-9223372036854775808") == .min)
        #expect(i("9223372036854775808") == nil)
        #expect(i("-9223372036854775809") == nil)
        #expect(i("99999999999999999999999") == nil)
        #expect(i("7.0") == 7)
        #expect(i("-7.000") == -7)
        #expect(i("1.0e12") == 1_000_000_000_000)
        #expect(i("1e18") == 1_000_000_000_000_000_000)
        #expect(i("1e19") == nil)
        #expect(i("9.223372036854775807e18") == .max)
        #expect(i("-9.223372036854775808e18") == .min)
        #expect(i("9.223372036854775808e18") == nil)
        #expect(i("200e-2") == 2)
        #expect(i("250e-2") == nil)
        #expect(i("25e-1") == nil)
        #expect(i("25e1") == 250)
        #expect(i("1.5") == nil)
        #expect(i("0.5") == nil)
        #expect(i("0e999999999999999999") == 0)
        #expect(i("1e999999999999999999") == nil)
        #expect(i("1e-999999999999999999") == nil)
        #expect(i("100000000000000000000e-2") == 1_000_000_000_000_000_000)
        #expect(i("0.0000000000000000000000000000001e31") == 1)
        #expect(i("1" + String(repeating: "0", count: 400) + "e-400") == 1)
    }

    @Test func doubleValueIsCorrectlyRounded() throws {
        let cases = [
            "0.1", "0.123456789", "0.12345678901234568", "1.7976931348623157e308", "2.2250738585072014e-308",
            "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "9007199254740993",
            "9007199254740992.5", "1e22", "1e23", "123456789012345678e-10", "0.30000000000000004",
            "-0.0", "-0", "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124", "7.0e-10", "8.41e21", "5e-324",
        ]
        for s in cases {
            let d = try #require(JSONNumber(s)?.doubleValue)
            #expect(d.bitPattern == Double(s)!.bitPattern, "\(s)")
        }
        // Random literals (all code paths of the fast parser) against the standard library.
        var rng = JSONTestSupport.SplitMix64(seed: 42)
        for _ in 0..<50_000 {
            var s = rng.next() % 2 == 0 ? "-" : ""
            s += String(rng.next() % 100_000_000_000_000_000)
            if rng.next() % 2 == 0 { s += "." + String(rng.next() % 1_000_000_000) }
            if rng.next() % 2 == 0 { s += "e" + String(Int(rng.next() % 80) - 40) }
            let d = try #require(JSONNumber(s)?.doubleValue, "\(s)")
            #expect(d.bitPattern == Double(s)!.bitPattern, "\(s)")
        }
    }

    /// The fast conversion paths (exact small cases, Eisel-Lemire) against the standard
    /// library's correctly rounded parser, on the inputs most likely to expose rounding errors.
    @Test func doubleValueHardCases() throws {
        func check(_ s: String, sourceLocation: SourceLocation = #_sourceLocation) {
            guard let d = JSONNumber(s)?.doubleValue else {
                Issue.record("no value for \(s)", sourceLocation: sourceLocation)
                return
            }
            let expected = Double(s)!
            if d.bitPattern != expected.bitPattern {
                Issue.record("\(s): \(d) vs \(expected)", sourceLocation: sourceLocation)
            }
        }
        var rng = JSONTestSupport.SplitMix64(seed: 0xE15E1)
        // 19-digit significands across the whole exponent range (and beyond it).
        for _ in 0..<40_000 {
            let w = rng.next() % 10_000_000_000_000_000_000
            let e = Int(rng.next() % 700) - 360
            check("\(w)e\(e)")
            check("-\(w / 1000).\(w % 1000)e\(e)")
        }
        // Shortest representations of random doubles, and their neighbours' midpoints.
        for _ in 0..<40_000 {
            var d: Double
            repeat { d = Double(bitPattern: rng.next()) } while !d.isFinite
            check(d.description)
            let mid = (Float80(d) + Float80(d.nextUp)) / 2  // exact halfway point
            check(String(describing: mid))
            // Slightly above and below the halfway point, through 17 to 19 digits.
            for digits in [17, 18, 19] {
                let text = String(format: "%.\(digits - 1)Le", mid)
                check(text)
            }
        }
        // Exact halfway cases with short significands (round-half-even territory).
        for s in [
            "9007199254740993", "9007199254740995", "9007199254740997", "18014398509481986",
            "18014398509481990", "2.5", "0.5", "1.5e-1", "4503599627370497.5", "4503599627370496.5",
            "1e23", "8.98846567431158e307", "1.7976931348623157e308", "1.7976931348623158e308",
            "1.7976931348623159e308", "2.2250738585072011e-308", "2.2250738585072012e-308",
            "2.2250738585072014e-308", "4.9406564584124654e-324", "2.4703282292062327e-324",
            "1e-324", "1e-323", "1e308", "1e309", "123456789012345678e-30", "9999999999999999999e-340",
            "9999999999999999999e290", "1e-342", "1e-343", "9223372036854775807e-20",
            "7.2057594037927933e16", "3.0517578125e-5", "1.00000000000000011102230246251565404236316680908203125",
            // Significands of 20+ digits whose low 64 bits are zero (2^64, 2^65, 10^20...).
            "18446744073709551616", "-18446744073709551616", "36893488147419103232", "18446744073709551616.5",
            "18446744073709551616e-5", "100000000000000000000", "0.100000000000000000000", "0.0000000000000000000001",
            "340282366920938463463374607431768211456", "1844674407370955161600e-2",
        ] {
            check(s)
        }
        // Long significands (20-40 digits), with and without fraction and exponent.
        for _ in 0..<20_000 {
            var s = String(1 + rng.next() % 9)
            for _ in 0..<(19 + Int(rng.next() % 21)) { s += String(rng.next() % 10) }
            if rng.next() % 2 == 0 {
                let cut = 1 + Int(rng.next() % UInt64(s.count - 1))
                s.insert(".", at: s.index(s.startIndex, offsetBy: cut))
            }
            if rng.next() % 2 == 0 { s += "e\(Int(rng.next() % 600) - 300)" }
            check(s)
            check("0.000" + s.filter { $0 != "." })
        }
    }

    @Test func numberInitialisers() {
        #expect(JSONNumber("1.5")?.text == "1.5")
        #expect(JSONNumber("01") == nil)
        #expect(JSONNumber(" 1") == nil)
        #expect(JSONNumber("") == nil)
        #expect(JSONNumber(Int64.min).text == "-9223372036854775808")
        #expect(JSONNumber(0.1)?.text == "0.1")
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(-Double.infinity) == nil)
        #expect(JSONNumber("1.0") != JSONNumber("1"))  // literal equality
    }

    // MARK: - Strings

    @Test func escapes() throws {
        #expect(try JSONReader.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try JSONReader.parse(#""\u0041\u00e9\u00E9\u4e2d\u0000\u001f""#) == .string("Aéé中\u{0}\u{1F}"))
        #expect(try JSONReader.parse(#""a\nb""#) == .string("a\nb"))
        #expect(try JSONReader.parse(#""\\u0041""#) == .string("\\u0041"))
        #expect(try JSONReader.parse(#"{"k\u0065y":1}"#)["key"] == Self.num("1"))
    }

    @Test func surrogatePairs() throws {
        #expect(try JSONReader.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONReader.parse(#""\uD834\uDD1E""#) == .string("𝄞"))
        #expect(try JSONReader.parse(#""\udbff\udfff""#) == .string("\u{10FFFF}"))
        #expect(try JSONReader.parse(#""x\ud800\udc00y""#) == .string("x\u{10000}y"))
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        #expect(try JSONReader.parse(#""\ud800""#) == .string("\u{FFFD}"))
        #expect(try JSONReader.parse(#""\udfff""#) == .string("\u{FFFD}"))
        #expect(try JSONReader.parse(#""\ud800x""#) == .string("\u{FFFD}x"))
        #expect(try JSONReader.parse(#""\ud800\u0041""#) == .string("\u{FFFD}A"))
        #expect(try JSONReader.parse(#""\ud800\ud800\udc00""#) == .string("\u{FFFD}\u{10000}"))
        #expect(try JSONReader.parse(#""\udc00\ud800""#) == .string("\u{FFFD}\u{FFFD}"))
        #expect(try JSONReader.parse(#""\ud800\n""#) == .string("\u{FFFD}\n"))
        // The same as Swift's own decoding of ill-formed UTF-16.
        #expect(String(decoding: [0xD800, 0x41] as [UInt16], as: UTF16.self) == "\u{FFFD}A")
    }

    @Test("invalid escapes", arguments: [
        #""\x""#, #""\u""#, #""\u12""#, #""\u12g4""#, #""\U0041""#, #""\'""#, #""\a""#, #""\0""#,
        #""\ud800\u12""#, #""\ud800\uzzzz""#, "\"\\", "\"\\\"", #""\u00""#,
    ])
    func invalidEscapes(_ s: String) {
        Self.rejects(s)
    }

    @Test func unicodePassesThrough() throws {
        for s in ["é", "中文", "😀", "👩‍👩‍👧", "e\u{301}", "\u{FEFF}", "\u{FFFF}", "\u{10FFFF}", "\u{7F}", "\u{2028}"] {
            let v = try JSONReader.parse("\"" + s + "\"")
            #expect(v.stringValue.map(JSONTestSupport.scalarKey) == JSONTestSupport.scalarKey(s))
        }
        let long = String(repeating: "abc😀é", count: 1000)
        #expect(try JSONReader.parse("\"" + long + "\"") == .string(long))
        #expect(try JSONReader.parse("\"" + long + "\\n" + long + "\"") == .string(long + "\n" + long))
    }

    @Test func controlCharactersMustBeEscaped() throws {
        for c in UInt8(0)..<0x20 {
            #expect(throws: JSONParseError.self) { try JSONReader.parse([0x22, c, 0x22]) }
            #expect(throws: JSONParseError.self) { try JSONReader.parse([0x22, 0x5C, 0x6E, c, 0x22]) }
        }
        #expect(try JSONReader.parse([0x22, 0x7F, 0x22]) == .string("\u{7F}"))
    }

    @Test("invalid UTF-8 is rejected", arguments: [
        [0x80], [0xBF], [0xC0, 0xAF], [0xC1, 0xBF], [0xC3], [0xC3, 0x28], [0xE0, 0x80, 0xAF],
        [0xE0, 0x9F, 0xBF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0xAF],
        [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
        [0xFE], [0xFF], [0xF0, 0x9F, 0x98], [0xF0, 0x9F, 0x98, 0x41],
    ] as [[UInt8]])
    func invalidUTF8(_ seq: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONReader.parse([0x22] + seq + [0x22]) }
        #expect(throws: JSONParseError.self) { try JSONReader.parse([0x22, 0x5C, 0x6E] + seq + [0x22]) }
        #expect(JSONTestSupport.foundationParse([0x22] + seq + [0x22]) == nil)
    }

    @Test func validUTF8Boundaries() throws {
        let seqs: [[UInt8]] = [
            [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xEC, 0xBF, 0xBF], [0xED, 0x9F, 0xBF],
            [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF3, 0xBF, 0xBF, 0xBF],
            [0xF4, 0x8F, 0xBF, 0xBF],
        ]
        for seq in seqs {
            let v = try JSONReader.parse([0x22] + seq + [0x22])
            #expect(Array(try #require(v.stringValue).utf8) == seq)
        }
    }

    @Test func invalidUTF8OutsideStringsIsRejected() {
        #expect(throws: JSONParseError.self) { try JSONReader.parse([0x5B, 0xC3, 0xA9, 0x5D]) }
        #expect(throws: JSONParseError.self) { try JSONReader.parse([0x31, 0xFF]) }
    }

    @Test func unterminatedStrings() {
        for s in ["\"", "\"abc", "\"abc\\\"", "\"é", "[\"a", "{\"a", "{\"a\":\"b"] { Self.rejects(s) }
    }

    // MARK: - MLflow shapes

    @Test func logBatchBody() throws {
        var body = #"{"run_id":"abc123","metrics":["#
        for k in 0..<1000 {
            if k > 0 { body += "," }
            body += #"{"key":"loss","value":0.123456789,"timestamp":\#(1_700_000_000_000 + k),"step":\#(k)}"#
        }
        body += #"],"params":[],"tags":[]}"#
        let v = try JSONReader.parse(body)
        let metrics = try #require(v["metrics"]?.arrayValue)
        #expect(metrics.count == 1000)
        for (k, m) in metrics.enumerated() {
            #expect(m["key"]?.stringValue == "loss")
            #expect(m["value"]?.numberValue?.doubleValue == 0.123456789)
            #expect(m["timestamp"]?.numberValue?.int64Value == 1_700_000_000_000 + Int64(k))
            #expect(m["step"]?.numberValue?.int64Value == Int64(k))
        }
        #expect(v["run_id"]?.stringValue == "abc123")
    }

    @Test func parseErrorDescription() {
        let e = JSONParseError(offset: 3, reason: "bad")
        #expect(e.description == "invalid JSON at byte 3: bad")
        #expect(e == JSONParseError(offset: 3, reason: "bad"))
    }
}
