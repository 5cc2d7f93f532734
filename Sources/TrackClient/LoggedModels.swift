import TrackAPI
import TrackCore

/// The logged-model calls the CLI makes, and reading their answers.
extension APIClient {
    /// The logged model with this id, or nil when the server has none.
    public func loggedModel(id: String) async throws -> LoggedModel? {
        do {
            return Decoding.loggedModel(try await get("logged-models/" + QueryString.encode(id))["model"] ?? .null)
        } catch ClientError.server(let status, _, _) where status == 404 {
            return nil
        }
    }

    /// The logged models of `references`, in their order; nil where the server has none. At most
    /// `concurrency` requests are in flight (a run that logged a checkpoint per epoch has many).
    public func loggedModels(_ references: [ModelReference], concurrency: Int = 8) async throws -> [(ModelReference, LoggedModel?)] {
        try await withThrowingTaskGroup(of: (Int, LoggedModel?).self) { group in
            var models = [LoggedModel?](repeating: nil, count: references.count)
            for (index, reference) in references.enumerated() {
                if index >= concurrency, let (done, model) = try await group.next() { models[done] = model }
                group.addTask { (index, try await self.loggedModel(id: reference.modelID)) }
            }
            for try await (index, model) in group { models[index] = model }
            return Array(zip(references, models))
        }
    }
}

extension Decoding {
    /// A logged model as `logged-models/<id>` answers it (`{"info": …, "data": …}`).
    public static func loggedModel(_ json: JSONValue) -> LoggedModel {
        let info = json["info"] ?? .null
        let data = json["data"] ?? .null
        let modelID = string(info["model_id"])
        let optional = { (value: JSONValue?) -> String? in
            let text = string(value)
            return text.isEmpty ? nil : text
        }
        return LoggedModel(
            modelID: modelID,
            experimentID: string(info["experiment_id"]),
            name: string(info["name"]),
            artifactURI: string(info["artifact_uri"]),
            status: LoggedModelStatus(wireValue: string(info["status"])) ?? .pending,
            statusMessage: optional(info["status_message"]),
            modelType: optional(info["model_type"]),
            sourceRunID: optional(info["source_run_id"]),
            creationTime: int64(info["creation_timestamp_ms"]) ?? 0,
            lastUpdateTime: int64(info["last_updated_timestamp_ms"]) ?? 0,
            tags: keyValues(info["tags"]),
            params: keyValues(data["params"]),
            metrics: (data["metrics"]?.arrayValue ?? []).map { metric in
                LoggedModelMetric(
                    modelID: modelID,
                    metric: Metric(
                        key: string(metric["key"]), value: double(metric["value"]) ?? .nan,
                        timestamp: int64(metric["timestamp"]) ?? 0, step: int64(metric["step"]) ?? 0
                    ),
                    runID: optional(metric["run_id"]),
                    datasetName: optional(metric["dataset_name"]),
                    datasetDigest: optional(metric["dataset_digest"])
                )
            }
        )
    }
}
