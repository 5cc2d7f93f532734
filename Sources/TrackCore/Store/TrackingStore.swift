/// Where experiments, runs, params, tags and metrics live.
///
/// Every backend (SQLite, PostgreSQL) implements this protocol and passes the same conformance
/// suite (`TrackStoreTesting`). Methods validate their input with ``Validation`` first, so every
/// backend refuses the same things with the same errors. Nothing backend-specific crosses this
/// boundary: drivers' errors are translated to ``TrackError`` inside the store.
///
/// Errors: `RESOURCE_DOES_NOT_EXIST` for an unknown experiment or run id,
/// `INVALID_PARAMETER_VALUE` for invalid input or a write to a deleted run,
/// `RESOURCE_ALREADY_EXISTS` for a taken experiment name, `INTERNAL_ERROR` for anything else.
public protocol TrackingStore: Sendable {
    // MARK: Experiments

    /// Creates an experiment; `artifactLocation` defaults to `mlflow-artifacts:/<id>`.
    /// - Returns: the new experiment's id.
    /// - Throws: `RESOURCE_ALREADY_EXISTS` when the name is taken, also by a deleted experiment.
    func createExperiment(name: String, artifactLocation: String?, tags: [Tag]) async throws -> String
    /// The experiment with this id, deleted or not.
    func experiment(id: String) async throws -> Experiment
    /// The experiment with this name, deleted or not; `nil` when there is none.
    func experiment(named name: String) async throws -> Experiment?
    /// Experiments matching the query, ordered by it (default: newest first).
    func searchExperiments(_ query: ExperimentQuery) async throws -> Page<Experiment>
    func renameExperiment(id: String, newName: String) async throws
    /// Soft-deletes the experiment and its runs.
    func deleteExperiment(id: String) async throws
    /// Restores the experiment and its runs.
    func restoreExperiment(id: String) async throws
    func setExperimentTag(id: String, key: String, value: String) async throws
    func deleteExperimentTag(id: String, key: String) async throws
    /// Run counts and last activity of the given experiments; unknown ids are left out.
    func experimentSummaries(ids: [String]) async throws -> [ExperimentSummary]

    // MARK: Runs

    /// Creates a RUNNING run; generates a name when none is given and records it as the
    /// `mlflow.runName` tag.
    func createRun(_ creation: RunCreation) async throws -> Run
    /// The run with everything logged to it, deleted or not.
    func run(id: String) async throws -> Run
    func updateRun(id: String, _ update: RunUpdate) async throws -> RunInfo
    func deleteRun(id: String) async throws
    func restoreRun(id: String) async throws
    /// Runs matching the query, default order `start_time DESC, run_id`.
    func searchRuns(_ query: RunQuery) async throws -> Page<Run>

    // MARK: Logging

    /// Logs metrics, params and tags to an active run in one transaction: all or nothing.
    /// Params are write-once (same value again is accepted); tags are overwritten; an exact
    /// duplicate metric point is stored once. `modelMetrics` are points of `metrics` that were
    /// also logged against a logged model (their run is this one): each model keeps every point,
    /// one per key, time, step, run and dataset (the first value logged for it stays).
    /// - Throws: `RESOURCE_DOES_NOT_EXIST` for an unknown model too.
    func logBatch(runID: String, metrics: [Metric], params: [Param], tags: [Tag], modelMetrics: [LoggedModelMetric]) async throws
    /// Deletes a run tag. - Throws: `RESOURCE_DOES_NOT_EXIST` when the tag is not set.
    func deleteRunTag(runID: String, key: String) async throws
    func logInputs(runID: String, datasets: [DatasetInput], models: [ModelReference]) async throws
    func logOutputs(runID: String, models: [ModelReference]) async throws
    /// Appends `entry`, the text of one JSON object, to the JSON list kept in the run's
    /// ``LoggedModelHistory/tagKey`` tag (how MLflow 2 clients record a model logged in a run), reading
    /// and extending the list in one transaction. The run must be active, as for the other logging calls.
    func recordLoggedModel(runID: String, entry: String) async throws

    // MARK: Metrics

    /// Every stored point of a series, ordered by `(timestamp, step, value)`, in pages.
    func metricHistory(runID: String, key: String, maxResults: Int, pageToken: String?) async throws -> Page<MetricPoint>
    /// What changes whenever a point is added to the series (nil while the run has no such
    /// series): a page read earlier is what a read now returns while this stays the same.
    /// - Throws: `RESOURCE_DOES_NOT_EXIST` for an unknown run, as ``metricHistory(runID:key:maxResults:pageToken:)``.
    func metricSeriesRevision(runID: String, key: String) async throws -> MetricSeriesRevision?
    /// At most `maxPoints` points of a series in a step range, ordered by step, keeping the
    /// first, last, minimum and maximum point of every bucket.
    func downsampledSeries(_ query: SeriesQuery) async throws -> [MetricPoint]
    /// Summaries (latest, min, max, count) of every metric of the given runs.
    func metricSummaries(runIDs: [String]) async throws -> [String: [MetricSummary]]

    // MARK: Logged models

    /// Creates a pending model in an active experiment; its files go under
    /// `<experiment artifact location>/models/<model id>/artifacts`. A name is generated when
    /// none is given.
    func createLoggedModel(_ creation: LoggedModelCreation) async throws -> LoggedModel
    /// The model with this id. - Throws: `RESOURCE_DOES_NOT_EXIST` when unknown or deleted,
    /// as every other logged-model method.
    func loggedModel(id: String) async throws -> LoggedModel
    /// Sets the status the upload ended with.
    func finalizeLoggedModel(id: String, status: LoggedModelStatus) async throws -> LoggedModel
    /// Soft-deletes the model: it is no longer found or searched.
    func deleteLoggedModel(id: String) async throws
    /// Sets (overwrites) tags of a model.
    func setLoggedModelTags(id: String, tags: [Tag]) async throws
    /// - Throws: `RESOURCE_DOES_NOT_EXIST` when the tag is not set.
    func deleteLoggedModelTag(id: String, key: String) async throws
    /// Logs params of a model, write-once as a run's.
    func logLoggedModelParams(id: String, params: [Param]) async throws
    /// Active models of the query's experiments, filtered and ordered as ``LoggedModelSearch`` does.
    func searchLoggedModels(_ query: LoggedModelQuery) async throws -> Page<LoggedModel>
}

extension TrackingStore {
    /// Logs to the run alone, no model metrics.
    public func logBatch(runID: String, metrics: [Metric], params: [Param], tags: [Tag]) async throws {
        try await logBatch(runID: runID, metrics: metrics, params: params, tags: tags, modelMetrics: [])
    }
}
