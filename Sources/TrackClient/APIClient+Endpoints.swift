import TrackAPI
import TrackCore

/// The calls the CLI makes, typed.
extension APIClient {
    // MARK: - Experiments

    /// Every experiment (all pages), newest first by the server's default order.
    public func experiments(viewType: ViewType = .all) async throws -> [Experiment] {
        var result: [Experiment] = []
        var token: String?
        repeat {
            var query = [("max_results", "1000"), ("view_type", viewType.rawValue)]
            if let token { query.append(("page_token", token)) }
            let answer = try await get("experiments/search", query)
            result += (answer["experiments"]?.arrayValue ?? []).map(Decoding.experiment)
            token = answer["next_page_token"]?.stringValue
        } while token != nil && token != ""
        return result
    }

    /// The experiment with this id; `nil` when there is none.
    public func experiment(id: String) async throws -> Experiment? {
        do {
            let answer = try await get("experiments/get", [("experiment_id", id)])
            return answer["experiment"].map(Decoding.experiment)
        } catch ClientError.server(let status, _, _) where status == 404 || status == 400 {
            return nil
        }
    }

    /// The experiment with this name; `nil` when there is none.
    public func experiment(named name: String) async throws -> Experiment? {
        do {
            let answer = try await get("experiments/get-by-name", [("experiment_name", name)])
            return answer["experiment"].map(Decoding.experiment)
        } catch ClientError.server(let status, _, _) where status == 404 {
            return nil
        }
    }

    /// An experiment named by id or name (an id wins when both exist).
    public func experiment(idOrName: String) async throws -> Experiment {
        if !idOrName.isEmpty, idOrName.allSatisfy(\.isASCII), idOrName.allSatisfy(\.isNumber),
           let experiment = try await experiment(id: idOrName) {
            return experiment
        }
        if let experiment = try await experiment(named: idOrName) { return experiment }
        throw ClientError.experimentNotFound(idOrName)
    }

    /// Run counts and last activity of experiments (`GET /api/2.0/track/experiments/summaries`).
    public func experimentSummaries(ids: [String]) async throws -> [String: ExperimentSummary] {
        var result: [String: ExperimentSummary] = [:]
        for chunk in ids.chunked(1000) {
            let answer = try await get("experiments/summaries", chunk.map { ("experiment_id", $0) }, api: .track)
            for item in answer["summaries"]?.arrayValue ?? [] {
                let summary = ExperimentSummary(
                    experimentID: Decoding.string(item["experiment_id"]),
                    runCount: Decoding.int64(item["run_count"]) ?? 0,
                    runningCount: Decoding.int64(item["running_count"]) ?? 0,
                    lastActivity: Decoding.int64(item["last_activity"])
                )
                result[summary.experimentID] = summary
            }
        }
        return result
    }

    // MARK: - Runs

    /// The run with this id; `nil` when the server has none (or refuses the id's syntax).
    public func run(id: String) async throws -> Run? {
        do {
            let answer = try await get("runs/get", [("run_id", id)])
            guard let run = answer["run"] else { return nil }
            return Decoding.run(run)
        } catch ClientError.server(let status, _, _) where status == 404 || status == 400 {
            return nil
        }
    }

    /// One page of `runs/search`.
    public func searchRuns(
        experimentIDs: [String], filter: String = "", orderBy: [String] = [], viewType: ViewType = .activeOnly,
        maxResults: Int = 1000, pageToken: String? = nil
    ) async throws -> Page<Run> {
        let answer = try await post("runs/search") { writer in
            writer.beginObject()
            writer.key("experiment_ids"); writer.beginArray()
            for id in experimentIDs { writer.string(id) }
            writer.endArray()
            writer.key("filter"); writer.string(filter)
            writer.key("run_view_type"); writer.string(viewType.rawValue)
            writer.key("max_results"); writer.int(Int64(maxResults))
            if !orderBy.isEmpty {
                writer.key("order_by"); writer.beginArray()
                for term in orderBy { writer.string(term) }
                writer.endArray()
            }
            if let pageToken { writer.key("page_token"); writer.string(pageToken) }
            writer.endObject()
        }
        let runs = (answer["runs"]?.arrayValue ?? []).map(Decoding.run)
        let token = answer["next_page_token"]?.stringValue
        return Page(items: runs, nextPageToken: token?.isEmpty == true ? nil : token)
    }

    /// Up to `limit` runs of `runs/search` (following pages), or all of them when `limit` is nil.
    public func searchAllRuns(
        experimentIDs: [String], filter: String = "", orderBy: [String] = [], viewType: ViewType = .activeOnly, limit: Int? = nil
    ) async throws -> [Run] {
        if experimentIDs.isEmpty { return [] }
        var result: [Run] = []
        var token: String?
        repeat {
            let pageSize = min(1000, limit.map { $0 - result.count } ?? 1000)
            if pageSize <= 0 { break }
            let page = try await searchRuns(
                experimentIDs: experimentIDs, filter: filter, orderBy: orderBy, viewType: viewType,
                maxResults: pageSize, pageToken: token
            )
            result += page.items
            token = page.nextPageToken
        } while token != nil
        return result
    }

    public func deleteRun(id: String) async throws {
        _ = try await post("runs/delete") { $0.beginObject(); $0.key("run_id"); $0.string(id); $0.endObject() }
    }

    public func restoreRun(id: String) async throws {
        _ = try await post("runs/restore") { $0.beginObject(); $0.key("run_id"); $0.string(id); $0.endObject() }
    }

    // MARK: - Metrics

    /// Summaries of every metric of the runs, in the order of `runIDs` then key.
    public func metricSummaries(runIDs: [String]) async throws -> [RunMetricSummary] {
        var result: [RunMetricSummary] = []
        for chunk in runIDs.chunked(1000) {
            let answer = try await get("runs/summaries", chunk.map { ("run_id", $0) }, api: .track)
            for item in answer["summaries"]?.arrayValue ?? [] {
                result.append(RunMetricSummary(
                    runID: Decoding.string(item["run_id"]),
                    key: Decoding.string(item["key"]),
                    last: Decoding.double(item["last"]) ?? .nan,
                    lastStep: Decoding.int64(item["last_step"]) ?? 0,
                    lastTimestamp: Decoding.int64(item["last_timestamp"]) ?? 0,
                    min: Decoding.double(item["min"]) ?? .nan,
                    max: Decoding.double(item["max"]) ?? .nan,
                    count: Decoding.int64(item["count"]) ?? 0
                ))
            }
        }
        return result
    }

    /// At most `maxPoints` points of a series, keeping every bucket's first, last, lowest and
    /// highest point (`GET /api/2.0/track/metrics/series`).
    public func series(runID: String, key: String, maxPoints: Int) async throws -> MetricSeries {
        let answer = try await get(
            "metrics/series", [("run_id", runID), ("key", key), ("max_points", String(maxPoints))], api: .track
        )
        let steps = (answer["steps"]?.arrayValue ?? []).map { Decoding.int64($0) ?? 0 }
        let timestamps = (answer["timestamps"]?.arrayValue ?? []).map { Decoding.int64($0) ?? 0 }
        let values = (answer["values"]?.arrayValue ?? []).map { Decoding.double($0) ?? .nan }
        guard steps.count == values.count, timestamps.count == values.count else {
            throw ClientError.invalidResponse(url: baseURL, detail: "the series of '\(key)' has columns of different lengths")
        }
        return MetricSeries(runID: runID, key: key, steps: steps, timestamps: timestamps, values: values)
    }

    /// The whole history of a series, page by page (`metrics/get-history`); `onPage` sees every
    /// page as it arrives (for progress and streaming output).
    public func metricHistory(
        runID: String, key: String, pageSize: Int = 25000, onPage: ([MetricPoint]) async throws -> Void
    ) async throws {
        var token: String?
        repeat {
            var query = [("run_id", runID), ("metric_key", key), ("max_results", String(pageSize))]
            if let token { query.append(("page_token", token)) }
            let answer = try await get("metrics/get-history", query)
            let points = (answer["metrics"]?.arrayValue ?? []).map {
                MetricPoint(step: Decoding.int64($0["step"]) ?? 0, timestamp: Decoding.int64($0["timestamp"]) ?? 0, value: Decoding.double($0["value"]) ?? .nan)
            }
            try await onPage(points)
            token = answer["next_page_token"]?.stringValue
            if token?.isEmpty == true { token = nil }
        } while token != nil
    }

    // MARK: - Artifacts

    /// The direct children of `path` (relative to the run's artifact root).
    public func listArtifacts(runID: String, path: String) async throws -> [ArtifactFile] {
        var query = [("run_id", runID)]
        if !path.isEmpty { query.append(("path", path)) }
        let answer = try await get("artifacts/list", query)
        return (answer["files"]?.arrayValue ?? []).map {
            ArtifactFile(path: Decoding.string($0["path"]), isDirectory: $0["is_dir"]?.boolValue ?? false, size: Decoding.int64($0["file_size"]))
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
