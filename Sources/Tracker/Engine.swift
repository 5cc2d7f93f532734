import Foundation
import Synchronization
import TrackCore

/// What a new run is created with (kept so a spool can create it later).
struct RunCreation: Sendable {
    var experimentName: String
    var runName: String?
    var startTime: Int64
    var userID: String
    var tags: [(String, String)]
}

/// The tracker's sender: one task that takes buffered data, ships it in batches, retries,
/// spools and finishes the run. Everything not in `shared` is touched by that task only.
final class Engine: @unchecked Sendable {
    enum Command {
        case flush(CheckedContinuation<Void, Never>)
        case artifact(ArtifactRequest)
        case finish(String, CheckedContinuation<Result<Void, TrackerError>, Never>)
    }

    struct ArtifactRequest {
        var local: URL
        var path: String?
        var waiter: CheckedContinuation<Result<Void, TrackerError>, Never>
    }

    enum Mode { case live, spool }

    struct Shared {
        var run: RemoteRun?
        var lastError: TrackerError?
        var spoolFile: URL?
        var spooling = false
        var commands: [Command] = []
        var stopped = false
        var delivered = 0
        var spooled = 0
    }

    let configuration: TrackerConfiguration
    let client: TrackingClient
    let wakeup: Wakeup
    let buffer: MetricBuffer
    let runKey: String
    let spoolDirectory: URL
    let shared = Mutex(Shared())

    // Sender-owned state.
    private var run: RemoteRun?
    private var creation: RunCreation?
    private var experimentID: String?
    private var createAttempts = 0
    private var spare: [BufferedPoint] = []
    private var keyNames: [String] = []
    private var keyValid: [Bool] = []
    private var pending = PendingQueue()
    private var artifacts: [ArtifactRequest] = []
    private var flushWaiters: [CheckedContinuation<Void, Never>] = []
    private var finishing: (status: String, waiter: CheckedContinuation<Result<Void, TrackerError>, Never>)?
    private var mode = Mode.live
    private var spool: SpoolWriter?
    private var failureSince: ContinuousClock.Instant?
    private var failureCount = 0
    private var retryAt: ContinuousClock.Instant?
    private var nextProbe = ContinuousClock.now
    private var nextHeartbeat: ContinuousClock.Instant?
    private var nextSample: ContinuousClock.Instant?
    private var sampler = SystemSampler()
    private var announcedSpool = false

    init(configuration: TrackerConfiguration, runKey: String, run: RemoteRun?, creation: RunCreation?) {
        self.configuration = configuration
        self.client = TrackingClient(configuration: configuration)
        self.wakeup = Wakeup()
        self.buffer = MetricBuffer(capacity: configuration.bufferCapacity, signalAt: configuration.flushPoints, wakeup: wakeup)
        self.runKey = runKey
        self.spoolDirectory = configuration.resolvedSpoolDirectory
        self.run = run
        self.creation = creation
        spare.reserveCapacity(buffer.capacity > 4096 ? 4096 : buffer.capacity)
        shared.withLock { $0.run = run }
        let now = ContinuousClock.now
        if let interval = configuration.heartbeatInterval { nextHeartbeat = now + interval }
        if configuration.systemMetricsInterval != nil { nextSample = now }
    }

    // MARK: - Called before the loop starts (from the tracker's init)

    func enqueueInitial(params: [(key: String, value: String)]) {
        pending.params.append(contentsOf: params)
    }

    /// One attempt at creating (or, for a resumed run, checking) the run, so that a caller
    /// mistake surfaces at once. A server that does not answer is not an error: the sender keeps
    /// trying in the background and spools if it stays away.
    func start() async throws(TrackerError) {
        if configuration.offline {
            enterSpool()
        } else if run == nil {
            do {
                try await createRun()
            } catch where !error.isRetryable {
                throw error
            } catch {
                failed(error)
            }
        } else if let known = run {
            do {
                var remote = try await client.getRun(id: known.runID)
                if ["FINISHED", "FAILED", "KILLED"].contains(remote.status) {
                    try await client.updateRun(id: remote.runID, status: "RUNNING", endTime: nil)
                    remote.status = "RUNNING"
                }
                setRun(remote)
            } catch where !error.isRetryable {
                throw error
            } catch {
                failed(error)
            }
        }
        Task.detached { [self] in await loop() }
    }

    // MARK: - Commands (any thread)

    /// Queues a command; `false` when the sender has stopped.
    func enqueue(_ command: Command) -> Bool {
        let accepted = shared.withLock { s -> Bool in
            if s.stopped { return false }
            s.commands.append(command)
            return true
        }
        if accepted { wakeup.signal() }
        return accepted
    }

    func report(_ error: TrackerError) {
        shared.withLock { $0.lastError = error }
        configuration.onError?(error)
    }

    // MARK: - The loop

    private func loop() async {
        while true {
            await wakeup.wait(timeout: nextTimeout())
            if await cycle() { break }
        }
    }

    private func nextTimeout() -> Duration {
        let now = ContinuousClock.now
        var deadline = now + configuration.flushInterval
        if let retryAt { deadline = min(deadline, retryAt) }
        if mode == .spool && !configuration.offline { deadline = min(deadline, nextProbe) }
        if let nextHeartbeat, mode == .live { deadline = min(deadline, nextHeartbeat) }
        if let nextSample { deadline = min(deadline, nextSample) }
        return max(deadline - now, .milliseconds(1))
    }

    /// One round; `true` once the run is finished and the loop can stop.
    private func cycle() async -> Bool {
        let commands = shared.withLock { s -> [Command] in
            var taken: [Command] = []
            swap(&taken, &s.commands)
            return taken
        }
        for command in commands {
            switch command {
            case .flush(let waiter): flushWaiters.append(waiter)
            case .artifact(let request): artifacts.append(request)
            case .finish(let status, let waiter):
                if finishing == nil {
                    finishing = (status, waiter)
                    buffer.close()
                } else {
                    waiter.resume(returning: .success(()))
                }
            }
        }
        // Commands first, then the buffer: everything logged before a flush() is included.
        drain()
        periodic()
        await pump()
        if pending.isEmpty && artifacts.isEmpty {
            if mode == .spool { syncSpool() }
            if let finishing {
                let result = await complete(status: finishing.status)
                finishing.waiter.resume(returning: result)
                let late = shared.withLock { s -> [Command] in
                    s.stopped = true
                    var taken: [Command] = []
                    swap(&taken, &s.commands)
                    return taken
                }
                for command in late {
                    switch command {
                    case .flush(let waiter): waiter.resume()
                    case .artifact(let request): request.waiter.resume(returning: .failure(TrackerError(kind: .finished, message: "the run has finished")))
                    case .finish(_, let waiter): waiter.resume(returning: .success(()))
                    }
                }
                resumeFlushWaiters()
                return true
            }
            resumeFlushWaiters()
        }
        return false
    }

    private func resumeFlushWaiters() {
        let waiters = flushWaiters
        flushWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// Moves everything the caller buffered into the pending queue.
    private func drain() {
        let taken = buffer.take(swapping: &spare, knownKeys: keyNames.count)
        for key in taken.newKeys {
            keyNames.append(key)
            do {
                try Validation.validateKey(key, parameter: "key", kind: "Metric name")
                keyValid.append(true)
            } catch {
                keyValid.append(false)
                report(TrackerError(kind: .invalidInput, message: "metric '\(key)' dropped: \(error.message)"))
            }
        }
        for param in taken.params {
            do {
                try Validation.validateKey(param.key, parameter: "key", kind: "Param key")
                pending.params.append(param)
            } catch {
                report(TrackerError(kind: .invalidInput, message: "param '\(param.key)' dropped: \(error.message)"))
            }
        }
        for tag in taken.tags {
            do {
                try Validation.validateKey(tag.key, parameter: "key", kind: "Tag key")
                pending.tags.append(tag)
            } catch {
                report(TrackerError(kind: .invalidInput, message: "tag '\(tag.key)' dropped: \(error.message)"))
            }
        }
        if !spare.isEmpty {
            pending.metrics.reserveCapacity(pending.metrics.count + spare.count)
            for point in spare {
                let id = Int(point.key)
                if keyValid[id] {
                    pending.metrics.append(Metric(key: keyNames[id], value: point.value, timestamp: point.timestamp, step: point.step))
                }
            }
            spare.removeAll(keepingCapacity: true)
        }
        if mode == .live && configuration.spoolEnabled && pending.count > configuration.maxPendingPoints {
            enterSpool(reason: "the server is falling behind (more than \(configuration.maxPendingPoints) points queued)")
        }
    }

    /// Heartbeat and system metrics, when due.
    private func periodic() {
        let now = ContinuousClock.now
        if let due = nextHeartbeat, now >= due, let interval = configuration.heartbeatInterval {
            if mode == .live && finishing == nil { pending.tags.append((TrackerTags.heartbeat, String(Clocks.nowMillis()))) }
            nextHeartbeat = now + interval
        }
        if let due = nextSample, now >= due, let interval = configuration.systemMetricsInterval {
            let timestamp = Clocks.nowMillis()
            let step = sampler.step
            for (key, value) in sampler.sample() {
                pending.metrics.append(Metric(key: key, value: value, timestamp: timestamp, step: step))
            }
            nextSample = finishing == nil ? now + interval : nil
        }
    }

    /// Delivers what is pending (live) or writes it to the spool.
    private func pump() async {
        if mode == .spool {
            spoolPending()
            await heal()
            return
        }
        if let retryAt, ContinuousClock.now < retryAt { return }
        retryAt = nil
        if run == nil {
            do {
                try await createRun()
                succeeded()
            } catch {
                failed(error)
                if mode == .spool { spoolPending() }
                return
            }
        }
        guard let runID = run?.runID else { return }
        while !pending.isEmpty {
            let batch = pending.nextBatch()
            do {
                try await BatchDelivery.send(batch, runID: runID, client: client) { report($0) }
                pending.consume(batch)
                shared.withLock { $0.delivered += batch.metrics.count }
                succeeded()
            } catch {
                failed(error)
                if mode == .spool { spoolPending() }
                return
            }
            drain()
            // A backlog can take a while to deliver: the heartbeat and system samples stay current.
            periodic()
            if mode == .spool {
                spoolPending()
                return
            }
        }
        while let request = artifacts.first {
            do {
                try await uploadArtifact(request)
                artifacts.removeFirst()
                request.waiter.resume(returning: .success(()))
                succeeded()
            } catch where error.isRetryable {
                failed(error)
                if mode == .spool { spoolPending() }
                return
            } catch {
                artifacts.removeFirst()
                request.waiter.resume(returning: .failure(error))
            }
        }
    }

    private func uploadArtifact(_ request: ArtifactRequest) async throws(TrackerError) {
        guard var current = run else { throw TrackerError(kind: .transport, message: "run not created yet") }
        if current.artifactURI.isEmpty {
            current = try await client.getRun(id: current.runID)
            setRun(current)
        }
        try await client.uploadArtifact(request.local, path: request.path, artifactURI: current.artifactURI)
    }

    /// Creates the run (idempotently: a retry first looks for a run carrying our run key).
    private func createRun() async throws(TrackerError) {
        guard let creation else { return }
        if experimentID == nil {
            experimentID = try await client.experimentID(named: creation.experimentName)
        }
        let experiment = experimentID!
        createAttempts += 1
        if createAttempts > 1, let existing = try await client.findRun(experimentID: experiment, runKey: runKey) {
            setRun(existing)
            return
        }
        let created = try await client.createRun(
            experimentID: experiment, runName: creation.runName, startTime: creation.startTime,
            userID: creation.userID, tags: creation.tags
        )
        setRun(created)
    }

    private func setRun(_ remote: RemoteRun) {
        run = remote
        shared.withLock { $0.run = remote }
    }

    private func succeeded() {
        failureSince = nil
        failureCount = 0
        retryAt = nil
    }

    /// A failed request: retry later, or spool when the server has been away too long. Errors
    /// that retrying cannot fix are reported (and, for run creation, the data is spooled).
    private func failed(_ error: TrackerError) {
        let now = ContinuousClock.now
        if !error.isRetryable {
            report(error)
            if configuration.spoolEnabled { enterSpool() } else { retryAt = now + configuration.retry.maximum }
            return
        }
        if failureSince == nil { failureSince = now }
        failureCount += 1
        if configuration.spoolEnabled, let since = failureSince, now - since >= configuration.spoolAfter {
            enterSpool()
        }
        if mode == .live {
            retryAt = now + configuration.retry.delay(attempt: failureCount - 1)
        }
    }

    // MARK: - Spool

    private func enterSpool(reason: String? = nil) {
        guard mode == .live else { return }
        do {
            let writer = try SpoolWriter(
                directory: spoolDirectory, runKey: runKey,
                trackingURI: client.baseURL.absoluteString, client: "swift-tracker"
            )
            if let run {
                try writer.append(type: "run") { w in
                    w.key("run_key"); w.string(runKey)
                    w.key("run_id"); w.string(run.runID)
                    w.key("experiment_id"); w.string(run.experimentID)
                    w.key("artifact_uri"); w.string(run.artifactURI)
                }
            } else if let creation {
                try writer.append(type: "create_run") { w in
                    w.key("run_key"); w.string(runKey)
                    w.key("experiment_name"); w.string(creation.experimentName)
                    if let experimentID { w.key("experiment_id"); w.string(experimentID) }
                    if let name = creation.runName { w.key("run_name"); w.string(name) }
                    w.key("start_time"); w.int(creation.startTime)
                    w.key("user_id"); w.string(creation.userID)
                    w.key("tags"); Batch.writeKeyValues(creation.tags.map { ($0.0, $0.1) }, &w)
                }
            }
            try writer.sync()
            spool = writer
            mode = .spool
            retryAt = nil
            nextProbe = ContinuousClock.now + configuration.probeInterval
            shared.withLock { $0.spoolFile = writer.url; $0.spooling = true }
            if !announcedSpool && !configuration.offline {
                announcedSpool = true
                let why = reason ?? "the server at \(client.baseURL.absoluteString) is not answering"
                FileHandle.standardError.write(Data("track: \(why); spooling run data to \(writer.url.path) (it is uploaded when the server is back, or by `track sync`)\n".utf8))
            }
        } catch {
            report(error)
            retryAt = ContinuousClock.now + configuration.retry.maximum
        }
    }

    private func spoolPending() {
        guard let spool else { return }
        do {
            while !pending.isEmpty {
                let batch = pending.nextBatch()
                try spool.append(batch)
                pending.consume(batch)
                shared.withLock { $0.spooled += batch.metrics.count }
            }
            while let request = artifacts.first {
                let local = try spool.keep(artifact: request.local.standardizedFileURL).path
                try spool.append(type: "artifact") { w in
                    w.key("local_path"); w.string(local)
                    if let path = request.path { w.key("artifact_path"); w.string(path) }
                }
                artifacts.removeFirst()
                request.waiter.resume(returning: .success(()))
            }
            try spool.syncIfDue()
        } catch {
            report(error)
        }
    }

    private func syncSpool() {
        do { try spool?.sync() } catch { report(error) }
    }

    /// While spooling: when the server answers again, replay the spool and go live.
    private func heal(force: Bool = false) async {
        guard let spool, !configuration.offline else { return }
        let now = ContinuousClock.now
        guard force || now >= nextProbe else { return }
        nextProbe = now + configuration.probeInterval
        guard await client.isHealthy() else { return }
        syncSpool()
        let result = await SpoolSync.replay(file: spool.url, client: client, retry: configuration.retry, attempts: 3, knownRun: run)
        guard result.outcome == .synced, let runID = result.runID else {
            FileHandle.standardError.write(Data("track: uploading the spool failed (\(result.error?.description ?? "unknown error")); will try again\n".utf8))
            return
        }
        for error in result.refused { report(error) }
        if run == nil { setRun(RemoteRun(runID: runID, experimentID: experimentID ?? "", artifactURI: "", status: "RUNNING")) }
        spool.close()
        _ = SpoolSync.markSynced(spool.url)
        self.spool = nil
        mode = .live
        succeeded()
        shared.withLock { $0.spoolFile = nil; $0.spooling = false }
        if announcedSpool {
            FileHandle.standardError.write(Data("track: the server is back; spooled data uploaded\n".utf8))
            announcedSpool = false
        }
    }

    /// Everything is delivered or spooled: mark the run ended.
    private func complete(status: String) async -> Result<Void, TrackerError> {
        let endTime = Clocks.nowMillis()
        while mode == .live {
            if run == nil {
                // Nothing was ever sent (no data, server away so far): the run must still exist.
                do {
                    try await createRun()
                    succeeded()
                } catch where error.isRetryable {
                    failed(error)
                    if mode == .live, let retryAt { try? await Task.sleep(until: retryAt, clock: .continuous) }
                    continue
                } catch {
                    report(error)
                    return .failure(error)
                }
            }
            guard let runID = run?.runID else { break }
            do {
                try await client.updateRun(id: runID, status: status, endTime: endTime)
                return .success(())
            } catch where error.isRetryable {
                failed(error)
                if mode == .live, let retryAt { try? await Task.sleep(until: retryAt, clock: .continuous) }
            } catch {
                report(error)
                return .failure(error)
            }
        }
        guard let spool else {
            return .failure(shared.withLock { $0.lastError } ?? TrackerError(kind: .spool, message: "run could not be finished"))
        }
        do {
            try spool.append(type: "update_run") { w in
                w.key("status"); w.string(status)
                w.key("end_time"); w.int(endTime)
            }
            try spool.sync()
        } catch {
            report(error)
            return .failure(error)
        }
        await heal(force: true)
        if let spool = self.spool {
            spool.close()
            if !configuration.offline {
                FileHandle.standardError.write(Data("track: run data left in \(spool.url.path); upload it with `track sync`\n".utf8))
            }
        }
        return .success(())
    }
}
