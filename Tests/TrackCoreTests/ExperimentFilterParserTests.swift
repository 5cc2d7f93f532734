import Testing
@testable import TrackCore

// Expected messages were produced by MLflow 3.17.2 (`SearchExperimentsUtils` plus its SQL store's
// checks) on the same inputs, except where a case says "ours".

private func clause(_ entity: SearchEntity, _ key: String, _ comparator: SearchComparator, _ value: SearchValue) -> SearchClause {
    SearchClause(entity: entity, key: key, comparator: comparator, value: value)
}

private let experimentKeys = "{'name', 'experiment_id', 'creation_time', 'last_update_time'}"
private let experimentEntities = "('attribute', 'tag', 'tags')"

@Suite("Experiment search filter")
struct ExperimentFilterParserTests {
    @Test(arguments: ["", "  ", "\n"])
    func blankFilterHasNoClauses(_ filter: String) throws {
        #expect(try ExperimentFilterParser.parse(filter) == [])
    }

    /// The filters the real client sent in the recording.
    @Test func recordedFilters() throws {
        #expect(try ExperimentFilterParser.parse("name LIKE 'proto-%'") == [clause(.attribute, "name", .like, .string("proto-%"))])
        #expect(try ExperimentFilterParser.parse("tags.owner = 'proto'") == [clause(.tag, "owner", .equal, .string("proto"))])
        #expect(try ExperimentFilterParser.parseOrderBy("name DESC") == SearchOrder(entity: .attribute, key: "name", ascending: false))
    }

    static let valid: [FilterCase] = [
        FilterCase("name = 'a'", [clause(.attribute, "name", .equal, .string("a"))]),
        FilterCase("name = \"a\"", [clause(.attribute, "name", .equal, .string("a"))]),
        FilterCase("attribute.name != 'a'", [clause(.attribute, "name", .notEqual, .string("a"))]),
        FilterCase("name ILIKE 'A%'", [clause(.attribute, "name", .ilike, .string("A%"))]),
        // Ours: MLflow's SQL store rejects lower-case keyword comparators for experiments.
        FilterCase("name like 'proto-%'", [clause(.attribute, "name", .like, .string("proto-%"))]),
        FilterCase("tags.owner like 'p%'", [clause(.tag, "owner", .like, .string("p%"))]),
        FilterCase("tag.owner = 'proto'", [clause(.tag, "owner", .equal, .string("proto"))]),
        FilterCase("tags.`a b` = 'c'", [clause(.tag, "a b", .equal, .string("c"))]),
        FilterCase("tags.\"a b\" = 'c'", [clause(.tag, "a b", .equal, .string("c"))]),
        FilterCase("tags.mlflow.note = 'x'", [clause(.tag, "mlflow.note", .equal, .string("x"))]),
        FilterCase("tags.owner IS NULL", [clause(.tag, "owner", .isNull, .none)]),
        FilterCase("tags.owner IS NOT NULL", [clause(.tag, "owner", .isNotNull, .none)]),
        FilterCase("experiment_id = '1'", [clause(.attribute, "experiment_id", .equal, .string("1"))]),
        FilterCase("experiment_id = ' 7 '", [clause(.attribute, "experiment_id", .equal, .string("7"))]),
        FilterCase("experiment_id IN ('1', '2')", [clause(.attribute, "experiment_id", .in, .list(["1", "2"]))]),
        FilterCase("experiment_id NOT IN ('01')", [clause(.attribute, "experiment_id", .notIn, .list(["1"]))]),
        FilterCase("creation_time > 5", [clause(.attribute, "creation_time", .greater, .number(5))]),
        FilterCase("creation_time > -5", [clause(.attribute, "creation_time", .greater, .number(-5))]),
        FilterCase("last_update_time >= 10", [clause(.attribute, "last_update_time", .greaterOrEqual, .number(10))]),
        FilterCase(
            "name != 'a' AND tags.x = 'b'",
            [clause(.attribute, "name", .notEqual, .string("a")), clause(.tag, "x", .equal, .string("b"))]),
        FilterCase(
            "name = 'a' and creation_time > 1 AND tags.t != 'z'",
            [
                clause(.attribute, "name", .equal, .string("a")), clause(.attribute, "creation_time", .greater, .number(1)),
                clause(.tag, "t", .notEqual, .string("z")),
            ]),
    ]

    @Test(arguments: valid)
    func parsesValidFilter(_ c: FilterCase) throws {
        #expect(try ExperimentFilterParser.parse(c.filter) == c.clauses)
    }

    static let invalid: [FilterErrorCase] = [
        // MLflow quotes nothing in this message for experiments.
        FilterErrorCase("name = 'a' OR name = 'b'", "Invalid clause(s) in filter string: OR"),
        FilterErrorCase("name = 'a' or name = 'b'", "Invalid clause(s) in filter string: or"),
        FilterErrorCase("(name = 'a')", "Invalid clause(s) in filter string: (name = 'a')"),
        FilterErrorCase("name = 'a';", "Invalid clause(s) in filter string: ;"),
        FilterErrorCase("name = 'a' 'b'", "Invalid clause(s) in filter string: 'b'"),
        FilterErrorCase("attributes.name = 'a'", "Invalid entity type 'attributes'. Valid entity types are \(experimentEntities)"),
        FilterErrorCase("attr.name = 'a'", "Invalid entity type 'attr'. Valid entity types are \(experimentEntities)"),
        FilterErrorCase("metrics.x > 1", "Invalid entity type 'metrics'. Valid entity types are \(experimentEntities)"),
        FilterErrorCase("params.x = 'a'", "Invalid entity type 'params'. Valid entity types are \(experimentEntities)"),
        FilterErrorCase("`tag`.x = 'a'", "Invalid entity type '`tag`'. Valid entity types are \(experimentEntities)"),
        FilterErrorCase("bogus.x IS NULL", "Invalid entity type 'bogus'. Valid entity types are \(experimentEntities)"),
        FilterErrorCase("lifecycle_stage = 'active'", "Invalid attribute key 'lifecycle_stage' specified. Valid keys are '\(experimentKeys)'"),
        FilterErrorCase("name IS NULL", "IS NULL / IS NOT NULL is only supported for tags, not for attribute 'name'"),
        FilterErrorCase("creation_time IS NULL", "IS NULL / IS NOT NULL is only supported for tags, not for attribute 'creation_time'"),
        FilterErrorCase("name IN ('a')", "Only ['experiment_id'] attributes support comparison with a list of quoted string values."),
        FilterErrorCase("name = 1", "Expected a quoted string value for attributes. Got value 1"),
        FilterErrorCase("experiment_id = 1", "Expected a quoted string value for attributes. Got value 1"),
        FilterErrorCase("experiment_id = 'x'", "Invalid experiment ID 'x'. Experiment ID must be a valid integer."),
        FilterErrorCase("experiment_id IN ('1', 'y')", "Invalid experiment ID 'y'. Experiment ID must be a valid integer."),
        FilterErrorCase("experiment_id LIKE '1'", "Invalid comparator for experiment_id: LIKE"),
        FilterErrorCase("experiment_id > '7'", "Invalid comparator for experiment_id: >"),
        FilterErrorCase("tags.x = 1", "Expected a quoted string value for tag (e.g. 'my-value'). Got value 1"),
        FilterErrorCase("tags.x IN ('a')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('a')"),
        FilterErrorCase(
            "tags.x = b",
            "Parameter value is either not quoted or unidentified quote types used for string value b. Use either single or double quotes."),
        FilterErrorCase("tags.x > 'a'", "Invalid comparator for tag: >"),
        FilterErrorCase("tags.x NOT LIKE 'a'", "Invalid comparator for tag: NOT LIKE"),
        FilterErrorCase("creation_time > '5'", "Expected numeric value type for numeric attribute: creation_time. Found '5'"),
        FilterErrorCase("creation_time > 1.5", "Invalid value for numeric attribute 'creation_time': '1.5'"),
        FilterErrorCase("creation_time > 1e3", "Invalid value for numeric attribute 'creation_time': '1000.0'"),
        FilterErrorCase("name >>> 'a'", "Invalid comparator '>>>' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'"),
        FilterErrorCase("name > 'a'", "Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'"),
        FilterErrorCase("name NOT LIKE 'a'", "Invalid comparator 'NOT LIKE' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'"),
        // Ours: MLflow lists the string comparators here.
        FilterErrorCase("creation_time LIKE 5", "Invalid comparator 'LIKE' not one of '{'>=', '<=', '>', '<', '=', '!='}"),
        // Ours: MLflow hands a list compared with `=` on to SQL.
        FilterErrorCase(
            "experiment_id = ('1')",
            "Invalid comparator '=' for a list of values on 'experiment_id'. Only 'IN' and 'NOT IN' compare with a list."),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidFilter(_ c: FilterErrorCase) {
        let error = filterParseError { () throws(TrackError) in try ExperimentFilterParser.parse(c.filter) }
        #expect(error?.code == .invalidParameterValue)
        #expect(error?.message == c.message)
    }

    // MARK: - Order by

    static let orders: [OrderByCase] = [
        OrderByCase("name", .attribute, "name", ascending: true),
        OrderByCase("name DESC", .attribute, "name", ascending: false),
        OrderByCase("experiment_id", .attribute, "experiment_id", ascending: true),
        OrderByCase("creation_time desc", .attribute, "creation_time", ascending: false),
        OrderByCase("last_update_time ASC", .attribute, "last_update_time", ascending: true),
        OrderByCase("attribute.name", .attribute, "name", ascending: true),
    ]

    @Test(arguments: orders)
    func parsesOrderBy(_ c: OrderByCase) throws {
        #expect(try ExperimentFilterParser.parseOrderBy(c.term) == c.order)
    }

    static let invalidOrders: [FilterErrorCase] = [
        FilterErrorCase("attributes.name", "Invalid entity type 'attributes'. Valid entity types are \(experimentEntities)"),
        FilterErrorCase("metrics.x", "Invalid entity type 'metrics'. Valid entity types are \(experimentEntities)"),
        FilterErrorCase("tags.x", "Invalid order_by entity: tag"),
        FilterErrorCase("tag.x DESC", "Invalid order_by entity: tag"),
        FilterErrorCase("lifecycle_stage", "Invalid attribute key 'lifecycle_stage' specified. Valid keys are '\(experimentKeys)'"),
        FilterErrorCase("name sideways", "Invalid ordering key in order_by clause 'name sideways'."),
        FilterErrorCase("name, experiment_id", "Invalid order_by clause 'name, experiment_id'. Could not be parsed."),
        FilterErrorCase("", "Invalid order_by clause ''. Could not be parsed."),
    ]

    @Test(arguments: invalidOrders)
    func rejectsInvalidOrderBy(_ c: FilterErrorCase) {
        let error = filterParseError { () throws(TrackError) in try ExperimentFilterParser.parseOrderBy(c.filter) }
        #expect(error?.code == .invalidParameterValue)
        #expect(error?.message == c.message)
    }

    // MARK: - Robustness

    @Test func neverCrashesOnGarbage() {
        var random = SeededRandom(seed: FilterFuzz.seed(default: 0xE4_9E21))
        let valid = Self.valid.map(\.filter) + RunFilterParserTests.valid.map(\.filter)
        for input in FilterFuzz.inputs(count: FilterFuzz.iterations(default: 6000), using: &random, valid: valid) {
            FilterFuzz.expectCleanOutcome(input) { () throws(TrackError) in try ExperimentFilterParser.parse(input) }
            FilterFuzz.expectCleanOutcome(input) { () throws(TrackError) in try ExperimentFilterParser.parseOrderBy(input) }
        }
    }

    @Test func hostileInputsAreLinear() {
        for input in FilterFuzz.hostileInputs(length: 60_000) {
            let start = ContinuousClock.now
            FilterFuzz.expectCleanOutcome(String(input.prefix(40))) { () throws(TrackError) in try ExperimentFilterParser.parse(input) }
            FilterFuzz.expectCleanOutcome(String(input.prefix(40))) { () throws(TrackError) in try ExperimentFilterParser.parseOrderBy(input) }
            #expect(ContinuousClock.now - start < .seconds(10), "\(input.prefix(40))…")
        }
    }
}
