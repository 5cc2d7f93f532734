/// The entity a filter or order-by clause refers to.
public enum SearchEntity: String, Sendable, Equatable {
    case metric
    case param = "parameter"
    case tag
    case attribute
    case dataset
}

/// A comparison operator in a filter clause.
public enum SearchComparator: String, Sendable, Equatable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case like = "LIKE"
    case ilike = "ILIKE"
    case `in` = "IN"
    case notIn = "NOT IN"
    case isNull = "IS NULL"
    case isNotNull = "IS NOT NULL"
}

/// The right-hand side of a filter clause.
public enum SearchValue: Sendable, Equatable {
    case number(Double)
    case string(String)
    case list([String])
    case none
}

/// One `entity.key comparator value` clause. Clauses of a filter are joined by AND.
public struct SearchClause: Sendable, Equatable {
    public var entity: SearchEntity
    /// The key: metric/param/tag name, or the canonical attribute name
    /// (`run_id`, `run_name`, `status`, `user_id`, `artifact_uri`, `start_time`, `end_time`,
    /// `lifecycle_stage`, for experiments also `name`, `creation_time`, `last_update_time`).
    public var key: String
    public var comparator: SearchComparator
    public var value: SearchValue

    public init(entity: SearchEntity, key: String, comparator: SearchComparator, value: SearchValue) {
        self.entity = entity
        self.key = key
        self.comparator = comparator
        self.value = value
    }
}

/// One `entity.key [ASC|DESC]` order-by term.
public struct SearchOrder: Sendable, Equatable {
    public var entity: SearchEntity
    public var key: String
    public var ascending: Bool

    public init(entity: SearchEntity, key: String, ascending: Bool) {
        self.entity = entity
        self.key = key
        self.ascending = ascending
    }
}
