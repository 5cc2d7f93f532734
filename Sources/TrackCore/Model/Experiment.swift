/// An experiment: a named group of runs.
public struct Experiment: Sendable, Equatable {
    public var id: String
    public var name: String
    public var artifactLocation: String
    public var lifecycleStage: LifecycleStage
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    public var tags: [Tag]

    public init(
        id: String, name: String, artifactLocation: String, lifecycleStage: LifecycleStage,
        creationTime: Int64, lastUpdateTime: Int64, tags: [Tag] = []
    ) {
        self.id = id
        self.name = name
        self.artifactLocation = artifactLocation
        self.lifecycleStage = lifecycleStage
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
        self.tags = tags
    }

    /// The id of the experiment every fresh store contains.
    public static let defaultID = "0"
    /// The name of the experiment every fresh store contains.
    public static let defaultName = "Default"
}

/// Counts and recency of an experiment's runs, for listings.
public struct ExperimentSummary: Sendable, Equatable {
    public var experimentID: String
    /// Active (not deleted) runs.
    public var runCount: Int64
    public var runningCount: Int64
    /// The latest start or end time of its runs, epoch milliseconds; `nil` without runs.
    public var lastActivity: Int64?

    public init(experimentID: String, runCount: Int64, runningCount: Int64, lastActivity: Int64?) {
        self.experimentID = experimentID
        self.runCount = runCount
        self.runningCount = runningCount
        self.lastActivity = lastActivity
    }
}
