import Testing
import TrackCore

// Expected texts are what Python 3.11's `repr(float)` and `json.dumps` wrote for the same values.

@Suite("Python's JSON format")
struct PythonJSONTests {
    static let floats: [(UInt64, String)] = [
        (0x0000_0000_0000_0000, "0.0"), (0x8000_0000_0000_0000, "-0.0"), ((1.0 as Double).bitPattern, "1.0"),
        ((0.1 as Double).bitPattern, "0.1"), ((1e-4 as Double).bitPattern, "0.0001"), ((1e-5 as Double).bitPattern, "1e-05"),
        ((0.00012345 as Double).bitPattern, "0.00012345"), ((123456789.125 as Double).bitPattern, "123456789.125"),
        ((1e15 as Double).bitPattern, "1000000000000000.0"), ((1e16 as Double).bitPattern, "1e+16"),
        ((1.5e16 as Double).bitPattern, "1.5e+16"), ((9.5e15 as Double).bitPattern, "9500000000000000.0"),
        ((9007199254740992.0 as Double).bitPattern, "9007199254740992.0"), (0x0000_0000_0000_0001, "5e-324"),
        (Double.greatestFiniteMagnitude.bitPattern, "1.7976931348623157e+308"), ((1e22 as Double).bitPattern, "1e+22"),
        ((123.0 as Double).bitPattern, "123.0"), ((-2.5e-7 as Double).bitPattern, "-2.5e-07"),
        (((1.0 as Double) / 3).bitPattern, "0.3333333333333333"), ((100.0 as Double).bitPattern, "100.0"),
        ((1e100 as Double).bitPattern, "1e+100"), ((12345678901234567890.0 as Double).bitPattern, "1.2345678901234567e+19"),
        (Double.nan.bitPattern, "NaN"), (Double.infinity.bitPattern, "Infinity"), ((-Double.infinity).bitPattern, "-Infinity"),
    ]

    @Test(arguments: floats)
    func floatsAsPythonWritesThem(_ bits: UInt64, _ expected: String) {
        #expect(PythonJSON.float(Double(bitPattern: bits)) == expected)
    }

    @Test func stringsAreASCIIWithPythonsEscapes() {
        #expect(PythonJSON.string("caf\u{E9} \u{1F600} \u{7F} tab\t \"q\" \\ \u{1}\n") == #""caf\u00e9 \ud83d\ude00 \u007f tab\t \"q\" \\ \u0001\n""#)
    }

    @Test func appendingExtendsAListOrStartsOne() {
        #expect(PythonJSON.appending("{\"a\": 1}", toList: nil) == "[{\"a\": 1}]")
        #expect(PythonJSON.appending("{\"a\": 1}", toList: "[]") == "[{\"a\": 1}]")
        #expect(PythonJSON.appending("{\"a\": 2}", toList: "[{\"a\": 1}]") == "[{\"a\": 1}, {\"a\": 2}]")
        #expect(PythonJSON.appending("2", toList: " [ 1 ] ") == "[2]", "text that is not a list is replaced")
        #expect(PythonJSON.appending("2", toList: "[ 1 ]") == "[1, 2]")
        #expect(PythonJSON.appending("1", toList: "not a list") == "[1]")
    }
}
