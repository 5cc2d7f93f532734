/// A registered model: a name under which versions of a model are kept, tagged and aliased.
public struct RegisteredModel: Sendable, Equatable {
    public var name: String
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    public var description: String?
    /// The newest version in each stage, ordered by stage.
    public var latestVersions: [ModelVersion]
    /// Sorted by key.
    public var tags: [Tag]
    /// Sorted by alias.
    public var aliases: [ModelAlias]

    public init(
        name: String, creationTime: Int64, lastUpdateTime: Int64, description: String? = nil,
        latestVersions: [ModelVersion] = [], tags: [Tag] = [], aliases: [ModelAlias] = []
    ) {
        self.name = name
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
        self.description = description
        self.latestVersions = latestVersions
        self.tags = tags
        self.aliases = aliases
    }
}

/// An alias (`champion`) naming one version of a registered model.
public struct ModelAlias: Sendable, Equatable {
    public var alias: String
    public var version: Int64

    public init(alias: String, version: Int64) {
        self.alias = alias
        self.version = version
    }
}

/// The deployment stage of a model version (MLflow's stages, deprecated there but still used).
public enum ModelStage: String, Sendable, Equatable, CaseIterable {
    case none = "None"
    case staging = "Staging"
    case production = "Production"
    case archived = "Archived"

    /// A stage as clients write it, in any case.
    public init?(wireValue: String) {
        guard let stage = Self.allCases.first(where: { $0.rawValue.lowercased() == wireValue.lowercased() }) else { return nil }
        self = stage
    }
}

/// One version of a registered model: where its files are (`source`) and what made them.
public struct ModelVersion: Sendable, Equatable {
    public var name: String
    public var version: Int64
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    public var stage: ModelStage
    public var description: String?
    public var source: String
    public var runID: String?
    public var modelID: String?
    /// Sorted by key.
    public var tags: [Tag]
    /// Sorted.
    public var aliases: [String]

    public init(
        name: String, version: Int64, creationTime: Int64, lastUpdateTime: Int64, stage: ModelStage = .none,
        description: String? = nil, source: String, runID: String? = nil, modelID: String? = nil, tags: [Tag] = [], aliases: [String] = []
    ) {
        self.name = name
        self.version = version
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
        self.stage = stage
        self.description = description
        self.source = source
        self.runID = runID
        self.modelID = modelID
        self.tags = tags
        self.aliases = aliases
    }
}

/// The fields of a new model version.
public struct ModelVersionCreation: Sendable {
    public var name: String
    public var source: String
    public var runID: String?
    public var modelID: String?
    public var description: String?
    public var tags: [Tag]

    public init(name: String, source: String, runID: String? = nil, modelID: String? = nil, description: String? = nil, tags: [Tag] = []) {
        self.name = name
        self.source = source
        self.runID = runID
        self.modelID = modelID
        self.description = description
        self.tags = tags
    }
}

/// What a search of registered models or of model versions asks for.
public struct RegistryQuery: Sendable {
    public var filter: [SearchClause]
    /// Attribute keys (canonical), in order.
    public var orderBy: [SearchOrder]
    public var maxResults: Int
    public var pageToken: String?

    public init(filter: [SearchClause] = [], orderBy: [SearchOrder] = [], maxResults: Int, pageToken: String? = nil) {
        self.filter = filter
        self.orderBy = orderBy
        self.maxResults = maxResults
        self.pageToken = pageToken
    }

    /// The only model names the filter can match (`name = 'x'`, `name IN (…)`), so a store need
    /// not load the others; nil when it can match any name.
    public var pinnedNames: Set<String>? {
        var names: Set<String>?
        for clause in filter where clause.entity == .attribute && clause.key == "name" {
            let matched: Set<String>
            switch (clause.comparator, clause.value) {
            case (.equal, .string(let name)): matched = [name]
            case (.in, .list(let list)): matched = Set(list)
            default: continue
            }
            names = names.map { $0.intersection(matched) } ?? matched
        }
        return names
    }
}
