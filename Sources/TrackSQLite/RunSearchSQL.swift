import GRDB
import TrackCore

/// Turns a parsed runs query into SQL with bound arguments; user text is never pasted into the
/// SQL. Missing keys never match a clause and sort last in both directions; ties fall back to
/// `start_time DESC, run_id`.
///
/// The query starts from the first param or tag clause that tests equality (`=` or `IN`), if
/// there is one, through the `(key, value)` index: that usually selects few runs, while the
/// others are then checked run by run. Without such a clause it walks the experiment's runs.
/// Order keys come from one join each (a run has at most one value per key).
struct RunSearchSQL {
    var sql: String
    var arguments: StatementArguments

    init(query: RunQuery, experimentNumbers: [Int64], limit: Int, offset: Int) throws {
        var from = "runs r"
        var joinArguments = StatementArguments()
        var conditions: [String] = []
        var arguments = StatementArguments()

        var clauses = query.filter
        if let index = clauses.firstIndex(where: Self.canDrive) {
            let driver = clauses.remove(at: index)
            let table = driver.entity == .param ? "params" : "tags"
            let (test, args) = try SQLComparison.string(column: "f.value", comparator: driver.comparator, value: driver.value, what: driver.entity == .param ? "parameter" : "tag")
            // SQLite's CROSS JOIN keeps this order: the index of the driver first, then the runs.
            from = "\(table) f CROSS JOIN runs r ON r.run_key = f.run_key"
            conditions.append("f.key = ? AND \(test)")
            arguments += [driver.key] + args
        }

        let placeholders = Array(repeating: "?", count: experimentNumbers.count).joined(separator: ",")
        conditions.append("r.experiment_id IN (\(placeholders))")
        arguments += StatementArguments(experimentNumbers)
        let stages = query.viewType.stages.map { "'\($0.rawValue)'" }.joined(separator: ",")
        conditions.append("r.lifecycle_stage IN (\(stages))")

        for clause in clauses {
            let (sql, args) = try Self.condition(for: clause)
            conditions.append(sql)
            arguments += args
        }

        var joins: [String] = []
        var orderTerms: [String] = []
        for (index, order) in query.orderBy.enumerated() {
            let direction = order.ascending ? "ASC" : "DESC"
            let expression: String
            switch order.entity {
            case .metric, .param, .tag:
                let alias = "o\(index)"
                let (table, column) = switch order.entity {
                case .metric: ("metric_series", "last_value_bits")
                case .param: ("params", "value")
                default: ("tags", "value")
                }
                joins.append("LEFT JOIN \(table) \(alias) ON \(alias).run_key = r.run_key AND \(alias).key = ?")
                joinArguments += [order.key]
                expression = "\(alias).\(column)"
            case .attribute:
                expression = try Self.attributeColumn(order.key)
            case .dataset:
                throw TrackError.invalidParameter("Ordering by dataset is not supported: '\(order.key)'.")
            }
            // Missing values sort last in both directions; for metrics NaN sorts after every
            // number and before missing values, in both directions, as in MLflow.
            orderTerms.append("\(expression) IS NULL")
            if order.entity == .metric {
                let positiveInfinity = Double.infinity.orderPreservingBits
                let negativeInfinity = (-Double.infinity).orderPreservingBits
                orderTerms.append("(\(expression) > \(positiveInfinity) OR \(expression) < \(negativeInfinity))")
            }
            orderTerms.append("\(expression) \(direction)")
        }
        orderTerms.append("r.start_time DESC")
        orderTerms.append("r.run_id ASC")

        sql = """
            SELECT r.run_key FROM \(from) \(joins.joined(separator: " "))
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(orderTerms.joined(separator: ", "))
            LIMIT \(limit) OFFSET \(offset)
            """
        self.arguments = joinArguments + arguments
    }

    /// A clause the query can start from: equality on a param or tag, which the `(key, value)`
    /// indexes find directly, and which each run matches at most once.
    private static func canDrive(_ clause: SearchClause) -> Bool {
        guard clause.entity == .param || clause.entity == .tag else { return false }
        switch (clause.comparator, clause.value) {
        case (.equal, .string), (.in, .list): return true
        default: return false
        }
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
