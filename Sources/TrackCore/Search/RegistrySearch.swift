/// Filters, orders and pages registered models and model versions in memory, the same for every
/// store (see ``RegistryFilterParser`` for what a filter may say).
public enum RegistrySearch {
    public static func registeredModels(_ models: [RegisteredModel], _ query: RegistryQuery) throws(TrackError) -> Page<RegisteredModel> {
        let matching = models.filter { model in
            query.filter.allSatisfy { matches(attribute: attribute(of: model, $0.key), tags: model.tags, $0) }
        }
        let byName = SearchOrder(entity: .attribute, key: "name", ascending: true)
        let orders = withDefaults(query.orderBy, default: [byName], tiebreakers: [byName])
        let ordered = InMemorySearch.sorted(matching, ascending: orders.map(\.ascending)) { model in
            orders.map { attribute(of: model, $0.key) }
        }
        return try InMemorySearch.page(ordered, maxResults: query.maxResults, pageToken: query.pageToken)
    }

    public static func modelVersions(_ versions: [ModelVersion], _ query: RegistryQuery) throws(TrackError) -> Page<ModelVersion> {
        let matching = versions.filter { version in
            query.filter.allSatisfy { matches(attribute: attribute(of: version, $0.key), tags: version.tags, $0) }
        }
        let byName = SearchOrder(entity: .attribute, key: "name", ascending: true)
        let newestVersion = SearchOrder(entity: .attribute, key: "version_number", ascending: false)
        let orders = withDefaults(
            query.orderBy, default: [SearchOrder(entity: .attribute, key: "last_updated_timestamp", ascending: false), byName, newestVersion],
            tiebreakers: [byName, newestVersion]
        )
        let ordered = InMemorySearch.sorted(matching, ascending: orders.map(\.ascending)) { version in
            orders.map { attribute(of: version, $0.key) }
        }
        return try InMemorySearch.page(ordered, maxResults: query.maxResults, pageToken: query.pageToken)
    }

    /// The requested order, or the default one, then each tiebreaker not already ordered on.
    static func withDefaults(_ requested: [SearchOrder], default defaults: [SearchOrder], tiebreakers: [SearchOrder]) -> [SearchOrder] {
        var orders = requested.isEmpty ? defaults : requested
        for tiebreaker in tiebreakers where !orders.contains(where: { $0.key == tiebreaker.key }) {
            orders.append(tiebreaker)
        }
        return orders
    }

    static func matches(attribute: InMemorySearch.SortKey, tags: [Tag], _ clause: SearchClause) -> Bool {
        if clause.entity == .tag {
            guard let value = tags.first(where: { $0.key == clause.key })?.value else {
                // An unset tag differs from any value: the client's own filter
                // `tag.mlflow.prompt.is_prompt != 'true'` must keep every model without it.
                return clause.comparator == .notEqual
            }
            return InMemorySearch.compare(value, clause.comparator, clause.value)
        }
        switch (attribute, clause.value) {
        case (.number(let number), .number(let wanted)): return InMemorySearch.compare(number, clause.comparator, wanted)
        case (.text(let text), _): return InMemorySearch.compare(text, clause.comparator, clause.value)
        default: return false
        }
    }

    static func attribute(of model: RegisteredModel, _ key: String) -> InMemorySearch.SortKey {
        switch key {
        case "name": .text(model.name)
        case "creation_timestamp": .number(Double(model.creationTime))
        case "last_updated_timestamp": .number(Double(model.lastUpdateTime))
        default: .missing
        }
    }

    static func attribute(of version: ModelVersion, _ key: String) -> InMemorySearch.SortKey {
        switch key {
        case "name": .text(version.name)
        case "version_number": .number(Double(version.version))
        case "run_id": version.runID.map { .text($0) } ?? .missing
        case "source_path": .text(version.source)
        case "creation_timestamp": .number(Double(version.creationTime))
        case "last_updated_timestamp": .number(Double(version.lastUpdateTime))
        default: .missing
        }
    }
}
