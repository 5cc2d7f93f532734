import TrackCore

/// Writes logged models in MLflow 3's JSON shape: `{"info": {…}, "data": {"params", "metrics"}}`.
extension JSONWriter {
    public mutating func loggedModel(_ model: LoggedModel) {
        beginObject()
        key("info"); beginObject()
        key("model_id"); string(model.modelID)
        key("experiment_id"); string(model.experimentID)
        key("name"); string(model.name)
        key("creation_timestamp_ms"); int(model.creationTime)
        key("last_updated_timestamp_ms"); int(model.lastUpdateTime)
        key("artifact_uri"); string(model.artifactURI)
        key("status"); string(model.status.rawValue)
        if let message = model.statusMessage { key("status_message"); string(message) }
        key("model_type"); string(model.modelType ?? "")
        if let runID = model.sourceRunID { key("source_run_id"); string(runID) }
        keyValues("tags", model.tags)
        endObject()
        key("data"); beginObject()
        keyValues("params", model.params)
        if !model.metrics.isEmpty {
            key("metrics"); beginArray()
            for entry in model.metrics { loggedModelMetric(entry) }
            endArray()
        }
        endObject()
        endObject()
    }

    mutating func loggedModelMetric(_ entry: LoggedModelMetric) {
        beginObject()
        key("key"); string(entry.metric.key)
        key("value"); double(entry.metric.value)
        key("timestamp"); int(entry.metric.timestamp)
        key("step"); int(entry.metric.step)
        key("model_id"); string(entry.modelID)
        if let name = entry.datasetName { key("dataset_name"); string(name) }
        if let digest = entry.datasetDigest { key("dataset_digest"); string(digest) }
        if let runID = entry.runID { key("run_id"); string(runID) }
        endObject()
    }
}
