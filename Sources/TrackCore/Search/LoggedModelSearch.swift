/// Filters, orders and pages logged models in memory, the same for every store: a store loads
/// the active models of the searched experiments and hands them here.
public enum LoggedModelSearch {
    public static func page(_ models: [LoggedModel], _ query: LoggedModelQuery) throws(TrackError) -> Page<LoggedModel> {
        let ordered = sorted(models.filter { matches($0, query) }, by: query.orderBy)
        return try InMemorySearch.page(ordered, maxResults: query.maxResults, pageToken: query.pageToken)
    }

    // MARK: - Filter

    static func matches(_ model: LoggedModel, _ query: LoggedModelQuery) -> Bool {
        var sawMetricClause = false
        for clause in query.filter {
            switch clause.entity {
            case .metric:
                sawMetricClause = true
                guard case .number(let wanted) = clause.value else { return false }
                let found = model.metrics.contains { metric in
                    metric.metric.key == clause.key && onDatasets(metric, query.datasets)
                        && InMemorySearch.compare(metric.metric.value, clause.comparator, wanted)
                }
                if !found { return false }
            case .param:
                guard let value = model.params.first(where: { $0.key == clause.key })?.value,
                      InMemorySearch.compare(value, clause.comparator, clause.value) else { return false }
            case .tag:
                guard let value = model.tags.first(where: { $0.key == clause.key })?.value,
                      InMemorySearch.compare(value, clause.comparator, clause.value) else { return false }
            case .attribute:
                guard attributeMatches(model, clause) else { return false }
            case .dataset:
                return false
            }
        }
        // Datasets without a metric clause: the model must have a metric on one of them.
        if !query.datasets.isEmpty, !sawMetricClause {
            return model.metrics.contains { onDatasets($0, query.datasets) }
        }
        return true
    }

    static func onDatasets(_ metric: LoggedModelMetric, _ datasets: [LoggedModelDatasetFilter]) -> Bool {
        datasets.isEmpty || datasets.contains { $0.contains(metric) }
    }

    static func attributeMatches(_ model: LoggedModel, _ clause: SearchClause) -> Bool {
        switch clause.key {
        case "creation_timestamp", "last_updated_timestamp":
            guard case .number(let wanted) = clause.value else { return false }
            let time = clause.key == "creation_timestamp" ? model.creationTime : model.lastUpdateTime
            return InMemorySearch.compare(Double(time), clause.comparator, wanted)
        case "status":
            // `READY` and `LOGGED_MODEL_READY` name the same status.
            let canonical: (String) -> String = { LoggedModelStatus(wireValue: $0)?.rawValue ?? $0 }
            let value: SearchValue
            switch clause.value {
            case .string(let text) where clause.comparator == .equal || clause.comparator == .notEqual: value = .string(canonical(text))
            case .list(let items): value = .list(items.map(canonical))
            default: value = clause.value
            }
            return InMemorySearch.compare(model.status.rawValue, clause.comparator, value)
        default:
            let field: String? = switch clause.key {
            case "name": model.name
            case "model_id": model.modelID
            case "model_type": model.modelType
            case "source_run_id": model.sourceRunID
            default: nil
            }
            guard let field else { return false }
            return InMemorySearch.compare(field, clause.comparator, clause.value)
        }
    }

    // MARK: - Order

    /// The requested order, then newest first and model id, unless those were asked for.
    /// Missing values (no such metric, no model type) go last in either direction.
    static func sorted(_ models: [LoggedModel], by orders: [LoggedModelOrder]) -> [LoggedModel] {
        var orders = orders
        if !orders.contains(where: { $0.entity == .attribute && $0.key == "creation_timestamp" }) {
            orders.append(LoggedModelOrder(entity: .attribute, key: "creation_timestamp", ascending: false))
        }
        if !orders.contains(where: { $0.entity == .attribute && $0.key == "model_id" }) {
            orders.append(LoggedModelOrder(entity: .attribute, key: "model_id", ascending: true))
        }
        return InMemorySearch.sorted(models, ascending: orders.map(\.ascending)) { model in orders.map { sortKey(model, $0) } }
    }

    static func sortKey(_ model: LoggedModel, _ order: LoggedModelOrder) -> InMemorySearch.SortKey {
        if order.entity == .metric {
            // The latest value: newest timestamp, then highest step, then first run id.
            let candidates = model.metrics.filter { metric in
                metric.metric.key == order.key
                    && (order.datasetName == nil || metric.datasetName == order.datasetName)
                    && (order.datasetDigest == nil || metric.datasetDigest == order.datasetDigest)
            }
            let latest = candidates.min { a, b in
                if a.metric.timestamp != b.metric.timestamp { return a.metric.timestamp > b.metric.timestamp }
                if a.metric.step != b.metric.step { return a.metric.step > b.metric.step }
                return (a.runID ?? "") < (b.runID ?? "")
            }
            return latest.map { .number($0.metric.value) } ?? .missing
        }
        switch order.key {
        case "creation_timestamp": return .number(Double(model.creationTime))
        case "last_updated_timestamp": return .number(Double(model.lastUpdateTime))
        case "name": return .text(model.name)
        case "model_id": return .text(model.modelID)
        case "status": return .text(model.status.rawValue)
        case "model_type": return model.modelType.map { .text($0) } ?? .missing
        case "source_run_id": return model.sourceRunID.map { .text($0) } ?? .missing
        default: return .missing
        }
    }
}
