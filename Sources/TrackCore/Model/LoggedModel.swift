/// Where a logged model is in its upload: created pending, then finalized ready or failed.
public enum LoggedModelStatus: String, Sendable, Equatable, CaseIterable {
    case pending = "LOGGED_MODEL_PENDING"
    case ready = "LOGGED_MODEL_READY"
    case uploadFailed = "LOGGED_MODEL_UPLOAD_FAILED"

    /// The status a request names: the wire name, or its short form (`READY`) as filters write it.
    public init?(wireValue: String) {
        if let status = LoggedModelStatus(rawValue: wireValue) {
            self = status
        } else if let status = LoggedModelStatus(rawValue: "LOGGED_MODEL_" + wireValue) {
            self = status
        } else {
            return nil
        }
    }
}

/// A model logged to an experiment (MLflow 3's `LoggedModel`): its files live under
/// `artifactURI`, and it keeps its own params, tags and the metrics logged against it.
public struct LoggedModel: Sendable, Equatable {
    public var modelID: String
    public var experimentID: String
    public var name: String
    public var artifactURI: String
    public var status: LoggedModelStatus
    public var statusMessage: String?
    public var modelType: String?
    public var sourceRunID: String?
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    public var lifecycleStage: LifecycleStage
    /// Sorted by key.
    public var tags: [Tag]
    /// Sorted by key.
    public var params: [Param]
    /// Every point logged against the model, one per key, time, step, run and dataset, sorted by
    /// key, then time, step, run and dataset. Searches filter on any point and order by the
    /// latest (largest time, then step).
    public var metrics: [LoggedModelMetric]

    public init(
        modelID: String, experimentID: String, name: String, artifactURI: String, status: LoggedModelStatus,
        statusMessage: String? = nil, modelType: String? = nil, sourceRunID: String? = nil,
        creationTime: Int64, lastUpdateTime: Int64, lifecycleStage: LifecycleStage = .active,
        tags: [Tag] = [], params: [Param] = [], metrics: [LoggedModelMetric] = []
    ) {
        self.modelID = modelID
        self.experimentID = experimentID
        self.name = name
        self.artifactURI = artifactURI
        self.status = status
        self.statusMessage = statusMessage
        self.modelType = modelType
        self.sourceRunID = sourceRunID
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
        self.lifecycleStage = lifecycleStage
        self.tags = tags
        self.params = params
        self.metrics = metrics
    }
}

/// A metric point logged against a logged model: the run it was logged in and, when the client
/// names one, the dataset it was computed on.
public struct LoggedModelMetric: Sendable, Equatable {
    public var modelID: String
    public var metric: Metric
    public var runID: String?
    public var datasetName: String?
    public var datasetDigest: String?

    public init(modelID: String, metric: Metric, runID: String? = nil, datasetName: String? = nil, datasetDigest: String? = nil) {
        self.modelID = modelID
        self.metric = metric
        self.runID = runID
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }
}

/// The fields of a new logged model.
public struct LoggedModelCreation: Sendable {
    public var experimentID: String
    /// Generated (as run names are) when nil.
    public var name: String?
    public var modelType: String?
    public var sourceRunID: String?
    public var params: [Param]
    public var tags: [Tag]

    public init(experimentID: String, name: String? = nil, modelType: String? = nil, sourceRunID: String? = nil, params: [Param] = [], tags: [Tag] = []) {
        self.experimentID = experimentID
        self.name = name
        self.modelType = modelType
        self.sourceRunID = sourceRunID
        self.params = params
        self.tags = tags
    }
}
