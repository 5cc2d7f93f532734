/// Parses the `filter` and `order_by` of `registered-models/search` and `model-versions/search`
/// (MLflow 3.17.2's `SearchModelUtils` and `SearchModelVersionUtils`).
///
/// Filter: comparisons joined by `AND`; left side a bare attribute or `tags.<key>` (`tag.<key>`):
///
/// | search | attribute | comparators | right side |
/// | --- | --- | --- | --- |
/// | both | `name` | `= != LIKE ILIKE IN NOT IN` | quoted string, or a list |
/// | versions | `run_id` | `= != IN NOT IN` | quoted string, or a list |
/// | versions | `source_path` | `= != LIKE ILIKE` | quoted string |
/// | versions | `version_number`, `creation_timestamp`, `last_updated_timestamp` | `= != < <= > >=` | number |
/// | both | `tags.<key>` | `= != LIKE ILIKE` | quoted string (`!=` also holds where the tag is not set) |
///
/// Order-by terms: `<attribute> [ASC|DESC]` over `name`, `creation_timestamp`,
/// `last_updated_timestamp` (`timestamp`), and for versions `version_number`.
public enum RegistryFilterParser {
    public enum Target: Sendable {
        case registeredModels
        case modelVersions

        var stringAttributes: [String: [String]] {
            switch self {
            case .registeredModels: ["name": ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"]]
            case .modelVersions: [
                "name": ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"],
                "run_id": ["=", "!=", "IN", "NOT IN"],
                "source_path": ["=", "!=", "LIKE", "ILIKE"],
            ]
            }
        }

        var numericAttributes: [String] {
            switch self {
            case .registeredModels: []
            case .modelVersions: ["version_number", "creation_timestamp", "last_updated_timestamp"]
            }
        }

        var orderableAttributes: [String] {
            switch self {
            case .registeredModels: ["name", "creation_timestamp", "last_updated_timestamp"]
            case .modelVersions: ["name", "version_number", "creation_timestamp", "last_updated_timestamp"]
            }
        }
    }

    static let numericComparators = ["=", "!=", "<", "<=", ">", ">="]
    static let tagComparators = ["=", "!=", "LIKE", "ILIKE"]

    public static func parse(_ filter: String, for target: Target) throws(TrackError) -> [SearchClause] {
        if filter.allSatisfy(\.isWhitespace) { return [] }
        let (comparisons, invalid) = FilterSyntax.comparisons(of: FilterTokenizer.tokenize(filter))
        if !invalid.isEmpty {
            throw .invalidParameter("Invalid clause(s) in filter string: \(invalid.joined(separator: ", "))")
        }
        var clauses: [SearchClause] = []
        for comparison in comparisons {
            clauses.append(try read(comparison, target))
        }
        return clauses
    }

    static func read(_ comparison: FilterComparison, _ target: Target) throws(TrackError) -> SearchClause {
        let (entityName, key) = FilterSyntax.split(comparison.identifier)
        let entity: SearchEntity
        let comparators: [String]
        switch entityName {
        case "tags", "tag":
            entity = .tag
            comparators = tagComparators
        case nil, "attribute", "attributes":
            entity = .attribute
            if let strings = target.stringAttributes[key] {
                comparators = strings
            } else if target.numericAttributes.contains(key) {
                comparators = numericComparators
            } else {
                let valid = (Array(target.stringAttributes.keys).sorted() + target.numericAttributes).sorted()
                throw .invalidParameter("Invalid attribute key '\(key)' specified. Valid keys are '\(FilterSyntax.pythonSet(valid))'")
            }
        default:
            throw .invalidParameter("Invalid entity type '\(entityName ?? "")'. Valid values are ['tag', 'attribute']")
        }
        guard comparators.contains(comparison.comparator), let operand = comparison.operand else {
            throw .invalidParameter("Invalid comparator '\(comparison.comparator)' not one of '\(FilterSyntax.pythonSet(comparators))'")
        }
        let comparator = SearchComparator(rawValue: comparison.comparator) ?? .equal
        if entity == .attribute, target.numericAttributes.contains(key) {
            guard let number = FilterSyntax.numberValue(operand) else {
                throw .invalidParameter("Expected numeric value type for numeric attribute: \(key). Found \(operand.text)")
            }
            return SearchClause(entity: entity, key: key, comparator: comparator, value: .number(number))
        }
        switch operand {
        case .token(let token):
            guard comparator != .in, comparator != .notIn, let string = try FilterSyntax.stringValue(token) else {
                throw .invalidParameter("Expected a quoted string value for \(key). Got value \(operand.text)")
            }
            return SearchClause(entity: entity, key: key, comparator: comparator, value: .string(string))
        case .group(let text, let inner):
            guard comparator == .in || comparator == .notIn else {
                throw .invalidParameter("Expected a quoted string value for \(key). Got value \(text)")
            }
            return SearchClause(entity: entity, key: key, comparator: comparator, value: .list(try FilterSyntax.listValue(text, inner: inner)))
        }
    }

    /// One order-by term: `<attribute> [ASC|DESC]`.
    public static func parseOrderBy(_ term: String, for target: Target) throws(TrackError) -> SearchOrder {
        let (identifier, ascending) = try FilterSyntax.orderByTerm(term)
        let (entity, written) = FilterSyntax.splitOrderBy(identifier)
        let key = written == "timestamp" ? "last_updated_timestamp" : written
        guard entity == nil || entity == "attribute", target.orderableAttributes.contains(key) else {
            throw .invalidParameter(
                "Invalid order by key '\(written)' specified. Valid keys are '\(FilterSyntax.pythonSet(target.orderableAttributes))'"
            )
        }
        return SearchOrder(entity: .attribute, key: key, ascending: ascending)
    }
}
