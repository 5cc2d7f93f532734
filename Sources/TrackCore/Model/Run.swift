/// A run with everything logged to it.
public struct Run: Sendable, Equatable {
    public var info: RunInfo
    public var data: RunData
    public var inputs: RunInputs
    public var outputs: RunOutputs

    public init(info: RunInfo, data: RunData = RunData(), inputs: RunInputs = RunInputs(), outputs: RunOutputs = RunOutputs()) {
        self.info = info
        self.data = data
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// The identity and lifecycle of a run.
public struct RunInfo: Sendable, Equatable {
    public var runID: String
    public var experimentID: String
    public var runName: String
    public var userID: String
    public var status: RunStatus
    public var startTime: Int64
    public var endTime: Int64?
    public var artifactURI: String
    public var lifecycleStage: LifecycleStage

    public init(
        runID: String, experimentID: String, runName: String, userID: String, status: RunStatus,
        startTime: Int64, endTime: Int64?, artifactURI: String, lifecycleStage: LifecycleStage
    ) {
        self.runID = runID
        self.experimentID = experimentID
        self.runName = runName
        self.userID = userID
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
        self.artifactURI = artifactURI
        self.lifecycleStage = lifecycleStage
    }
}

/// Params, tags and the latest value of every metric of a run.
public struct RunData: Sendable, Equatable {
    /// The latest value per key (largest `(step, timestamp, value)`).
    public var metrics: [Metric]
    public var params: [Param]
    public var tags: [Tag]

    public init(metrics: [Metric] = [], params: [Param] = [], tags: [Tag] = []) {
        self.metrics = metrics
        self.params = params
        self.tags = tags
    }
}

/// A dataset a run consumed.
public struct Dataset: Sendable, Equatable {
    public var name: String
    public var digest: String
    public var sourceType: String
    public var source: String
    public var schema: String?
    public var profile: String?

    public init(name: String, digest: String, sourceType: String, source: String, schema: String? = nil, profile: String? = nil) {
        self.name = name
        self.digest = digest
        self.sourceType = sourceType
        self.source = source
        self.schema = schema
        self.profile = profile
    }
}

/// A dataset input with its tags (for example `mlflow.data.context`).
public struct DatasetInput: Sendable, Equatable {
    public var tags: [Tag]
    public var dataset: Dataset

    public init(tags: [Tag], dataset: Dataset) {
        self.tags = tags
        self.dataset = dataset
    }
}

/// A model a run consumed or produced, with the step it relates to.
public struct ModelReference: Sendable, Equatable {
    public var modelID: String
    public var step: Int64

    public init(modelID: String, step: Int64 = 0) {
        self.modelID = modelID
        self.step = step
    }
}

public struct RunInputs: Sendable, Equatable {
    public var datasetInputs: [DatasetInput]
    public var modelInputs: [ModelReference]

    public init(datasetInputs: [DatasetInput] = [], modelInputs: [ModelReference] = []) {
        self.datasetInputs = datasetInputs
        self.modelInputs = modelInputs
    }
}

public struct RunOutputs: Sendable, Equatable {
    public var modelOutputs: [ModelReference]

    public init(modelOutputs: [ModelReference] = []) {
        self.modelOutputs = modelOutputs
    }
}
