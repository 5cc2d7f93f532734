import GRDB
import TrackCore

/// Turns a parsed experiments query into SQL with bound arguments; user text is never pasted
/// into the SQL.
struct ExperimentSearchSQL {
    var whereSQL: String
    var arguments: StatementArguments
    var orderSQL: String

    init(query: ExperimentQuery) throws {
        var conditions: [String] = []
        var arguments = StatementArguments()
        let stages = query.viewType.stages.map { "'\($0.rawValue)'" }.joined(separator: ",")
        conditions.append("lifecycle_stage IN (\(stages))")
        for clause in query.filter {
            switch clause.entity {
            case .tag:
                let (sql, args) = try SQLComparison.string(
                    column: "t.value", comparator: clause.comparator, value: clause.value, what: "tag"
                )
                if clause.comparator == .isNull {
                    conditions.append("NOT EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = experiments.experiment_id AND t.key = ?)")
                    arguments += [clause.key]
                } else {
                    conditions.append("EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = experiments.experiment_id AND t.key = ? AND \(sql))")
                    arguments += [clause.key]
                    arguments += args
                }
            case .attribute:
                switch clause.key {
                case "name":
                    let (sql, args) = try SQLComparison.string(column: "name", comparator: clause.comparator, value: clause.value, what: "attribute")
                    conditions.append(sql)
                    arguments += args
                case "creation_time", "last_update_time", "experiment_id":
                    let (sql, args) = try SQLComparison.number(column: clause.key, comparator: clause.comparator, value: clause.value, what: "attribute")
                    conditions.append(sql)
                    arguments += args
                default:
                    throw TrackError.invalidParameter("Invalid attribute key '\(clause.key)' specified. Valid keys are '['name', 'creation_time', 'last_update_time']'")
                }
            default:
                throw TrackError.invalidParameter("Invalid entity type '\(clause.entity.rawValue)' in experiment search filter.")
            }
        }
        var orders: [String] = []
        for order in query.orderBy {
            guard order.entity == .attribute, ["name", "experiment_id", "creation_time", "last_update_time"].contains(order.key) else {
                throw TrackError.invalidParameter("Invalid order_by entity: \(order.entity.rawValue).\(order.key)")
            }
            orders.append("\(order.key) \(order.ascending ? "ASC" : "DESC")")
        }
        if orders.isEmpty { orders.append("creation_time DESC") }
        orders.append("experiment_id ASC")
        self.whereSQL = conditions.joined(separator: " AND ")
        self.arguments = arguments
        self.orderSQL = orders.joined(separator: ", ")
    }
}

/// SQL for one comparison against a bound value.
enum SQLComparison {
    static func string(column: String, comparator: SearchComparator, value: SearchValue, what: String) throws -> (String, StatementArguments) {
        switch (comparator, value) {
        case (.isNull, _):
            return ("\(column) IS NULL", [])
        case (.isNotNull, _):
            return ("\(column) IS NOT NULL", [])
        case (.in, .list(let items)), (.notIn, .list(let items)):
            let placeholders = Array(repeating: "?", count: items.count).joined(separator: ",")
            let op = comparator == .in ? "IN" : "NOT IN"
            return ("\(column) \(op) (\(placeholders))", StatementArguments(items))
        case (_, .string(let text)):
            switch comparator {
            case .equal: return ("\(column) = ?", [text])
            case .notEqual: return ("\(column) != ?", [text])
            case .like: return ("\(column) LIKE ?", [text])
            case .ilike: return ("lower(\(column)) LIKE lower(?)", [text])
            case .less: return ("\(column) < ?", [text])
            case .lessOrEqual: return ("\(column) <= ?", [text])
            case .greater: return ("\(column) > ?", [text])
            case .greaterOrEqual: return ("\(column) >= ?", [text])
            default: break
            }
        default: break
        }
        throw TrackError.invalidParameter("Invalid comparator '\(comparator.rawValue)' for \(what) value \(describe(value)).")
    }

    static func number(column: String, comparator: SearchComparator, value: SearchValue, what: String) throws -> (String, StatementArguments) {
        guard case .number(let number) = value else {
            throw TrackError.invalidParameter("Expected numeric value type for \(what). Found \(describe(value)).")
        }
        let op: String
        switch comparator {
        case .equal: op = "="
        case .notEqual: op = "!="
        case .less: op = "<"
        case .lessOrEqual: op = "<="
        case .greater: op = ">"
        case .greaterOrEqual: op = ">="
        default:
            throw TrackError.invalidParameter("Invalid comparator '\(comparator.rawValue)' not one of '{'>=', '<=', '>', '<', '=', '!='}'")
        }
        return ("\(column) \(op) ?", [number])
    }

    static func describe(_ value: SearchValue) -> String {
        switch value {
        case .number(let n): return "\(n)"
        case .string(let s): return "'\(s)'"
        case .list(let items): return "(" + items.map { "'\($0)'" }.joined(separator: ", ") + ")"
        case .none: return "nothing"
        }
    }
}
