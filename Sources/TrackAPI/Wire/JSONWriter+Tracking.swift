import TrackCore

/// Writes the tracking entities in MLflow's JSON shape: snake_case names, string ids, int64 as
/// numbers, NaN/±Infinity as strings, unset and empty repeated fields omitted.
extension JSONWriter {
    public mutating func experiment(_ experiment: Experiment) {
        beginObject()
        key("experiment_id"); string(experiment.id)
        key("name"); string(experiment.name)
        key("artifact_location"); string(experiment.artifactLocation)
        key("lifecycle_stage"); string(experiment.lifecycleStage.rawValue)
        key("last_update_time"); int(experiment.lastUpdateTime)
        key("creation_time"); int(experiment.creationTime)
        keyValues("tags", experiment.tags)
        endObject()
    }

    public mutating func runInfo(_ info: RunInfo) {
        beginObject()
        key("run_uuid"); string(info.runID)
        key("experiment_id"); string(info.experimentID)
        key("run_name"); string(info.runName)
        key("user_id"); string(info.userID)
        key("status"); string(info.status.rawValue)
        key("start_time"); int(info.startTime)
        if let endTime = info.endTime { key("end_time"); int(endTime) }
        key("artifact_uri"); string(info.artifactURI)
        key("lifecycle_stage"); string(info.lifecycleStage.rawValue)
        key("run_id"); string(info.runID)
        endObject()
    }

    /// A run; `includeOutputs` is false for `runs/create`, whose answer has no `outputs`.
    public mutating func run(_ run: Run, includeOutputs: Bool = true) {
        beginObject()
        key("info"); runInfo(run.info)
        key("data"); beginObject()
        if !run.data.metrics.isEmpty {
            key("metrics"); beginArray()
            for metric in run.data.metrics { self.metric(metric) }
            endArray()
        }
        keyValues("params", run.data.params)
        keyValues("tags", run.data.tags)
        endObject()
        key("inputs"); runInputs(run.inputs)
        if includeOutputs {
            key("outputs"); beginObject()
            if !run.outputs.modelOutputs.isEmpty {
                key("model_outputs"); beginArray()
                for model in run.outputs.modelOutputs { modelReference(model) }
                endArray()
            }
            endObject()
        }
        endObject()
    }

    public mutating func metric(_ metric: Metric) {
        beginObject()
        key("key"); string(metric.key)
        key("value"); double(metric.value)
        key("timestamp"); int(metric.timestamp)
        key("step"); int(metric.step)
        endObject()
    }

    public mutating func keyValues(_ name: String, _ items: [KeyValue]) {
        if items.isEmpty { return }
        key(name); beginArray()
        for item in items {
            beginObject()
            key("key"); string(item.key)
            key("value"); string(item.value)
            endObject()
        }
        endArray()
    }

    mutating func runInputs(_ inputs: RunInputs) {
        beginObject()
        if !inputs.datasetInputs.isEmpty {
            key("dataset_inputs"); beginArray()
            for input in inputs.datasetInputs {
                beginObject()
                keyValues("tags", input.tags)
                key("dataset"); beginObject()
                key("name"); string(input.dataset.name)
                key("digest"); string(input.dataset.digest)
                key("source_type"); string(input.dataset.sourceType)
                key("source"); string(input.dataset.source)
                if let schema = input.dataset.schema { key("schema"); string(schema) }
                if let profile = input.dataset.profile { key("profile"); string(profile) }
                endObject()
                endObject()
            }
            endArray()
        }
        if !inputs.modelInputs.isEmpty {
            key("model_inputs"); beginArray()
            for model in inputs.modelInputs {
                beginObject()
                key("model_id"); string(model.modelID)
                endObject()
            }
            endArray()
        }
        endObject()
    }

    mutating func modelReference(_ model: ModelReference) {
        beginObject()
        key("model_id"); string(model.modelID)
        key("step"); int(model.step)
        endObject()
    }

    /// `{"error_code": …, "message": …}`.
    public mutating func error(_ error: TrackError) {
        beginObject()
        key("error_code"); string(error.code.rawValue)
        key("message"); string(error.message)
        endObject()
    }
}
