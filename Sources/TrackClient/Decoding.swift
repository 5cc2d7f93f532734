import TrackAPI
import TrackCore

/// Reads the tracking entities from MLflow's JSON shape (the server's answers). Lenient: a
/// missing field gets its zero value rather than failing a listing.
public enum Decoding {
    /// An int64 from a number or a digit string.
    public static func int64(_ value: JSONValue?) -> Int64? {
        switch value {
        case .number(let number)?: return number.int64Value ?? number.doubleValue.flatMap { Int64(exactly: $0) }
        case .string(let text)?: return Int64(text)
        default: return nil
        }
    }

    /// A double from a number, a numeric string or `"NaN"`/`"Infinity"`/`"-Infinity"`.
    public static func double(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let number)?: return number.doubleValue
        case .string(let text)?: return RequestParameters.parseDouble(text)
        default: return nil
        }
    }

    static func string(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: return text
        case .number(let number)?: return number.text
        case .bool(let flag)?: return flag ? "true" : "false"
        default: return ""
        }
    }

    static func keyValues(_ value: JSONValue?) -> [KeyValue] {
        (value?.arrayValue ?? []).map { KeyValue(key: string($0["key"]), value: string($0["value"])) }
    }

    public static func experiment(_ json: JSONValue) -> Experiment {
        Experiment(
            id: string(json["experiment_id"]),
            name: string(json["name"]),
            artifactLocation: string(json["artifact_location"]),
            lifecycleStage: LifecycleStage(rawValue: string(json["lifecycle_stage"])) ?? .active,
            creationTime: int64(json["creation_time"]) ?? 0,
            lastUpdateTime: int64(json["last_update_time"]) ?? 0,
            tags: keyValues(json["tags"])
        )
    }

    public static func runInfo(_ json: JSONValue) -> RunInfo {
        RunInfo(
            runID: string(json["run_id"] ?? json["run_uuid"]),
            experimentID: string(json["experiment_id"]),
            runName: string(json["run_name"]),
            userID: string(json["user_id"]),
            status: RunStatus(wireValue: string(json["status"])) ?? .running,
            startTime: int64(json["start_time"]) ?? 0,
            endTime: int64(json["end_time"]),
            artifactURI: string(json["artifact_uri"]),
            lifecycleStage: LifecycleStage(rawValue: string(json["lifecycle_stage"])) ?? .active
        )
    }

    public static func run(_ json: JSONValue) -> Run {
        let data = json["data"]
        let metrics: [Metric] = (data?["metrics"]?.arrayValue ?? []).map {
            Metric(key: string($0["key"]), value: double($0["value"]) ?? .nan, timestamp: int64($0["timestamp"]) ?? 0, step: int64($0["step"]) ?? 0)
        }
        return Run(
            info: runInfo(json["info"] ?? .null),
            data: RunData(metrics: metrics, params: keyValues(data?["params"]), tags: keyValues(data?["tags"])),
            inputs: RunInputs(
                datasetInputs: (json["inputs"]?["dataset_inputs"]?.arrayValue ?? []).map(datasetInput),
                modelInputs: (json["inputs"]?["model_inputs"]?.arrayValue ?? []).map(modelReference)
            ),
            outputs: RunOutputs(modelOutputs: (json["outputs"]?["model_outputs"]?.arrayValue ?? []).map(modelReference))
        )
    }

    static func datasetInput(_ json: JSONValue) -> DatasetInput {
        let dataset = json["dataset"] ?? .null
        return DatasetInput(
            tags: keyValues(json["tags"]),
            dataset: Dataset(
                name: string(dataset["name"]), digest: string(dataset["digest"]),
                sourceType: string(dataset["source_type"]), source: string(dataset["source"]),
                schema: dataset["schema"].map { string($0) }, profile: dataset["profile"].map { string($0) }
            )
        )
    }

    static func modelReference(_ json: JSONValue) -> ModelReference {
        ModelReference(modelID: string(json["model_id"]), step: int64(json["step"]) ?? 0)
    }
}

/// The summary of one metric of one run (`GET /api/2.0/track/runs/summaries`).
public struct RunMetricSummary: Sendable, Equatable {
    public var runID: String
    public var key: String
    public var last: Double
    public var lastStep: Int64
    public var lastTimestamp: Int64
    public var min: Double
    public var max: Double
    public var count: Int64

    public init(runID: String, key: String, last: Double, lastStep: Int64, lastTimestamp: Int64, min: Double, max: Double, count: Int64) {
        self.runID = runID
        self.key = key
        self.last = last
        self.lastStep = lastStep
        self.lastTimestamp = lastTimestamp
        self.min = min
        self.max = max
        self.count = count
    }

    public static func == (a: RunMetricSummary, b: RunMetricSummary) -> Bool {
        a.runID == b.runID && a.key == b.key && a.last.bitPattern == b.last.bitPattern && a.lastStep == b.lastStep
            && a.lastTimestamp == b.lastTimestamp && a.min.bitPattern == b.min.bitPattern && a.max.bitPattern == b.max.bitPattern
            && a.count == b.count
    }
}

/// A downsampled series (`GET /api/2.0/track/metrics/series`), ordered by step.
public struct MetricSeries: Sendable, Equatable {
    public var runID: String
    public var key: String
    public var steps: [Int64]
    public var timestamps: [Int64]
    public var values: [Double]

    public init(runID: String, key: String, steps: [Int64], timestamps: [Int64], values: [Double]) {
        self.runID = runID
        self.key = key
        self.steps = steps
        self.timestamps = timestamps
        self.values = values
    }

    public static func == (a: MetricSeries, b: MetricSeries) -> Bool {
        a.runID == b.runID && a.key == b.key && a.steps == b.steps && a.timestamps == b.timestamps
            && a.values.map(\.bitPattern) == b.values.map(\.bitPattern)
    }
}

/// One entry of a run's artifact listing (`artifacts/list`): `path` is relative to the run's
/// artifact root, as the server wrote it (unchecked).
public struct ArtifactFile: Sendable, Equatable {
    public var path: String
    public var isDirectory: Bool
    public var size: Int64?

    public init(path: String, isDirectory: Bool, size: Int64?) {
        self.path = path
        self.isDirectory = isDirectory
        self.size = size
    }
}
