import TrackCore

/// Reads tracking entities from MLflow's JSON shape.
public enum WireDecoding {
    /// A metric object `{key, value, timestamp, step?}`; `field` prefixes messages (`metrics[3]`).
    public static func metric(_ object: JSONObject, field: String? = nil) throws(TrackError) -> Metric {
        func name(_ member: String) -> String { field.map { "\($0).\(member)" } ?? member }
        guard let keyValue = object["key"], let key = try RequestParameters.string(keyValue, name: name("key")) else {
            throw TrackError.missingParameter(name("key"))
        }
        guard let valueJSON = object["value"], let value = try RequestParameters.double(valueJSON, name: name("value")) else {
            throw TrackError.missingParameter(name("value"))
        }
        guard let timestampJSON = object["timestamp"], let timestamp = try RequestParameters.int64(timestampJSON, name: name("timestamp")) else {
            throw TrackError.missingParameter(name("timestamp"))
        }
        let step = try object["step"].flatMap { json throws(TrackError) in try RequestParameters.int64(json, name: name("step")) } ?? 0
        return Metric(key: key, value: value, timestamp: timestamp, step: step)
    }

    /// A `{key, value}` object; a missing value is refused, numbers are taken as their text.
    public static func keyValue(_ object: JSONObject, field: String) throws(TrackError) -> KeyValue {
        guard let keyJSON = object["key"], let key = try RequestParameters.string(keyJSON, name: "\(field).key") else {
            throw TrackError.missingParameter("\(field).key")
        }
        guard let valueJSON = object["value"], let value = try RequestParameters.string(valueJSON, name: "\(field).value") else {
            throw TrackError.missingParameter("\(field).value")
        }
        return KeyValue(key: key, value: value)
    }

    public static func keyValues(_ objects: [JSONObject], field: String) throws(TrackError) -> [KeyValue] {
        var result: [KeyValue] = []
        result.reserveCapacity(objects.count)
        for (index, object) in objects.enumerated() {
            result.append(try keyValue(object, field: "\(field)[\(index)]"))
        }
        return result
    }

    public static func metrics(_ objects: [JSONObject]) throws(TrackError) -> [Metric] {
        var result: [Metric] = []
        result.reserveCapacity(objects.count)
        for (index, object) in objects.enumerated() {
            result.append(try metric(object, index: index))
        }
        return result
    }

    /// `metrics[index]` of a batch. The common shape (string key, numeric value, timestamp and
    /// step) is read directly; anything else takes the general path, which also names the field
    /// in its errors, so the field name is only built when it is needed.
    @inline(__always)
    static func metric(_ object: JSONObject, index: Int) throws(TrackError) -> Metric {
        if case .string(let key)? = object["key"],
           case .number(let valueNumber)? = object["value"], let value = valueNumber.doubleValue,
           case .number(let timestampNumber)? = object["timestamp"], let timestamp = timestampNumber.int64Value {
            switch object["step"] {
            case nil, .null?:
                return Metric(key: key, value: value, timestamp: timestamp, step: 0)
            case .number(let stepNumber)?:
                if let step = stepNumber.int64Value {
                    return Metric(key: key, value: value, timestamp: timestamp, step: step)
                }
            default:
                break
            }
        }
        return try metric(object, field: "metrics[\(index)]")
    }

    /// The metrics of a batch that name a logged model (`model_id`, and optionally the
    /// `dataset_name` and `dataset_digest` they were computed on); `metrics` are the batch's
    /// metrics as ``metrics(_:)`` read them, in the same order.
    public static func modelMetrics(_ objects: [JSONObject], metrics: [Metric]) throws(TrackError) -> [LoggedModelMetric] {
        var result: [LoggedModelMetric] = []
        for (index, object) in objects.enumerated() where object["model_id"] != nil {
            if let entry = try modelMetric(RequestParameters(object: object), metric: metrics[index], field: "metrics[\(index)]") {
                result.append(entry)
            }
        }
        return result
    }

    /// A metric's link to a logged model, read from the fields beside it; nil without `model_id`.
    public static func modelMetric(_ parameters: RequestParameters, metric: Metric, field: String? = nil) throws(TrackError) -> LoggedModelMetric? {
        guard let modelID = try parameters.string("model_id"), !modelID.isEmpty else { return nil }
        return LoggedModelMetric(
            modelID: modelID, metric: metric,
            datasetName: try parameters.string("dataset_name").flatMap { $0.isEmpty ? nil : $0 },
            datasetDigest: try parameters.string("dataset_digest").flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    public static func datasetInput(_ object: JSONObject, index: Int) throws(TrackError) -> DatasetInput {
        let field = "datasets[\(index)]"
        let tags = try keyValues(try RequestParameters(object: object).objects("tags"), field: "\(field).tags")
        guard case .object(let dataset)? = object["dataset"] else { throw TrackError.missingParameter("\(field).dataset") }
        let parameters = RequestParameters(object: dataset)
        return DatasetInput(
            tags: tags,
            dataset: Dataset(
                name: try parameters.requiredString("name"),
                digest: try parameters.requiredString("digest"),
                sourceType: try parameters.string("source_type") ?? "",
                source: try parameters.string("source") ?? "",
                schema: try parameters.string("schema"),
                profile: try parameters.string("profile")
            )
        )
    }

    public static func modelReferences(_ objects: [JSONObject]) throws(TrackError) -> [ModelReference] {
        var result: [ModelReference] = []
        for object in objects {
            let parameters = RequestParameters(object: object)
            result.append(ModelReference(modelID: try parameters.requiredString("model_id"), step: try parameters.int64("step") ?? 0))
        }
        return result
    }
}
