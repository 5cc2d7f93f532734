import Testing
@testable import TrackCore

private func clause(_ entity: SearchEntity, _ key: String, _ comparator: SearchComparator, _ value: SearchValue) -> SearchClause {
    SearchClause(entity: entity, key: key, comparator: comparator, value: value)
}

@Suite("Logged model search filter")
struct LoggedModelFilterParserTests {
    @Test func recordedAndDocumentedFilters() throws {
        // What the client sends to resolve `runs:/<run>/<name>` (recorded).
        #expect(try LoggedModelFilterParser.parse("name = 'echo'") == [clause(.attribute, "name", .equal, .string("echo"))])
        #expect(try LoggedModelFilterParser.parse("metrics.accuracy > 0.9 AND params.lr = '0.01' AND tags.`my tag` LIKE 'a%'") == [
            clause(.metric, "accuracy", .greater, .number(0.9)),
            clause(.param, "lr", .equal, .string("0.01")),
            clause(.tag, "my tag", .like, .string("a%")),
        ])
        #expect(try LoggedModelFilterParser.parse("attributes.creation_time >= 1700000000000") == [
            clause(.attribute, "creation_timestamp", .greaterOrEqual, .number(1_700_000_000_000)),
        ])
        #expect(try LoggedModelFilterParser.parse("status IN ('READY', 'LOGGED_MODEL_PENDING')") == [
            clause(.attribute, "status", .in, .list(["READY", "LOGGED_MODEL_PENDING"])),
        ])
        #expect(try LoggedModelFilterParser.parse("  ") == [])
    }

    @Test(arguments: [
        ("metrics.acc LIKE '1'", "Invalid comparison operator for metrics.acc: 'LIKE'. Expected one of ('<', '<=', '>', '>=', '=', '!=')."),
        ("name > 'a'", "Invalid comparison operator for name: '>'. Expected one of ('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN')."),
        ("runs.x = 'y'", "Invalid entity type: 'runs'. Expected one of ['attributes', 'metrics', 'params', 'tags']."),
        ("bogus = 'x'", "Invalid logged model search key 'bogus'"),
        ("metrics.acc > 'high'", "Expected a numeric value for metrics.acc. Got value 'high'"),
        ("name = ('a', 'b')", "Expected a quoted string value for name. Got value ('a', 'b')"),
    ])
    func invalidFiltersSayWhy(_ filter: String, _ message: String) {
        #expect(throws: TrackError.invalidParameter(message)) { try LoggedModelFilterParser.parse(filter) }
    }

    @Test func orderByFields() throws {
        #expect(try LoggedModelFilterParser.parseOrderBy(fieldName: "creation_time", ascending: false, datasetName: nil, datasetDigest: nil)
            == LoggedModelOrder(entity: .attribute, key: "creation_timestamp", ascending: false))
        #expect(try LoggedModelFilterParser.parseOrderBy(fieldName: "metrics.a.b", ascending: true, datasetName: "eval", datasetDigest: nil)
            == LoggedModelOrder(entity: .metric, key: "a.b", ascending: true, datasetName: "eval"))
        #expect(throws: TrackError.invalidParameter("Invalid order by field name: params.x. Only metrics are supported.")) {
            try LoggedModelFilterParser.parseOrderBy(fieldName: "params.x", ascending: true, datasetName: nil, datasetDigest: nil)
        }
        #expect(throws: TrackError.invalidParameter("Invalid order by field name: size")) {
            try LoggedModelFilterParser.parseOrderBy(fieldName: "size", ascending: true, datasetName: nil, datasetDigest: nil)
        }
    }

    @Test(arguments: [
        ("abc", "abc", true), ("abc", "ABC", false), ("a%", "abc", true), ("%c", "abc", true), ("a_c", "abc", true),
        ("a_c", "ac", false), ("%b%", "abc", true), ("%x%", "abc", false), ("%", "", true), ("", "", true), ("a%b%c", "aXbYbZc", true),
        ("a%b%c", "aXbYbZ", false), ("%%a", "a", true),
    ])
    func likePatterns(_ pattern: String, _ text: String, _ matches: Bool) {
        #expect(LikePattern(pattern, caseInsensitive: false).matches(text) == matches)
    }

    @Test func ilikeIgnoresCase() {
        #expect(LikePattern("AB%", caseInsensitive: true).matches("abc"))
        #expect(!LikePattern("AB%", caseInsensitive: false).matches("abc"))
    }
}
