import Foundation
import Testing
@testable import TrackCore

// Expected messages below were produced by MLflow 3.17.2's own parser (`SearchUtils` plus the SQL
// store's comparator checks) on the same inputs, except where a case says "ours". Where MLflow
// prints a Python set, its order is arbitrary (hash-seeded); ours is fixed.

/// The error a parse throws, or nil when it succeeds.
func filterParseError<T>(_ body: () throws(TrackError) -> T) -> TrackError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

struct FilterCase: Sendable, CustomTestStringConvertible {
    var filter: String
    var clauses: [SearchClause]
    var testDescription: String { filter }

    init(_ filter: String, _ clauses: [SearchClause]) {
        self.filter = filter
        self.clauses = clauses
    }
}

struct FilterErrorCase: Sendable, CustomTestStringConvertible {
    var filter: String
    var message: String
    var testDescription: String { filter }

    init(_ filter: String, _ message: String) {
        self.filter = filter
        self.message = message
    }
}

struct OrderByCase: Sendable, CustomTestStringConvertible {
    var term: String
    var order: SearchOrder
    var testDescription: String { term }

    init(_ term: String, _ entity: SearchEntity, _ key: String, ascending: Bool) {
        self.term = term
        self.order = SearchOrder(entity: entity, key: key, ascending: ascending)
    }
}

private func clause(_ entity: SearchEntity, _ key: String, _ comparator: SearchComparator, _ value: SearchValue) -> SearchClause {
    SearchClause(entity: entity, key: key, comparator: comparator, value: value)
}

private let runAttributeKeys =
    "{'artifact_uri', 'end_time', 'run_id', 'run_name', 'start_time', 'status', 'user_id', 'created', 'Created', 'run name', 'Run name', 'Run Name'}"
private let runOrderKeys =
    "{'artifact_uri', 'end_time', 'run_id', 'run_name', 'start_time', 'status', 'user_id', 'created', 'Created'}"
private let entities = "['metric', 'parameter', 'tag', 'attribute', 'dataset']"

@Suite("Run search filter")
struct RunFilterParserTests {
    @Test(arguments: ["", " ", "   \t\n  "])
    func blankFilterHasNoClauses(_ filter: String) throws {
        #expect(try RunFilterParser.parse(filter) == [])
    }

    /// The filters the real client sent in the recording.
    @Test func recordedFilters() throws {
        #expect(
            try RunFilterParser.parse(
                "metrics.x > 0.5 and params.y = 'a' and tags.z LIKE '%q%' and attributes.status = 'FINISHED'")
                == [
                    clause(.metric, "x", .greater, .number(0.5)),
                    clause(.param, "y", .equal, .string("a")),
                    clause(.tag, "z", .like, .string("%q%")),
                    clause(.attribute, "status", .equal, .string("FINISHED")),
                ])
        #expect(try RunFilterParser.parse("attributes.run_name = 'sweep-1'") == [clause(.attribute, "run_name", .equal, .string("sweep-1"))])
        #expect(try RunFilterParser.parse("params.y = 'b'") == [clause(.param, "y", .equal, .string("b"))])
    }

    static let valid: [FilterCase] = [
        // Entities and their spellings.
        FilterCase("metric.x > 1", [clause(.metric, "x", .greater, .number(1))]),
        FilterCase("params.p = 'a'", [clause(.param, "p", .equal, .string("a"))]),
        FilterCase("param.p = 'a'", [clause(.param, "p", .equal, .string("a"))]),
        FilterCase("parameter.p = 'a'", [clause(.param, "p", .equal, .string("a"))]),
        FilterCase("parameters.p = 'a'", [clause(.param, "p", .equal, .string("a"))]),
        FilterCase("tag.t != 'a'", [clause(.tag, "t", .notEqual, .string("a"))]),
        FilterCase("attribute.status = 'RUNNING'", [clause(.attribute, "status", .equal, .string("RUNNING"))]),
        FilterCase("attr.status = 'RUNNING'", [clause(.attribute, "status", .equal, .string("RUNNING"))]),
        FilterCase("run.status = 'RUNNING'", [clause(.attribute, "status", .equal, .string("RUNNING"))]),
        FilterCase("`tags`.x = 'a'", [clause(.tag, "x", .equal, .string("a"))]),
        FilterCase("dataset.name = 'a'", [clause(.dataset, "name", .equal, .string("a"))]),
        FilterCase("metrics.X > 1", [clause(.metric, "X", .greater, .number(1))]),
        // Keys: quoting and dots.
        FilterCase("tags.mlflow.runName = 'x'", [clause(.tag, "mlflow.runName", .equal, .string("x"))]),
        FilterCase("metrics.`my metric` > 1", [clause(.metric, "my metric", .greater, .number(1))]),
        FilterCase("metrics.\"my metric\" > 1", [clause(.metric, "my metric", .greater, .number(1))]),
        FilterCase("metrics.'my metric' > 1", [clause(.metric, "my metric", .greater, .number(1))]),
        FilterCase("tags.`a.b` = 'x'", [clause(.tag, "a.b", .equal, .string("x"))]),
        FilterCase("tags.x.`y` = 'a'", [clause(.tag, "x.`y`", .equal, .string("a"))]),
        FilterCase("metrics.1x > 1", [clause(.metric, "1x", .greater, .number(1))]),
        FilterCase("metrics.é > 1", [clause(.metric, "é", .greater, .number(1))]),
        // Numbers.
        FilterCase("metrics.x > -1", [clause(.metric, "x", .greater, .number(-1))]),
        FilterCase("metrics.x=-1", [clause(.metric, "x", .equal, .number(-1))]),
        FilterCase("metrics.x > -1.5e3", [clause(.metric, "x", .greater, .number(-1500))]),
        FilterCase("metrics.x > 1e5", [clause(.metric, "x", .greater, .number(100_000))]),
        FilterCase("metrics.x > .5", [clause(.metric, "x", .greater, .number(0.5))]),
        FilterCase("metrics.x = 1.", [clause(.metric, "x", .equal, .number(1))]),
        FilterCase(
            "metrics.x>1 and metrics.y<2 AND metrics.z<=3 And metrics.w>=4 and metrics.v != 5",
            [
                clause(.metric, "x", .greater, .number(1)), clause(.metric, "y", .less, .number(2)),
                clause(.metric, "z", .lessOrEqual, .number(3)), clause(.metric, "w", .greaterOrEqual, .number(4)),
                clause(.metric, "v", .notEqual, .number(5)),
            ]),
        // Strings: single or double quotes, taken verbatim between the outer quotes.
        FilterCase("params.y = \"a\"", [clause(.param, "y", .equal, .string("a"))]),
        FilterCase("params.x = ''", [clause(.param, "x", .equal, .string(""))]),
        FilterCase("params.x = 'it''s'", [clause(.param, "x", .equal, .string("it''s"))]),
        FilterCase("params.x = 'a\\'b'", [clause(.param, "x", .equal, .string("a\\'b"))]),
        FilterCase("params.x = 'C:\\'", [clause(.param, "x", .equal, .string("C:\\"))]),
        FilterCase("params.y='a'AND params.z='b'", [clause(.param, "y", .equal, .string("a")), clause(.param, "z", .equal, .string("b"))]),
        // LIKE / ILIKE in any case.
        FilterCase("params.x like 'a%'", [clause(.param, "x", .like, .string("a%"))]),
        FilterCase("params.x ILIKE '%A%'", [clause(.param, "x", .ilike, .string("%A%"))]),
        FilterCase("tags.x ilike '%A%'", [clause(.tag, "x", .ilike, .string("%A%"))]),
        // IS [NOT] NULL on params and tags.
        FilterCase("params.x IS NULL", [clause(.param, "x", .isNull, .none)]),
        FilterCase("params.x is not null", [clause(.param, "x", .isNotNull, .none)]),
        FilterCase("params.x IS  NULL", [clause(.param, "x", .isNull, .none)]),
        FilterCase(
            "tags.x = 'a' AND tags.y IS NOT NULL AND params.z IS NULL",
            [clause(.tag, "x", .equal, .string("a")), clause(.tag, "y", .isNotNull, .none), clause(.param, "z", .isNull, .none)]),
        // Attributes, with aliases canonicalised.
        FilterCase("attributes.run_id = 'abc'", [clause(.attribute, "run_id", .equal, .string("abc"))]),
        FilterCase("user_id ILIKE 'a'", [clause(.attribute, "user_id", .ilike, .string("a"))]),
        FilterCase("artifact_uri != 'x'", [clause(.attribute, "artifact_uri", .notEqual, .string("x"))]),
        FilterCase("run_name LIKE 'sweep-%'", [clause(.attribute, "run_name", .like, .string("sweep-%"))]),
        FilterCase("\"status\" = 'a'", [clause(.attribute, "status", .equal, .string("a"))]),
        FilterCase("`status` = 'a'", [clause(.attribute, "status", .equal, .string("a"))]),
        FilterCase("`Run name` = 'x'", [clause(.attribute, "run_name", .equal, .string("x"))]),
        FilterCase("attributes.`run name` = 'x'", [clause(.attribute, "run_name", .equal, .string("x"))]),
        FilterCase("attributes.`Run Name` = 'x'", [clause(.attribute, "run_name", .equal, .string("x"))]),
        FilterCase("created > 5", [clause(.attribute, "start_time", .greater, .number(5))]),
        FilterCase("Created >= 1700000000000", [clause(.attribute, "start_time", .greaterOrEqual, .number(1_700_000_000_000))]),
        FilterCase("attributes.start_time < 10", [clause(.attribute, "start_time", .less, .number(10))]),
        FilterCase("start_time > 1.5", [clause(.attribute, "start_time", .greater, .number(1.5))]),
        FilterCase("end_time = 5", [clause(.attribute, "end_time", .equal, .number(5))]),
        // run_id lists.
        FilterCase("run_id IN ('a', 'b')", [clause(.attribute, "run_id", .in, .list(["a", "b"]))]),
        FilterCase("run_id NOT IN ('a', \"b\")", [clause(.attribute, "run_id", .notIn, .list(["a", "b"]))]),
        FilterCase("run_id not  in ('a')", [clause(.attribute, "run_id", .notIn, .list(["a"]))]),
        FilterCase("run_id in ('a',)", [clause(.attribute, "run_id", .in, .list(["a"]))]),
        FilterCase("run_id IN ('A')", [clause(.attribute, "run_id", .in, .list(["A"]))]),
        FilterCase("run_id IN ('a' 'b')", [clause(.attribute, "run_id", .in, .list(["ab"]))]),
        FilterCase("run_id IN ('it''s')", [clause(.attribute, "run_id", .in, .list(["its"]))]),
        FilterCase("run_id IN ('a\\nb')", [clause(.attribute, "run_id", .in, .list(["a\nb"]))]),
        // Datasets.
        FilterCase("datasets.name IN ('a','b')", [clause(.dataset, "name", .in, .list(["a", "b"]))]),
        FilterCase("datasets.name NOT IN ('a')", [clause(.dataset, "name", .notIn, .list(["a"]))]),
        FilterCase("datasets.context IN ('train')", [clause(.dataset, "context", .in, .list(["train"]))]),
        FilterCase("datasets.digest LIKE 'a%'", [clause(.dataset, "digest", .like, .string("a%"))]),
        // AND is not policed, as in MLflow: leading, trailing, doubled or missing.
        FilterCase("metrics.x > 1 and", [clause(.metric, "x", .greater, .number(1))]),
        FilterCase("AND metrics.x > 1", [clause(.metric, "x", .greater, .number(1))]),
        FilterCase("metrics.x > 1 AND AND metrics.y > 2", [clause(.metric, "x", .greater, .number(1)), clause(.metric, "y", .greater, .number(2))]),
        FilterCase("metrics.x > 1 metrics.y > 2", [clause(.metric, "x", .greater, .number(1)), clause(.metric, "y", .greater, .number(2))]),
        FilterCase("metrics.x = 1 AND metrics.x = 2", [clause(.metric, "x", .equal, .number(1)), clause(.metric, "x", .equal, .number(2))]),
        FilterCase(
            "metrics.x > 1 AND run_id IN ('a') AND params.y = 'b'",
            [clause(.metric, "x", .greater, .number(1)), clause(.attribute, "run_id", .in, .list(["a"])), clause(.param, "y", .equal, .string("b"))]),
    ]

    @Test(arguments: valid)
    func parsesValidFilter(_ c: FilterCase) throws {
        #expect(try RunFilterParser.parse(c.filter) == c.clauses)
    }

    static let invalid: [FilterErrorCase] = [
        // Recorded from the real server.
        FilterErrorCase("metrics.x >>> 1", "Invalid comparator '>>>' not one of '{'>=', '<=', '>', '<', '=', '!='}"),
        // Structure.
        FilterErrorCase("metrics.x > 1 OR params.y = 'a'", "Invalid clause(s) in filter string: 'OR'"),
        FilterErrorCase("metrics.x > 1 or params.y = 'a' or tags.z = 'b'", "Invalid clause(s) in filter string: 'or', 'or'"),
        FilterErrorCase("(metrics.x > 1)", "Invalid clause(s) in filter string: '(metrics.x > 1)'"),
        FilterErrorCase(
            "metrics.x > 1 AND (params.y = 'a' OR params.y = 'b')",
            "Invalid clause(s) in filter string: '(params.y = 'a' OR params.y = 'b')'"),
        FilterErrorCase("metrics.x > 1;", "Invalid clause(s) in filter string: ';'"),
        FilterErrorCase("metrics.x >", "Invalid clause(s) in filter string: 'metrics.x', '>'"),
        FilterErrorCase("metrics.x", "Invalid clause(s) in filter string: 'metrics.x'"),
        FilterErrorCase("metrics.x > 1 AND params.y", "Invalid clause(s) in filter string: 'params.y'"),
        FilterErrorCase("metrics.x > AND params.y = 'a'", "Invalid clause(s) in filter string: 'metrics.x', '>'"),
        FilterErrorCase("params.y IS 'a'", "Invalid clause(s) in filter string: 'params.y', 'IS', ''a''"),
        FilterErrorCase("params.y IS NOT 'a'", "Invalid clause(s) in filter string: 'params.y', 'IS', 'NOT', ''a''"),
        FilterErrorCase("params.x ISNULL", "Invalid clause(s) in filter string: 'params.x', 'ISNULL'"),
        FilterErrorCase("run_id IN 'a'", "Invalid clause(s) in filter string: 'run_id', 'IN', ''a''"),
        FilterErrorCase("run_id IN ('a') IN ('b')", "Invalid clause(s) in filter string: 'IN', '('b')'"),
        FilterErrorCase("params.x = 'a' and not params.y = 'b'", "Invalid clause(s) in filter string: 'not'"),
        FilterErrorCase("NOT params.y = 'b'", "Invalid clause(s) in filter string: 'NOT'"),
        FilterErrorCase("metrics.x BETWEEN 1 AND 2", "Invalid clause(s) in filter string: 'metrics.x', 'BETWEEN', '1', '2'"),
        FilterErrorCase("metrics.x = +1", "Invalid clause(s) in filter string: 'metrics.x', '=', '+', '1'"),
        FilterErrorCase("metrics.x = - 1", "Invalid clause(s) in filter string: 'metrics.x', '=', '-', '1'"),
        FilterErrorCase("metrics.x = 1.5.3", "Invalid clause(s) in filter string: '.3'"),
        FilterErrorCase("metrics.x = 'a' 'b'", "Invalid clause(s) in filter string: ''b''"),
        FilterErrorCase("metrics.x y > 1", "Invalid clause(s) in filter string: 'metrics.x'"),
        FilterErrorCase("metrics.x$ > 1", "Invalid clause(s) in filter string: 'metrics.x', '$', '>', '1'"),
        // Ours: an unclosed quote swallows the rest (MLflow lists the pieces differently).
        FilterErrorCase("params.x = 'abc", "Invalid clause(s) in filter string: 'params.x', '=', ''abc'"),
        FilterErrorCase("metrics.`abc > 1", "Invalid clause(s) in filter string: 'metrics.', '`abc > 1'"),
        // Entities and keys.
        FilterErrorCase("bogus.x = 'a'", "Invalid entity type 'bogus'. Valid values are \(entities)"),
        FilterErrorCase("Metrics.x > 1", "Invalid entity type 'Metrics'. Valid values are \(entities)"),
        FilterErrorCase("attributes.lifecycle_stage = 'active'", "Invalid attribute key 'lifecycle_stage' specified. Valid keys are '\(runAttributeKeys)'"),
        FilterErrorCase("STATUS = 'a'", "Invalid attribute key 'STATUS' specified. Valid keys are '\(runAttributeKeys)'"),
        FilterErrorCase("datasets.foo = 'a'", "Invalid dataset key 'foo' specified. Valid keys are '{'name', 'digest', 'context'}'"),
        // IS NULL only for params and tags.
        FilterErrorCase("metrics.x IS NULL", "IS NULL / IS NOT NULL is only supported for tags and params, not for 'metric' 'x'"),
        FilterErrorCase("status IS NULL", "IS NULL / IS NOT NULL is only supported for tags and params, not for 'attribute' 'status'"),
        FilterErrorCase("created IS NOT NULL", "IS NULL / IS NOT NULL is only supported for tags and params, not for 'attribute' 'created'"),
        FilterErrorCase("datasets.name IS NULL", "IS NULL / IS NOT NULL is only supported for tags and params, not for 'dataset' 'name'"),
        FilterErrorCase("datasets.bogus IS NULL", "Invalid dataset key 'bogus' specified. Valid keys are '{'name', 'digest', 'context'}'"),
        // Values.
        FilterErrorCase("metrics.x = 'a'", "Expected numeric value type for metric. Found 'a'"),
        FilterErrorCase("metrics.x = NaN", "Expected numeric value type for metric. Found NaN"),
        FilterErrorCase("metrics.x = 1e", "Expected numeric value type for metric. Found 1e"),
        FilterErrorCase("metrics.x = 1_000", "Expected numeric value type for metric. Found 1_000"),
        FilterErrorCase("metrics.x>=1and params.y='a'", "Expected numeric value type for metric. Found 1and"),
        FilterErrorCase("metrics.x IN (1)", "Expected numeric value type for metric. Found (1)"),
        FilterErrorCase("params.y = 1", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1"),
        FilterErrorCase("params.y = NULL", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value NULL"),
        FilterErrorCase("tags.x IN ('a')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('a')"),
        FilterErrorCase(
            "params.y = a",
            "Parameter value is either not quoted or unidentified quote types used for string value a. Use either single or double quotes."),
        FilterErrorCase("start_time > 'a'", "Expected numeric value type for numeric attribute: start_time. Found 'a'"),
        FilterErrorCase("start_time IN (1)", "Expected numeric value type for numeric attribute: start_time. Found (1)"),
        FilterErrorCase("status = 1", "Expected a quoted string value for attributes. Got value 1"),
        FilterErrorCase("status IN ('a')", "Only ['run_id'] attributes support comparison with a list of quoted string values."),
        FilterErrorCase("datasets.name = 1", "Expected a quoted string value for dataset attributes. Got value 1"),
        FilterErrorCase("run_id IN ()", "While parsing a list in the query, expected a non-empty list of string values, but got empty list"),
        FilterErrorCase(
            "run_id IN (1, 2)",
            "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: (1, 2)"),
        FilterErrorCase(
            "run_id IN ('a', 1)",
            "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 1)"),
        FilterErrorCase(
            "run_id IN ('a'; 'b')",
            "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list."),
        // Comparators (checked only once every clause has been read, as in MLflow).
        FilterErrorCase("metrics.x >>> 1 and params.y = 1", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1"),
        FilterErrorCase("metrics.x == 1", "Invalid comparator '==' not one of '{'>=', '<=', '>', '<', '=', '!='}"),
        FilterErrorCase("metrics.x <> 1", "Invalid comparator '<>' not one of '{'>=', '<=', '>', '<', '=', '!='}"),
        FilterErrorCase("metrics.x ! 1", "Invalid comparator '!' not one of '{'>=', '<=', '>', '<', '=', '!='}"),
        FilterErrorCase("metrics.x like 1", "Invalid comparator 'LIKE' not one of '{'>=', '<=', '>', '<', '=', '!='}"),
        FilterErrorCase("params.x > 'a'", "Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}'"),
        FilterErrorCase(
            "params.x NOT LIKE 'a'", "Invalid comparator 'NOT LIKE' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}'"),
        FilterErrorCase("tags.x RLIKE 'a'", "Invalid comparator 'RLIKE' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}"),
        FilterErrorCase("run_id >= 'a'", "Invalid comparator '>=' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'"),
        FilterErrorCase("datasets.name >= 'a'", "Invalid comparator '>=' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}"),
        // Ours: a time attribute lists the numeric comparators (MLflow lists the string ones).
        FilterErrorCase("end_time LIKE 5", "Invalid comparator 'LIKE' not one of '{'>=', '<=', '>', '<', '=', '!='}"),
        // Ours: MLflow hands a list compared with `=` or `LIKE` on to SQL.
        FilterErrorCase(
            "run_id = ('a')", "Invalid comparator '=' for a list of values on 'run_id'. Only 'IN' and 'NOT IN' compare with a list."),
        FilterErrorCase(
            "datasets.name LIKE ('a')", "Invalid comparator 'LIKE' for a list of values on 'name'. Only 'IN' and 'NOT IN' compare with a list."),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidFilter(_ c: FilterErrorCase) {
        let error = filterParseError { () throws(TrackError) in try RunFilterParser.parse(c.filter) }
        #expect(error?.code == .invalidParameterValue)
        #expect(error?.message == c.message)
    }

    // MARK: - Order by

    static let orders: [OrderByCase] = [
        OrderByCase("metrics.x DESC", .metric, "x", ascending: false),
        OrderByCase("metrics.x desc", .metric, "x", ascending: false),
        OrderByCase("metrics.x", .metric, "x", ascending: true),
        OrderByCase("metrics.x ASC", .metric, "x", ascending: true),
        OrderByCase("metrics.x  DESC", .metric, "x", ascending: false),
        OrderByCase(" metrics.x DESC ", .metric, "x", ascending: false),  // ours: MLflow rejects the spaces
        OrderByCase("status aSc", .attribute, "status", ascending: true),
        OrderByCase("metrics.`my metric` DESC", .metric, "my metric", ascending: false),
        OrderByCase("metrics.\"my metric\" DESC", .metric, "my metric", ascending: false),
        OrderByCase("metrics.'my metric' DESC", .metric, "my metric", ascending: false),
        OrderByCase("`metrics`.x", .metric, "x", ascending: true),
        OrderByCase("metric.x", .metric, "x", ascending: true),
        OrderByCase("param.x DESC", .param, "x", ascending: false),
        OrderByCase("params.p", .param, "p", ascending: true),
        OrderByCase("tags.mlflow.runName DESC", .tag, "mlflow.runName", ascending: false),
        OrderByCase("tags.`a.b` DESC", .tag, "a.b", ascending: false),
        OrderByCase("attributes.start_time ASC", .attribute, "start_time", ascending: true),
        OrderByCase("start_time", .attribute, "start_time", ascending: true),
        OrderByCase("created DESC", .attribute, "start_time", ascending: false),
        OrderByCase("Created", .attribute, "start_time", ascending: true),
        OrderByCase("run_name", .attribute, "run_name", ascending: true),
        OrderByCase("attr.run_id", .attribute, "run_id", ascending: true),
        OrderByCase("run.end_time DESC", .attribute, "end_time", ascending: false),
        OrderByCase("user_id", .attribute, "user_id", ascending: true),
        OrderByCase("artifact_uri", .attribute, "artifact_uri", ascending: true),
    ]

    @Test(arguments: orders)
    func parsesOrderBy(_ c: OrderByCase) throws {
        #expect(try RunFilterParser.parseOrderBy(c.term) == c.order)
    }

    static let invalidOrders: [FilterErrorCase] = [
        FilterErrorCase("bogus.x", "Invalid entity type 'bogus'. Valid values are \(entities)"),
        FilterErrorCase("Metrics.x", "Invalid entity type 'Metrics'. Valid values are \(entities)"),
        FilterErrorCase("metrics.x up", "Invalid ordering key in order_by clause 'metrics.x up'."),
        FilterErrorCase("metrics.x DESC DESC", "Invalid order_by clause 'metrics.x DESC DESC'. Could not be parsed."),
        FilterErrorCase("metrics.x, metrics.y", "Invalid order_by clause 'metrics.x, metrics.y'. Could not be parsed."),
        FilterErrorCase("metrics.x > 1", "Invalid order_by clause 'metrics.x > 1'. Could not be parsed."),
        FilterErrorCase("metrics.my-metric", "Invalid order_by clause 'metrics.my-metric'. Could not be parsed."),
        FilterErrorCase("metrics.x DESC;", "Invalid order_by clause 'metrics.x DESC;'. Could not be parsed."),
        FilterErrorCase("", "Invalid order_by clause ''. Could not be parsed."),
        FilterErrorCase(" ", "Invalid order_by clause ' '. Could not be parsed."),
        FilterErrorCase("DESC", "Invalid order_by clause 'DESC'. Could not be parsed."),
        FilterErrorCase("AND", "Invalid order_by clause 'AND'. Could not be parsed."),
        FilterErrorCase("'metrics.x'", "Invalid order_by clause ''metrics.x''. Could not be parsed."),
        FilterErrorCase("1", "Invalid order_by clause '1'. Could not be parsed."),
        FilterErrorCase("`Run name`", "Invalid attribute key 'Run name' specified. Valid keys are '\(runOrderKeys)'"),
        FilterErrorCase("attributes.lifecycle_stage", "Invalid attribute key 'lifecycle_stage' specified. Valid keys are '\(runOrderKeys)'"),
        FilterErrorCase("timestamp", "Invalid attribute key 'timestamp' specified. Valid keys are '\(runOrderKeys)'"),
        FilterErrorCase("datasets.name", "Invalid identifier type 'dataset'"),
        FilterErrorCase("datasets.bogus", "Invalid dataset key 'bogus' specified. Valid keys are '{'name', 'digest', 'context'}'"),
    ]

    @Test(arguments: invalidOrders)
    func rejectsInvalidOrderBy(_ c: FilterErrorCase) {
        let error = filterParseError { () throws(TrackError) in try RunFilterParser.parseOrderBy(c.filter) }
        #expect(error?.code == .invalidParameterValue)
        #expect(error?.message == c.message)
    }

    // MARK: - Robustness

    @Test func neverCrashesOnGarbage() {
        var random = SeededRandom(seed: FilterFuzz.seed(default: 0x5EED_F11E))
        let inputs = FilterFuzz.inputs(count: FilterFuzz.iterations(default: 6000), using: &random, valid: Self.valid.map(\.filter))
        for input in inputs {
            FilterFuzz.expectCleanOutcome(input) { () throws(TrackError) in try RunFilterParser.parse(input) }
            FilterFuzz.expectCleanOutcome(input) { () throws(TrackError) in try RunFilterParser.parseOrderBy(input) }
        }
    }

    @Test func hostileInputsAreLinear() {
        for input in FilterFuzz.hostileInputs(length: 60_000) {
            let start = ContinuousClock.now
            FilterFuzz.expectCleanOutcome(String(input.prefix(40))) { () throws(TrackError) in try RunFilterParser.parse(input) }
            FilterFuzz.expectCleanOutcome(String(input.prefix(40))) { () throws(TrackError) in try RunFilterParser.parseOrderBy(input) }
            #expect(ContinuousClock.now - start < .seconds(10), "\(input.prefix(40))…")
        }
    }

    @Test func longValidFilter() throws {
        let filter = (0..<2000).map { "metrics.m\($0) > \($0)" }.joined(separator: " AND ")
        let clauses = try RunFilterParser.parse(filter)
        #expect(clauses.count == 2000)
        #expect(clauses.last == clause(.metric, "m1999", .greater, .number(1999)))
    }
}

// MARK: - Fuzzing helpers (shared with the experiment tests)

/// A small deterministic generator (SplitMix64), so a failure reproduces; shared by the fuzz and property tests.
struct SeededRandom: RandomNumberGenerator {
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

enum FilterFuzz {
    /// `TRACK_FUZZ_ITERATIONS` scales every fuzz loop for a longer run (see docs/SECURITY.md).
    static func iterations(default count: Int) -> Int {
        ProcessInfo.processInfo.environment["TRACK_FUZZ_ITERATIONS"].flatMap(Int.init) ?? count
    }

    /// `TRACK_FUZZ_SEED` picks other inputs; a failure names the seed to reproduce it.
    static func seed(default value: UInt64) -> UInt64 {
        ProcessInfo.processInfo.environment["TRACK_FUZZ_SEED"].flatMap(UInt64.init) ?? value
    }

    static let alphabet: [Character] = Array(
        "abcxyzAZ_019.,;:'\"`()[]{}<>=!~+-*/%\\$#@&| \t\né😀\u{0}\u{301}ANDORNOTINISNULLIKE")
    static let fragments = [
        "metrics.", "params.", "tags.", "attributes.", "datasets.", "bogus.", "run_id", "status", "created",
        "`my key`", "\"q\"", "'v'", "''", " AND ", " and ", " OR ", " IN ", " NOT IN ", " IS NULL", " IS NOT NULL",
        " LIKE ", " ILIKE ", "(", ")", "('a', 'b')", "()", ">", ">=", "=", "!=", ">>>", "1", "-2.5e3", ".5", "1e",
        "name", "experiment_id", "creation_time", "tag.", "attribute.", " DESC", " asc", ",",
    ]

    static func inputs(count: Int, using random: inout SeededRandom, valid: [String]) -> [String] {
        var out: [String] = []
        for index in 0..<count {
            switch index % 3 {
            case 0:  // random characters
                let length = Int.random(in: 0...40, using: &random)
                out.append(String((0..<length).map { _ in alphabet.randomElement(using: &random)! }))
            case 1:  // random fragments
                let length = Int.random(in: 1...8, using: &random)
                out.append((0..<length).map { _ in fragments.randomElement(using: &random)! }.joined())
            default:  // a valid filter, mutated
                var chars = Array(valid.randomElement(using: &random)!)
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let position = Int.random(in: 0...chars.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0 where !chars.isEmpty: chars.remove(at: min(position, chars.count - 1))
                    case 1: chars.insert(alphabet.randomElement(using: &random)!, at: position)
                    default:
                        if !chars.isEmpty {
                            let other = Int.random(in: 0..<chars.count, using: &random)
                            chars.swapAt(min(position, chars.count - 1), other)
                        }
                    }
                }
                out.append(String(chars))
            }
        }
        return out
    }

    /// Long inputs built to make a careless lexer quadratic or a recursive parser overflow.
    static func hostileInputs(length: Int) -> [String] {
        [
            String(repeating: "'", count: length),
            String(repeating: "'a", count: length / 2),
            String(repeating: "`", count: length),
            String(repeating: "\"", count: length),
            String(repeating: "(", count: length),
            String(repeating: ")", count: length),
            String(repeating: "(", count: length / 2) + String(repeating: ")", count: length / 2),
            "run_id IN " + String(repeating: "(", count: length / 2) + String(repeating: ")", count: length / 2),
            String(repeating: "a.", count: length / 2),
            String(repeating: "metrics.x > 1 AND ", count: length / 18),
            String(repeating: "tags.t = 'v' OR ", count: length / 16),
            "run_id IN (" + String(repeating: "'a', ", count: length / 5) + ")",
            String(repeating: "9", count: length),
            String(repeating: "-", count: length),
            String(repeating: ">", count: length),
            String(repeating: " ", count: length) + "x",
        ]
    }

    /// Every outcome is either clauses or an INVALID_PARAMETER_VALUE error with a message.
    static func expectCleanOutcome<T>(_ input: String, _ body: () throws(TrackError) -> T) {
        if let error = filterParseError(body) {
            #expect(error.code == .invalidParameterValue, "\(input)")
            #expect(!error.message.isEmpty, "\(input)")
        }
    }
}
