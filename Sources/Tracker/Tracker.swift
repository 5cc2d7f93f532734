import Dispatch
import Foundation
import Synchronization
import TrackCore

/// A run's status, as MLflow names it (`RUNNING`, `FINISHED`, `FAILED`, `KILLED`, …).
public typealias RunStatus = TrackCore.RunStatus

/// Logs one run to a track (or MLflow) server without slowing the training loop down.
///
/// ```swift
/// let tracker = try await Tracker(experiment: "spirals", runName: "lr-0.01",
///                                 params: ["lr": 0.01, "hidden": 64], tags: ["team": "vision"])
/// tracker.log(metric: "loss", value: loss, step: step)     // returns at once
/// try await tracker.finish()                                // flush, mark FINISHED
/// ```
///
/// `log(metric:…)` only appends to an in-memory buffer; a background task ships the points in
/// `runs/log-batch` requests, retries when the server is unreachable and, if it stays away,
/// writes them to an on-disk spool that is uploaded when it comes back (or by `track sync`).
public final class Tracker: Sendable {
    let engine: Engine
    let buffer: MetricBuffer
    private let interruptSource = Mutex<SignalSourceBox?>(nil)

    /// The client-side key of this run (also its `track.run_key` tag and its spool file name).
    public var runKey: String { engine.runKey }
    /// The run's id on the server; `nil` until the server has created it (it may be down).
    public var runID: String? { engine.shared.withLock { $0.run?.runID } }
    /// The run's experiment id on the server, once known.
    public var experimentID: String? { engine.shared.withLock { $0.run?.experimentID } }
    /// The server this tracker talks to.
    public var url: URL { engine.client.baseURL }
    /// The last error retrying could not fix (a refused metric key, a changed param value, …).
    public var lastError: TrackerError? { engine.shared.withLock { $0.lastError } }
    /// The spool file being written, while the server is away.
    public var spoolFile: URL? { engine.shared.withLock { $0.spoolFile } }
    /// Whether data is currently going to the spool rather than to the server.
    public var isSpooling: Bool { engine.shared.withLock { $0.spooling } }
    /// Metric points the server has acknowledged, and points written to the spool.
    public var counts: (delivered: Int, spooled: Int) { engine.shared.withLock { ($0.delivered, $0.spooled) } }

    /// Starts a new run in `experiment` (created if missing).
    ///
    /// Throws only for mistakes the server reports (an invalid experiment name, bad
    /// credentials): when the server does not answer, the tracker starts anyway, keeps trying
    /// in the background and spools if it stays away.
    ///
    /// - Parameters:
    ///   - params: logged with the run (write-once, as MLflow params are); values are written
    ///     with `description` (`0.01`, `64`, `adam`).
    ///   - tags: run tags; they override the system tags the tracker sets.
    ///   - url: the server; `nil` uses ``TrackerConfiguration/resolvedURL``.
    public convenience init(
        experiment: String = "Default",
        runName: String? = nil,
        params: [String: any CustomStringConvertible & Sendable] = [:],
        tags: [String: String] = [:],
        url: URL? = nil,
        configuration: TrackerConfiguration = TrackerConfiguration()
    ) async throws {
        var configuration = configuration
        if let url { configuration.url = url }
        let runKey = Self.makeRunKey()
        var allTags: [(String, String)] = configuration.captureSystemTags ? SystemTags.capture() : []
        allTags.append((TrackerTags.runKey, runKey))
        if let interval = configuration.heartbeatInterval {
            allTags.append((TrackerTags.heartbeatInterval, String(interval.milliseconds)))
            allTags.append((TrackerTags.heartbeat, String(Clocks.nowMillis())))
        }
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            allTags.removeAll { $0.0 == key }
            allTags.append((key, value))
        }
        let creation = RunCreation(
            experimentName: experiment, runName: runName, startTime: Clocks.nowMillis(),
            userID: allTags.first { $0.0 == "mlflow.user" }?.1 ?? SystemTags.userName, tags: allTags
        )
        let engine = Engine(configuration: configuration, runKey: runKey, run: nil, creation: creation)
        engine.enqueueInitial(params: params.sorted { $0.key < $1.key }.map { ($0.key, $0.value.description) })
        try await engine.start()
        self.init(engine: engine)
    }

    /// Resumes logging to an existing run (a finished one is set back to RUNNING).
    public convenience init(runID: String, url: URL? = nil, configuration: TrackerConfiguration = TrackerConfiguration()) async throws {
        var configuration = configuration
        if let url { configuration.url = url }
        let run = RemoteRun(runID: runID, experimentID: "", artifactURI: "", status: "RUNNING")
        let engine = Engine(configuration: configuration, runKey: Self.makeRunKey(), run: run, creation: nil)
        try await engine.start()
        self.init(engine: engine)
    }

    private init(engine: Engine) {
        self.engine = engine
        self.buffer = engine.buffer
    }

    static func makeRunKey() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    // MARK: - Logging (non-blocking)

    /// Logs one metric point, stamped now. No I/O: the point is appended to a buffer that a
    /// background task ships. Ignored after ``finish(status:)``.
    @inline(__always)
    public func log(metric key: String, value: Double, step: Int = 0) {
        buffer.append(key: key, value: value, step: Int64(step), timestamp: Clocks.nowMillis())
    }

    /// Logs several metrics at the same step and timestamp.
    public func log(metrics: [String: Double], step: Int = 0) {
        let timestamp = Clocks.nowMillis()
        for (key, value) in metrics {
            buffer.append(key: key, value: value, step: Int64(step), timestamp: timestamp)
        }
    }

    /// Logs a metric point with an explicit timestamp (epoch milliseconds), e.g. when
    /// importing history.
    public func log(metric key: String, value: Double, step: Int, timestamp: Int64) {
        buffer.append(key: key, value: value, step: Int64(step), timestamp: timestamp)
    }

    /// Logs a param (write-once on the server: the same value again is fine, another is an
    /// error reported through ``lastError``).
    public func log(param key: String, value: some CustomStringConvertible) {
        if buffer.append(param: key, value: value.description) { signalIfIdle() }
    }

    /// Logs several params.
    public func log(params: [String: any CustomStringConvertible & Sendable]) {
        for (key, value) in params.sorted(by: { $0.key < $1.key }) {
            _ = buffer.append(param: key, value: value.description)
        }
        signalIfIdle()
    }

    /// Sets a run tag (last value wins).
    public func set(tag key: String, value: String) {
        if buffer.append(tag: key, value: value) { signalIfIdle() }
    }

    private func signalIfIdle() {
        // Params and tags are rare: ship them with the next round rather than waiting for points.
    }

    // MARK: - Artifacts, flush, finish

    /// Uploads a file, or a folder's files, into the run's artifacts under `path`
    /// (`checkpoints` puts `model.bin` at `checkpoints/model.bin`).
    ///
    /// Waits for the upload. When the server is away the file is recorded in the spool by
    /// reference (its path, not a copy) and uploaded on sync, so keep it until then.
    public func log(artifact local: URL, path: String? = nil) async throws {
        guard FileManager.default.fileExists(atPath: local.path) else {
            throw TrackerError(kind: .invalidInput, message: "no file at \(local.path)")
        }
        let result = await withCheckedContinuation { (waiter: CheckedContinuation<Result<Void, TrackerError>, Never>) in
            if !engine.enqueue(.artifact(.init(local: local.absoluteURL, path: path, waiter: waiter))) {
                waiter.resume(returning: .failure(TrackerError(kind: .finished, message: "the run has finished")))
            }
        }
        try result.get()
    }

    /// Returns once everything logged before the call reached the server, or the spool (and
    /// was fsync'd) when the server is away. While the server is retried this can take up to
    /// ``TrackerConfiguration/spoolAfter``.
    public func flush() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            if !engine.enqueue(.flush(waiter)) { waiter.resume() }
        }
    }

    /// Flushes everything, then marks the run ended (`runs/update` with `status` and
    /// `end_time`). Later `log` calls are ignored; finishing again does nothing.
    ///
    /// When the server is away the end is written to the spool instead, and `finish` returns
    /// normally: `track sync` completes the run later. It throws when the data could not be
    /// kept at all (the spool could not be written) or the server refused the update.
    public func finish(status: RunStatus = .finished) async throws {
        let result = await withCheckedContinuation { (waiter: CheckedContinuation<Result<Void, TrackerError>, Never>) in
            if !engine.enqueue(.finish(status.rawValue, waiter)) { waiter.resume(returning: .success(())) }
        }
        interruptSource.withLock { box in
            box?.source.cancel()
            box = nil
        }
        try result.get()
    }

    /// Installs a SIGINT handler that finishes the run as KILLED (after flushing) and exits
    /// with status 130. Only installed when asked for.
    public func finishOnInterrupt() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [self] in
            FileHandle.standardError.write(Data("\ntrack: interrupted; finishing the run as KILLED\n".utf8))
            Task {
                try? await self.finish(status: .killed)
                exit(130)
            }
        }
        source.resume()
        let box = SignalSourceBox(source: source)
        interruptSource.withLock { $0 = box }
    }

    /// Runs `body` with a new run: FINISHED when it returns, FAILED when it throws, KILLED
    /// when the task is cancelled. The body's error is rethrown.
    public static func withRun<T>(
        experiment: String = "Default",
        runName: String? = nil,
        params: [String: any CustomStringConvertible & Sendable] = [:],
        tags: [String: String] = [:],
        url: URL? = nil,
        configuration: TrackerConfiguration = TrackerConfiguration(),
        _ body: (Tracker) async throws -> T
    ) async throws -> T {
        let tracker = try await Tracker(
            experiment: experiment, runName: runName, params: params, tags: tags, url: url, configuration: configuration
        )
        let value: T
        do {
            value = try await body(tracker)
        } catch {
            try? await tracker.finish(status: error is CancellationError ? .killed : .failed)
            throw error
        }
        try await tracker.finish()
        return value
    }
}

/// A dispatch source is thread-safe but not marked Sendable.
struct SignalSourceBox: @unchecked Sendable {
    let source: DispatchSourceSignal
}
