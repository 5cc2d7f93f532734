import GRDB
import TrackCore

/// Turns a parsed runs query into SQL with bound arguments; user text is never pasted into the
/// SQL. Missing keys never match a clause and sort last in both directions; ties fall back to
/// `start_time DESC, run_id`.
struct RunSearchSQL {
    var sql: String
    var arguments: StatementArguments

    init(query: RunQuery, experimentNumbers: [Int64], limit: Int, offset: Int) throws {
        var conditions: [String] = []
        var arguments = StatementArguments()
        let placeholders = Array(repeating: "?", count: experimentNumbers.count).joined(separator: ",")
        conditions.append("r.experiment_id IN (\(placeholders))")
        arguments += StatementArguments(experimentNumbers)
        let stages = query.viewType.stages.map { "'\($0.rawValue)'" }.joined(separator: ",")
        conditions.append("r.lifecycle_stage IN (\(stages))")

        for clause in query.filter {
            let (sql, args) = try Self.condition(for: clause)
            conditions.append(sql)
            arguments += args
        }

        var orderTerms: [String] = []
        var orderArguments = StatementArguments()
        for order in query.orderBy {
            let (expression, args) = try Self.sortExpression(for: order)
            let direction = order.ascending ? "ASC" : "DESC"
            // Missing values sort last in both directions; for metrics NaN sorts after every
            // number and before missing values, in both directions, as in MLflow.
            orderTerms.append("(\(expression)) IS NULL")
            orderArguments += args
            if order.entity == .metric {
                let positiveInfinity = Double.infinity.orderPreservingBits
                let negativeInfinity = (-Double.infinity).orderPreservingBits
                orderTerms.append("((\(expression)) > \(positiveInfinity) OR (\(expression)) < \(negativeInfinity))")
                orderArguments += args
                orderArguments += args
            }
            orderTerms.append("(\(expression)) \(direction)")
            orderArguments += args
        }
        orderTerms.append("r.start_time DESC")
        orderTerms.append("r.run_id ASC")

        sql = """
            SELECT r.run_key FROM runs r
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(orderTerms.joined(separator: ", "))
            LIMIT \(limit) OFFSET \(offset)
            """
        arguments += orderArguments
        self.arguments = arguments
    }

    private static func condition(for clause: SearchClause) throws -> (String, StatementArguments) {
        switch clause.entity {
        case .metric:
            let (sql, args) = try SQLComparison.number(column: "s.last_value", comparator: clause.comparator, value: clause.value, what: "metric")
            return ("EXISTS (SELECT 1 FROM metric_series s WHERE s.run_key = r.run_key AND s.key = ? AND \(sql))", [clause.key] + args)
        case .param, .tag:
            let table = clause.entity == .param ? "params" : "tags"
            switch clause.comparator {
            case .isNull:
                return ("NOT EXISTS (SELECT 1 FROM \(table) p WHERE p.run_key = r.run_key AND p.key = ?)", [clause.key])
            case .isNotNull:
                return ("EXISTS (SELECT 1 FROM \(table) p WHERE p.run_key = r.run_key AND p.key = ?)", [clause.key])
            default:
                let (sql, args) = try SQLComparison.string(column: "p.value", comparator: clause.comparator, value: clause.value, what: clause.entity == .param ? "parameter" : "tag")
                return ("EXISTS (SELECT 1 FROM \(table) p WHERE p.run_key = r.run_key AND p.key = ? AND \(sql))", [clause.key] + args)
            }
        case .attribute:
            let column = try attributeColumn(clause.key)
            if numericAttributes.contains(clause.key) {
                return try SQLComparison.number(column: column, comparator: clause.comparator, value: clause.value, what: "attribute")
            }
            return try SQLComparison.string(column: column, comparator: clause.comparator, value: clause.value, what: "attribute")
        case .dataset:
            let column: String
            switch clause.key {
            case "name": column = "d.name"
            case "digest": column = "d.digest"
            case "context": column = "d.context"
            default: throw TrackError.invalidParameter("Invalid dataset key '\(clause.key)'. Valid keys are ['name', 'digest', 'context'].")
            }
            let (sql, args) = try SQLComparison.string(column: column, comparator: clause.comparator, value: clause.value, what: "dataset")
            return ("EXISTS (SELECT 1 FROM dataset_inputs d WHERE d.run_key = r.run_key AND \(sql))", args)
        }
    }

    private static func sortExpression(for order: SearchOrder) throws -> (String, StatementArguments) {
        switch order.entity {
        case .metric:
            return ("SELECT s.last_value_bits FROM metric_series s WHERE s.run_key = r.run_key AND s.key = ?", [order.key])
        case .param:
            return ("SELECT p.value FROM params p WHERE p.run_key = r.run_key AND p.key = ?", [order.key])
        case .tag:
            return ("SELECT t.value FROM tags t WHERE t.run_key = r.run_key AND t.key = ?", [order.key])
        case .attribute:
            return (try attributeColumn(order.key), [])
        case .dataset:
            throw TrackError.invalidParameter("Ordering by dataset is not supported: '\(order.key)'.")
        }
    }

    private static let numericAttributes: Set<String> = ["start_time", "end_time", "created"]

    private static func attributeColumn(_ key: String) throws -> String {
        switch key {
        case "run_id", "run_uuid": return "r.run_id"
        case "run_name": return "r.name"
        case "status": return "r.status"
        case "user_id": return "r.user_id"
        case "artifact_uri": return "r.artifact_uri"
        case "lifecycle_stage": return "r.lifecycle_stage"
        case "start_time", "created": return "r.start_time"
        case "end_time": return "r.end_time"
        default:
            throw TrackError.invalidParameter(
                "Invalid attribute key '\(key)' specified. Valid keys are '['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time']'"
            )
        }
    }
}
