/// Parses the `filter` and `order_by` strings of `experiments/search` (MLflow 3.17.2's
/// `SearchExperimentsUtils` plus the checks of its SQL store).
///
/// Filter: comparisons joined by `AND` (any case). Left side: a bare attribute or
/// `attribute.<key>` (MLflow accepts only the singular spelling here), or `tag.<key>`/`tags.<key>`:
///
/// | left side | comparators | right side |
/// | --- | --- | --- |
/// | `name` | `= != LIKE ILIKE` | quoted string |
/// | `experiment_id` | `= != IN NOT IN` | quoted integer string, or list of them |
/// | `creation_time`, `last_update_time` | `= != < <= > >=` | integer |
/// | `tags.<key>` | `= != LIKE ILIKE`, `IS [NOT] NULL` | quoted string |
///
/// `experiment_id` values come out canonical (`'007'` → `"7"`). Order-by terms: `name`,
/// `experiment_id`, `creation_time`, `last_update_time` (bare or `attribute.`), `ASC`/`DESC`; tags
/// can't be sorted on.
///
/// Deliberate differences from MLflow: keyword comparators are accepted in any case (`like`;
/// MLflow's SQL store rejects lower case here though it accepts it for runs); an empty or
/// whitespace-only filter is no clauses; a list compared with anything but `IN`/`NOT IN` is
/// rejected; the invalid-comparator message for a time attribute lists the numeric comparators.
public enum ExperimentFilterParser {
    static let entityList = "('attribute', 'tag', 'tags')"
    static let attributes = ["name", "experiment_id", "creation_time", "last_update_time"]
    static let numericAttributes: Set<String> = ["creation_time", "last_update_time"]
    static let stringAttributeComparators = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"]
    static let numericComparators = RunFilterParser.metricComparators

    // MARK: - Filter

    /// Parses an experiment search filter into AND-ed clauses. Empty or blank → no clauses.
    public static func parse(_ filter: String) throws(TrackError) -> [SearchClause] {
        if filter.allSatisfy(\.isWhitespace) { return [] }
        let (comparisons, invalid) = FilterSyntax.comparisons(of: FilterTokenizer.tokenize(filter))
        if !invalid.isEmpty {
            // MLflow quotes nothing here (unlike for runs).
            throw .invalidParameter("Invalid clause(s) in filter string: \(invalid.joined(separator: ", "))")
        }
        var read: [(clause: SearchClause, written: String)] = []
        for comparison in comparisons {
            read.append(try self.read(comparison))
        }
        var clauses: [SearchClause] = []
        for (clause, written) in read {
            clauses.append(try check(clause, written: written))
        }
        return clauses
    }

    static func identify(_ entityName: String?, _ key: String, valid: [String]) throws(TrackError) -> SearchEntity {
        var entity = SearchEntity.attribute
        if let entityName {
            switch entityName {
            case "attribute": entity = .attribute
            case "tag", "tags": entity = .tag
            default:
                throw .invalidParameter("Invalid entity type '\(entityName)'. Valid entity types are \(entityList)")
            }
        }
        if entity == .attribute && !valid.contains(key) {
            throw .invalidParameter(
                "Invalid attribute key '\(key)' specified. Valid keys are '\(FilterSyntax.pythonSet(valid))'")
        }
        return entity
    }

    static func read(_ comparison: FilterComparison) throws(TrackError) -> (clause: SearchClause, written: String) {
        let (entityName, key) = FilterSyntax.split(comparison.identifier)
        let entity = try identify(entityName, key, valid: attributes)
        guard let operand = comparison.operand else {
            guard entity == .tag else {
                throw .invalidParameter("IS NULL / IS NOT NULL is only supported for tags, not for attribute '\(key)'")
            }
            let comparator: SearchComparator = comparison.comparator == "IS NULL" ? .isNull : .isNotNull
            return (SearchClause(entity: .tag, key: key, comparator: comparator, value: .none), comparison.comparator)
        }
        let value: SearchValue
        if entity == .tag {
            guard case .token(let token) = operand, let string = try FilterSyntax.stringValue(token) else {
                throw .invalidParameter("Expected a quoted string value for tag (e.g. 'my-value'). Got value \(operand.text)")
            }
            value = .string(string)
        } else if numericAttributes.contains(key) {
            guard let number = FilterSyntax.numberValue(operand), case .token(let token) = operand else {
                throw .invalidParameter("Expected numeric value type for numeric attribute: \(key). Found \(operand.text)")
            }
            // MLflow's store takes integers only.
            if token.kind == .float {
                throw .invalidParameter(
                    "Invalid value for numeric attribute '\(key)': '\(FilterSyntax.pythonFloat(number))'")
            }
            value = .number(number)
        } else {
            switch operand {
            case .token(let token):
                guard let string = try FilterSyntax.stringValue(token) else {
                    throw .invalidParameter("Expected a quoted string value for attributes. Got value \(operand.text)")
                }
                value = .string(string)
            case .group(let text, let inner):
                guard key == "experiment_id" else {
                    throw .invalidParameter(
                        "Only ['experiment_id'] attributes support comparison with a list of quoted string values.")
                }
                value = .list(try FilterSyntax.listValue(text, inner: inner))
            }
        }
        let comparator = SearchComparator(rawValue: comparison.comparator) ?? .equal
        return (SearchClause(entity: entity, key: key, comparator: comparator, value: value), comparison.comparator)
    }

    /// The store-side checks, in MLflow's order; returns the clause with canonical values.
    static func check(_ clause: SearchClause, written: String) throws(TrackError) -> SearchClause {
        var clause = clause
        switch clause.entity {
        case .tag:
            guard ["=", "!=", "LIKE", "ILIKE", "IS NULL", "IS NOT NULL"].contains(written) else {
                throw .invalidParameter("Invalid comparator for tag: \(written)")
            }
        case _ where clause.key == "experiment_id":
            guard ["=", "!=", "IN", "NOT IN"].contains(written) else {
                throw .invalidParameter("Invalid comparator for experiment_id: \(written)")
            }
            try RunFilterParser.checkListComparator(clause, written: written)
            switch clause.value {
            case .string(let id): clause.value = .string(try experimentID(id))
            case .list(let ids):
                var canonical: [String] = []
                for id in ids { canonical.append(try experimentID(id)) }
                clause.value = .list(canonical)
            default: break
            }
        case _ where numericAttributes.contains(clause.key):
            guard numericComparators.contains(written) else {
                throw .invalidParameter(
                    "Invalid comparator '\(written)' not one of '\(FilterSyntax.pythonSet(numericComparators))")
            }
        default:
            guard stringAttributeComparators.contains(written) else {
                throw .invalidParameter(
                    "Invalid comparator '\(written)' not one of '\(FilterSyntax.pythonSet(stringAttributeComparators))'")
            }
            guard RunFilterParser.stringComparators.contains(written) else {
                throw .invalidParameter("Invalid comparator for string attribute: \(written)")
            }
        }
        return clause
    }

    /// An experiment ID as MLflow's `int()` reads it, written back canonically.
    static func experimentID(_ written: String) throws(TrackError) -> String {
        let trimmed = written.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        guard let id = Int64(String(trimmed)) else {
            throw .invalidParameter("Invalid experiment ID '\(written)'. Experiment ID must be a valid integer.")
        }
        return String(id)
    }

    // MARK: - Order by

    /// Parses one `order_by` term of `experiments/search`.
    public static func parseOrderBy(_ term: String) throws(TrackError) -> SearchOrder {
        let (identifier, ascending) = try FilterSyntax.orderByTerm(term)
        let (entityName, key) = FilterSyntax.splitOrderBy(identifier)
        let entity = try identify(entityName, key, valid: attributes)
        guard entity == .attribute else {
            throw .invalidParameter("Invalid order_by entity: \(entity.rawValue)")
        }
        return SearchOrder(entity: .attribute, key: key, ascending: ascending)
    }
}
