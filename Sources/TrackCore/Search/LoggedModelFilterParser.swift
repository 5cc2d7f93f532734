/// Parses the `filter` and `order_by` of `logged-models/search` (MLflow 3.17.2's
/// `search_logged_model_utils`).
///
/// Filter: comparisons joined by `AND`. Left side: a bare attribute or `attributes.<key>`,
/// `metrics.<key>`, `params.<key>` or `tags.<key>`:
///
/// | left side | comparators | right side |
/// | --- | --- | --- |
/// | `name`, `model_id`, `model_type`, `status`, `source_run_id`, `params.<k>`, `tags.<k>` | `= != LIKE ILIKE IN NOT IN` | quoted string, or a list of them |
/// | `creation_timestamp` (`creation_time`), `last_updated_timestamp` (`last_updated_time`), `metrics.<k>` | `= != < <= > >=` | number |
///
/// A metric clause holds when any value logged against the model under that key satisfies it.
/// Order-by fields: the attributes above, or `metrics.<key>` (by the latest value).
public enum LoggedModelFilterParser {
    static let entityNames: [String: SearchEntity] = [
        "attributes": .attribute, "metrics": .metric, "params": .param, "tags": .tag,
    ]
    static let aliases = [
        "creation_time": "creation_timestamp", "last_updated_time": "last_updated_timestamp",
    ]
    /// Canonical attribute keys.
    public static let attributes = ["name", "model_id", "model_type", "status", "source_run_id", "creation_timestamp", "last_updated_timestamp"]
    public static let numericAttributes: Set<String> = ["creation_timestamp", "last_updated_timestamp"]
    static let numericComparators = ["<", "<=", ">", ">=", "=", "!="]
    static let stringComparators = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"]

    /// Parses a filter into AND-ed clauses. Empty or blank → no clauses.
    public static func parse(_ filter: String) throws(TrackError) -> [SearchClause] {
        if filter.allSatisfy(\.isWhitespace) { return [] }
        let (comparisons, invalid) = FilterSyntax.comparisons(of: FilterTokenizer.tokenize(filter))
        if !invalid.isEmpty {
            throw .invalidParameter(
                "Invalid filter string: '\(filter)'. Expected a list of comparisons separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01')."
            )
        }
        var clauses: [SearchClause] = []
        for comparison in comparisons {
            clauses.append(try read(comparison))
        }
        return clauses
    }

    static func read(_ comparison: FilterComparison) throws(TrackError) -> SearchClause {
        let (entityName, written) = FilterSyntax.split(comparison.identifier)
        let (entity, key) = try identify(entityName, written)
        let numeric = entity == .metric || (entity == .attribute && numericAttributes.contains(key))
        let comparators = numeric ? numericComparators : stringComparators
        let shown = (entityName.map { "\($0)." } ?? "") + written
        guard comparators.contains(comparison.comparator), let operand = comparison.operand else {
            throw .invalidParameter(
                "Invalid comparison operator for \(shown): '\(comparison.comparator)'. Expected one of \(FilterSyntax.pythonTuple(comparators))."
            )
        }
        let comparator = SearchComparator(rawValue: comparison.comparator) ?? .equal
        let value: SearchValue
        if numeric {
            guard let number = FilterSyntax.numberValue(operand) else {
                throw .invalidParameter("Expected a numeric value for \(shown). Got value \(operand.text)")
            }
            value = .number(number)
        } else {
            switch operand {
            case .token(let token):
                guard comparator != .in, comparator != .notIn else {
                    throw .invalidParameter("Expected a list of quoted string values for \(comparison.comparator). Got value \(operand.text)")
                }
                guard let string = try FilterSyntax.stringValue(token) else {
                    throw .invalidParameter("Expected a quoted string value for \(shown). Got value \(operand.text)")
                }
                value = .string(string)
            case .group(let text, let inner):
                guard comparator == .in || comparator == .notIn else {
                    throw .invalidParameter("Expected a quoted string value for \(shown). Got value \(text)")
                }
                value = .list(try FilterSyntax.listValue(text, inner: inner))
            }
        }
        return SearchClause(entity: entity, key: key, comparator: comparator, value: value)
    }

    /// The entity and canonical key of a left side.
    static func identify(_ entityName: String?, _ key: String) throws(TrackError) -> (SearchEntity, String) {
        guard let entityName else { return (.attribute, try attribute(key)) }
        guard let entity = entityNames[entityName] else {
            throw .invalidParameter(
                "Invalid entity type: '\(entityName)'. Expected one of ['attributes', 'metrics', 'params', 'tags']."
            )
        }
        return entity == .attribute ? (entity, try attribute(key)) : (entity, key)
    }

    static func attribute(_ key: String) throws(TrackError) -> String {
        let canonical = aliases[key] ?? key
        guard attributes.contains(canonical) else {
            throw .invalidParameter("Invalid logged model search key '\(key)'")
        }
        return canonical
    }

    /// One `order_by` entry: `field_name` is an attribute or `metrics.<key>`.
    public static func parseOrderBy(fieldName: String, ascending: Bool, datasetName: String?, datasetDigest: String?) throws(TrackError) -> LoggedModelOrder {
        if let dot = fieldName.firstIndex(of: ".") {
            let entity = String(fieldName[..<dot])
            guard entity == "metrics" else {
                throw .invalidParameter("Invalid order by field name: \(fieldName). Only metrics are supported.")
            }
            return LoggedModelOrder(
                entity: .metric, key: String(fieldName[fieldName.index(after: dot)...]), ascending: ascending,
                datasetName: datasetName, datasetDigest: datasetDigest
            )
        }
        let canonical = aliases[fieldName] ?? fieldName
        guard attributes.contains(canonical) else {
            throw .invalidParameter("Invalid order by field name: \(fieldName)")
        }
        return LoggedModelOrder(entity: .attribute, key: canonical, ascending: ascending)
    }
}

/// One order-by entry of a logged-model search.
public struct LoggedModelOrder: Sendable, Equatable {
    /// `.attribute` (key canonical) or `.metric`.
    public var entity: SearchEntity
    public var key: String
    public var ascending: Bool
    /// For a metric: only values logged on this dataset count.
    public var datasetName: String?
    public var datasetDigest: String?

    public init(entity: SearchEntity, key: String, ascending: Bool, datasetName: String? = nil, datasetDigest: String? = nil) {
        self.entity = entity
        self.key = key
        self.ascending = ascending
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }
}

/// A dataset a logged-model search restricts metrics to: by name, and by digest when given.
public struct LoggedModelDatasetFilter: Sendable, Equatable {
    public var name: String
    public var digest: String?

    public init(name: String, digest: String? = nil) {
        self.name = name
        self.digest = digest
    }

    func contains(_ metric: LoggedModelMetric) -> Bool {
        metric.datasetName == name && (digest == nil || metric.datasetDigest == digest)
    }
}

/// What a logged-model search asks for.
public struct LoggedModelQuery: Sendable {
    public var experimentIDs: [String]
    public var filter: [SearchClause]
    public var datasets: [LoggedModelDatasetFilter]
    public var orderBy: [LoggedModelOrder]
    public var maxResults: Int
    public var pageToken: String?

    public static let defaultMaxResults = 100

    public init(
        experimentIDs: [String], filter: [SearchClause] = [], datasets: [LoggedModelDatasetFilter] = [],
        orderBy: [LoggedModelOrder] = [], maxResults: Int = defaultMaxResults, pageToken: String? = nil
    ) {
        self.experimentIDs = experimentIDs
        self.filter = filter
        self.datasets = datasets
        self.orderBy = orderBy
        self.maxResults = maxResults
        self.pageToken = pageToken
    }
}
