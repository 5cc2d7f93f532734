/// Parses the `filter` and `order_by` strings of `runs/search`, MLflow's search language for runs
/// (as implemented by `SearchUtils` in MLflow 3.17.2 and checked by its SQL store).
///
/// Filter: comparisons joined by `AND` (any case); `OR`, parentheses and anything else that is not
/// a comparison is rejected as an invalid clause. Left side `<entity>.<key>` or a bare attribute:
///
/// | entity (any spelling below) | key | comparators | right side |
/// | --- | --- | --- | --- |
/// | `metric`, `metrics` | any | `= != < <= > >=` | number |
/// | `parameter`, `parameters`, `param`, `params` | any | `= != LIKE ILIKE`, `IS [NOT] NULL` | quoted string |
/// | `tag`, `tags` | any | `= != LIKE ILIKE`, `IS [NOT] NULL` | quoted string |
/// | `attribute`, `attributes`, `attr`, `run`, or none | `run_id` | `= != LIKE ILIKE [NOT] IN` | quoted string, or `('a', 'b')` |
/// | | `run_name`, `status`, `user_id`, `artifact_uri` | `= != LIKE ILIKE` | quoted string |
/// | | `start_time`, `end_time` | `= != < <= > >=` | number |
/// | `dataset`, `datasets` | `name`, `digest`, `context` | `= != LIKE ILIKE [NOT] IN` | quoted string, or list |
///
/// Attribute aliases are canonicalised: `created`/`Created` → `start_time`, `` `run name` ``/
/// `` `Run name` ``/`` `Run Name` `` → `run_name`. Keys may be written in backticks or double quotes
/// (``metrics.`my metric` ``, `metrics."my metric"`); dotted keys need no quotes
/// (`tags.mlflow.runName`). Strings are `'…'` or `"…"`, taken verbatim between the outer quotes
/// (MLflow unescapes nothing: `'it''s'` is the four characters `it''s`). In `(…)` lists, items are
/// read as Python literals, as MLflow does (`('it''s')` is `its`, `'a\nb'` has a newline).
///
/// Deliberate differences from MLflow: an empty or whitespace-only filter is no clauses (MLflow
/// rejects whitespace); a list compared with anything but `IN`/`NOT IN` is rejected (MLflow passes
/// it on to SQL); the invalid-comparator message for a numeric attribute lists the numeric
/// comparators (MLflow lists the string ones).
public enum RunFilterParser {
    // MARK: - Vocabulary

    static let entityNames: [String: SearchEntity] = [
        "metric": .metric, "metrics": .metric,
        "parameter": .param, "parameters": .param, "param": .param, "params": .param,
        "tag": .tag, "tags": .tag,
        "attribute": .attribute, "attributes": .attribute, "attr": .attribute, "run": .attribute,
        "dataset": .dataset, "datasets": .dataset,
    ]
    static let entityList = "['metric', 'parameter', 'tag', 'attribute', 'dataset']"

    static let aliases: [String: String] = [
        "created": "start_time", "Created": "start_time",
        "run name": "run_name", "Run name": "run_name", "Run Name": "run_name",
    ]
    /// Keys a filter may use, in the order messages list them.
    static let searchableAttributes = [
        "artifact_uri", "end_time", "run_id", "run_name", "start_time", "status", "user_id",
        "created", "Created", "run name", "Run name", "Run Name",
    ]
    /// Keys an order-by may use (no `run name` spellings, as in MLflow).
    static let orderableAttributes = [
        "artifact_uri", "end_time", "run_id", "run_name", "start_time", "status", "user_id",
        "created", "Created",
    ]
    static let datasetKeys = ["name", "digest", "context"]

    static let metricComparators = [">=", "<=", ">", "<", "=", "!="]  // the order MLflow's message printed
    static let stringComparators = ["=", "!=", "LIKE", "ILIKE"]
    static let paramTagComparators = ["=", "!=", "LIKE", "ILIKE", "IS NULL", "IS NOT NULL"]
    static let stringAttributeComparators = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"]
    static let datasetComparators = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"]

    // MARK: - Filter

    /// Parses a run search filter into AND-ed clauses. Empty or blank → no clauses.
    public static func parse(_ filter: String) throws(TrackError) -> [SearchClause] {
        if filter.allSatisfy(\.isWhitespace) { return [] }
        let (comparisons, invalid) = FilterSyntax.comparisons(of: FilterTokenizer.tokenize(filter))
        if !invalid.isEmpty {
            let list = invalid.map { "'\($0)'" }.joined(separator: ", ")
            throw .invalidParameter("Invalid clause(s) in filter string: \(list)")
        }
        // As in MLflow: read every clause first, then check comparators.
        var clauses: [(clause: SearchClause, written: String, writtenKey: String)] = []
        for comparison in comparisons {
            clauses.append(try read(comparison))
        }
        for (clause, written, writtenKey) in clauses {
            try checkComparator(clause, written: written, writtenKey: writtenKey)
        }
        return clauses.map(\.clause)
    }

    /// Entity and key of a filter's left side, validated; the key is canonical and also returned
    /// as written (messages quote it so).
    static func identify(_ identifier: FilterToken) throws(TrackError) -> (entity: SearchEntity, key: String, written: String) {
        let (entityName, key) = FilterSyntax.split(identifier)
        let entity = try entityType(entityName)
        return (entity, try checkKey(key, entity: entity, valid: searchableAttributes), key)
    }

    static func entityType(_ written: String?) throws(TrackError) -> SearchEntity {
        guard let written else { return .attribute }
        let name = FilterSyntax.trimBackticks(written)
        guard let entity = entityNames[name] else {
            throw .invalidParameter("Invalid entity type '\(name)'. Valid values are \(entityList)")
        }
        return entity
    }

    /// Checks an attribute or dataset key and returns it canonical.
    static func checkKey(_ key: String, entity: SearchEntity, valid: [String]) throws(TrackError) -> String {
        switch entity {
        case .attribute:
            guard valid.contains(key) else {
                throw .invalidParameter(
                    "Invalid attribute key '\(key)' specified. Valid keys are '\(FilterSyntax.pythonSet(valid))'")
            }
            return aliases[key] ?? key
        case .dataset:
            guard datasetKeys.contains(key) else {
                throw .invalidParameter(
                    "Invalid dataset key '\(key)' specified. Valid keys are '\(FilterSyntax.pythonSet(datasetKeys))'")
            }
            return key
        default:
            return key
        }
    }

    /// MLflow's name for an entity in messages.
    static func typeName(_ entity: SearchEntity) -> String { entity.rawValue }

    static func read(_ comparison: FilterComparison) throws(TrackError) -> (clause: SearchClause, written: String, writtenKey: String) {
        let (entity, key, writtenKey) = try identify(comparison.identifier)
        guard let operand = comparison.operand else {
            guard entity == .param || entity == .tag else {
                throw .invalidParameter(
                    "IS NULL / IS NOT NULL is only supported for tags and params, not for '\(typeName(entity))' '\(writtenKey)'"
                )
            }
            let comparator: SearchComparator = comparison.comparator == "IS NULL" ? .isNull : .isNotNull
            return (SearchClause(entity: entity, key: key, comparator: comparator, value: .none), comparison.comparator, writtenKey)
        }
        let value = try readValue(operand, entity: entity, key: key, writtenKey: writtenKey)
        // An unknown comparator (`>>>`) is reported by `checkComparator`, after every clause has
        // been read, as MLflow does; until then `.equal` stands in for it.
        let comparator = SearchComparator(rawValue: comparison.comparator) ?? .equal
        return (SearchClause(entity: entity, key: key, comparator: comparator, value: value), comparison.comparator, writtenKey)
    }

    static func readValue(
        _ operand: FilterComparison.Operand, entity: SearchEntity, key: String, writtenKey: String
    ) throws(TrackError) -> SearchValue {
        switch entity {
        case .metric:
            guard let number = FilterSyntax.numberValue(operand) else {
                throw .invalidParameter("Expected numeric value type for metric. Found \(operand.text)")
            }
            return .number(number)
        case .param, .tag:
            if case .token(let token) = operand, let string = try FilterSyntax.stringValue(token) {
                return .string(string)
            }
            throw .invalidParameter(
                "Expected a quoted string value for \(typeName(entity)) (e.g. 'my-value'). Got value \(operand.text)")
        case .attribute:
            if key == "start_time" || key == "end_time" {
                guard let number = FilterSyntax.numberValue(operand) else {
                    throw .invalidParameter(
                        "Expected numeric value type for numeric attribute: \(writtenKey). Found \(operand.text)")
                }
                return .number(number)
            }
            switch operand {
            case .token(let token):
                if let string = try FilterSyntax.stringValue(token) { return .string(string) }
            case .group(let text, let inner):
                guard key == "run_id" else {
                    throw .invalidParameter(
                        "Only ['run_id'] attributes support comparison with a list of quoted string values.")
                }
                return .list(try FilterSyntax.listValue(text, inner: inner))
            }
            throw .invalidParameter("Expected a quoted string value for attributes. Got value \(operand.text)")
        case .dataset:
            switch operand {
            case .token(let token):
                if let string = try FilterSyntax.stringValue(token) { return .string(string) }
            case .group(let text, let inner):
                return .list(try FilterSyntax.listValue(text, inner: inner))
            }
            throw .invalidParameter("Expected a quoted string value for dataset attributes. Got value \(operand.text)")
        }
    }

    static func checkComparator(_ clause: SearchClause, written: String, writtenKey: String) throws(TrackError) {
        let set = FilterSyntax.pythonSet
        let allowed: [String]
        let message: String
        switch clause.entity {
        case .metric:
            allowed = metricComparators
            message = "Invalid comparator '\(written)' not one of '\(set(metricComparators))"
        case .param:
            allowed = paramTagComparators
            message = "Invalid comparator '\(written)' not one of '\(set(paramTagComparators))'"
        case .tag:
            allowed = paramTagComparators
            message = "Invalid comparator '\(written)' not one of '\(set(paramTagComparators))"
        case .attribute where clause.key == "start_time" || clause.key == "end_time":
            allowed = metricComparators
            message = "Invalid comparator '\(written)' not one of '\(set(metricComparators))"
        case .attribute:
            allowed = stringAttributeComparators
            message = "Invalid comparator '\(written)' not one of '\(set(stringAttributeComparators))'"
        case .dataset:
            allowed = datasetComparators
            message = "Invalid comparator '\(written)' not one of '\(set(datasetComparators))"
        }
        guard allowed.contains(written) else { throw .invalidParameter(message) }
        try checkListComparator(clause, written: written)
    }

    /// A `(…)` list only goes with `IN` / `NOT IN` (MLflow would hand `run_id = ('a')` to SQL).
    static func checkListComparator(_ clause: SearchClause, written: String) throws(TrackError) {
        if case .list = clause.value, clause.comparator != .in, clause.comparator != .notIn {
            throw .invalidParameter(
                "Invalid comparator '\(written)' for a list of values on '\(clause.key)'. Only 'IN' and 'NOT IN' compare with a list."
            )
        }
    }

    // MARK: - Order by

    /// Parses one `order_by` term of `runs/search`: `<entity>.<key> [ASC|DESC]` or a bare attribute.
    public static func parseOrderBy(_ term: String) throws(TrackError) -> SearchOrder {
        let (identifier, ascending) = try FilterSyntax.orderByTerm(term)
        let (entityName, written) = FilterSyntax.splitOrderBy(identifier)
        let entity = try entityType(entityName)
        let key = try checkKey(written, entity: entity, valid: orderableAttributes)
        if entity == .dataset {
            throw .invalidParameter("Invalid identifier type 'dataset'")
        }
        return SearchOrder(entity: entity, key: key, ascending: ascending)
    }
}
