import Foundation
import Testing
import TrackAPI

@Suite("JSONWriter")
struct JSONWriterTests {
    static func text(_ build: (inout JSONWriter) -> Void) -> String {
        var w = JSONWriter()
        build(&w)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    @Test func commasAreAutomatic() {
        let s = Self.text { w in
            w.beginObject()
            w.key("a"); w.int(1)
            w.key("b"); w.beginArray(); w.int(1); w.string("x"); w.beginObject(); w.endObject(); w.beginArray(); w.endArray(); w.null(); w.endArray()
            w.key("c"); w.beginObject(); w.key("d"); w.bool(true); w.key("e"); w.bool(false); w.endObject()
            w.key(String("dyn")); w.double(0.5)
            w.endObject()
        }
        #expect(s == #"{"a":1,"b":[1,"x",{},[],null],"c":{"d":true,"e":false},"dyn":0.5}"#)
    }

    @Test func emptyContainers() {
        #expect(Self.text { $0.beginObject(); $0.endObject() } == "{}")
        #expect(Self.text { $0.beginArray(); $0.endArray() } == "[]")
        #expect(Self.text { $0.beginArray(); $0.beginArray(); $0.endArray(); $0.beginArray(); $0.endArray(); $0.endArray() } == "[[],[]]")
    }

    @Test func stringEscaping() throws {
        #expect(Self.text { $0.string("plain") } == #""plain""#)
        #expect(Self.text { $0.string("q\"b\\s/") } == #""q\"b\\s/""#)
        #expect(Self.text { $0.string("\n\t\r\u{8}\u{C}") } == #""\n\t\r\b\f""#)
        #expect(Self.text { $0.string("\u{0}\u{1}\u{1F}\u{7F}") } == "\"\\u0000\\u0001\\u001f\u{7F}\"")
        #expect(Self.text { $0.string("é中😀\u{2028}") } == "\"é中😀\u{2028}\"")
        #expect(Self.text { $0.string("") } == #""""#)
        // Every control character round-trips.
        let all = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self)
        var w = JSONWriter()
        w.string(all)
        #expect(try JSONReader.parse(w.bytes) == .string(all))
        #expect(JSONTestSupport.foundationParse(w.bytes) as? String == all)
    }

    @Test func stringLengthsAroundTheShortPath() throws {
        for n in 0...70 {
            for special in ["", "\"", "\\", "\n", "\u{1}", "é", "😀"] {
                let s = String(repeating: "a", count: n) + special + String(repeating: "b", count: n % 7)
                var w = JSONWriter()
                w.beginArray(); w.string(s); w.beginObject(); w.key(s); w.string(s); w.endObject(); w.endArray()
                let v = try JSONReader.parse(w.bytes)
                #expect(v == .array([.string(s), .object(JSONObject([(s, .string(s))]))]), "n=\(n) \(special.debugDescription)")
            }
        }
    }

    @Test func keysAreEscaped() throws {
        let dynamic = "we\"ird\\\n😀"
        var w = JSONWriter()
        w.beginObject()
        w.key(dynamic); w.int(1)
        w.key("lit\"eral"); w.int(2)  // StaticString overload still escapes
        w.endObject()
        let v = try JSONReader.parse(w.bytes)
        #expect(v[dynamic] == .number(JSONNumber(1)))
        #expect(v["lit\"eral"] == .number(JSONNumber(2)))
    }

    @Test func staticStringKeyWithNonASCIIAndScalarRepresentation() throws {
        var w = JSONWriter()
        w.beginObject()
        w.key("ключ"); w.int(1)
        let scalarKey: StaticString = "é"  // may use the unicode-scalar representation
        w.key(scalarKey); w.int(2)
        w.endObject()
        let v = try JSONReader.parse(w.bytes)
        #expect(v["ключ"]?.numberValue?.int64Value == 1)
        #expect(v["é"]?.numberValue?.int64Value == 2)
    }

    @Test func integers() throws {
        let values: [Int64] = [0, 1, -1, 9, 10, 99, 100, -100, 12345, 1_700_000_000_000, .max, .min, .max - 1, .min + 1]
        for v in values {
            #expect(Self.text { $0.int(v) } == String(v))
        }
        // Digit-count boundaries: 10^k - 1, 10^k, 10^k + 1 and 2^k - 1, 2^k, both signs.
        var boundaries: [Int64] = []
        var p: Int64 = 1
        for _ in 0..<19 {
            boundaries += [p - 1, p, p + 1]
            p = p.multipliedReportingOverflow(by: 10).partialValue
        }
        for k in 0..<63 { boundaries += [(Int64(1) << k) - 1, Int64(1) << k] }
        for v in boundaries {
            #expect(Self.text { $0.int(v) } == String(v))
            #expect(Self.text { $0.int(-v) } == String(-v))
        }
        var rng = JSONTestSupport.SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let v = Int64(bitPattern: rng.next()) >> (rng.next() % 64)
            let s = Self.text { $0.int(v) }
            #expect(s == String(v))
        }
    }

    @Test func nonFiniteDoublesAreQuotedStrings() throws {
        #expect(Self.text { $0.double(.nan) } == #""NaN""#)
        #expect(Self.text { $0.double(-.nan) } == #""NaN""#)
        #expect(Self.text { $0.double(.signalingNaN) } == #""NaN""#)
        #expect(Self.text { $0.double(.infinity) } == #""Infinity""#)
        #expect(Self.text { $0.double(-.infinity) } == #""-Infinity""#)
        let s = Self.text { w in
            w.beginArray(); w.double(.nan); w.double(.infinity); w.double(-.infinity); w.double(1); w.endArray()
        }
        #expect(s == #"["NaN","Infinity","-Infinity",1.0]"#)
        #expect(try JSONReader.parse(s).arrayValue?.count == 4)
    }

    @Test func finiteDoubles() throws {
        #expect(Self.text { $0.double(0.1) } == "0.1")
        #expect(Self.text { $0.double(7) } == "7.0")
        #expect(Self.text { $0.double(-0.0) } == "-0.0")
        #expect(Self.text { $0.double(0) } == "0.0")
        #expect(Self.text { $0.double(1e-5) } == "1e-05")
        #expect(Self.text { $0.double(1e300) } == "1e+300")
        #expect(Self.text { $0.double(.leastNonzeroMagnitude) } == "5e-324")
        #expect(Self.text { $0.double(.greatestFiniteMagnitude) } == "1.7976931348623157e+308")
        let negZero = try #require(try JSONReader.parse(Self.text { $0.double(-0.0) }).numberValue?.doubleValue)
        #expect(negZero == 0 && negZero.sign == .minus)
    }

    @Test func doublesRoundTripBitExactly() throws {
        var rng = JSONTestSupport.SplitMix64(seed: 0xD0B1E)
        var checked = 0
        while checked < 100_000 {
            // Alternate raw bit patterns (all exponents, subnormals) with "ordinary" values.
            let d = checked % 2 == 0
                ? Double(bitPattern: rng.next())
                : Double(Int64(bitPattern: rng.next()) >> 20) / Double(1 << (rng.next() % 40))
            guard d.isFinite else { continue }
            checked += 1
            var w = JSONWriter()
            w.double(d)
            let n = try #require(try JSONReader.parse(w.bytes).numberValue)
            let back = try #require(n.doubleValue)
            if back.bitPattern != d.bitPattern {
                Issue.record("\(d) wrote \(n.text), read back \(back)")
            }
            #expect(n.text == d.description)
        }
    }

    @Test func valueWritesWholeTrees() throws {
        let tree = try JSONReader.parse(#"{"a":[1,-2.5e3,"x\u00e9\n",true,false,null],"a":{},"b":{"c":[[]]}}"#)
        var w = JSONWriter()
        w.value(tree)
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"a":[1,-2.5e3,"xé\n",true,false,null],"a":{},"b":{"c":[[]]}}"#)
        #expect(try JSONReader.parse(w.bytes) == tree)
        // Values nested inside hand-written structure get commas too.
        var w2 = JSONWriter()
        w2.beginArray(); w2.value(tree["b"]!); w2.value(.null); w2.value(.number(JSONNumber("1e5")!)); w2.endArray()
        #expect(String(decoding: w2.bytes, as: UTF8.self) == #"[{"c":[[]]},null,1e5]"#)
    }

    @Test func rawFragments() throws {
        var w = JSONWriter()
        w.beginObject()
        w.key("pre"); w.raw(Array(#"{"x":[1,2]}"#.utf8))
        w.key("n"); w.raw("42".utf8)
        w.endObject()
        w.bytes.withUnsafeBytes { _ in }
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"pre":{"x":[1,2]},"n":42}"#)
        var a = JSONWriter()
        a.beginArray(); a.raw("1".utf8); a.raw("2".utf8); a.endArray()
        #expect(String(decoding: a.bytes, as: UTF8.self) == "[1,2]")
    }

    @Test func resetReusesTheWriter() {
        var w = JSONWriter(capacity: 16)
        w.beginArray(); w.int(1); w.endArray()
        w.reset()
        #expect(w.bytes.isEmpty)
        w.int(2)
        #expect(String(decoding: w.bytes, as: UTF8.self) == "2")
    }

    @Test func metricHistoryShape() throws {
        var w = JSONWriter(capacity: 1 << 16)
        w.beginObject()
        w.key("metrics")
        w.beginArray()
        for k in 0..<500 {
            w.beginObject()
            w.key("key"); w.string("loss")
            w.key("value"); w.double(k == 3 ? .nan : 1.0 / Double(k + 1))
            w.key("timestamp"); w.int(1_700_000_000_000 + Int64(k))
            w.key("step"); w.int(Int64(k))
            w.endObject()
        }
        w.endArray()
        w.endObject()
        let v = try JSONReader.parse(w.bytes)
        let metrics = try #require(v["metrics"]?.arrayValue)
        #expect(metrics.count == 500)
        #expect(metrics[3]["value"] == .string("NaN"))
        #expect(metrics[4]["value"]?.numberValue?.doubleValue == 0.2)
        #expect(metrics[499]["timestamp"]?.numberValue?.int64Value == 1_700_000_000_499)
        let foundation = try #require(JSONTestSupport.foundationParse(w.bytes))
        #expect(JSONTestSupport.mismatch(v, foundation) == nil)
    }
}
