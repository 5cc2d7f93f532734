import TrackCore

/// A behaviour check failed: what was expected and what the store did instead, and where the
/// check stands. Thrown by ``StoreConformance/run(_:)``; a test runner turns it into a failure at
/// `file`:`line`.
public struct ConformanceFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// The `#filePath` of the failing expectation.
    public let file: String
    /// The `#fileID` (`Module/File.swift`) of the failing expectation.
    public let fileID: String
    public let line: Int
    public let column: Int

    public init(_ message: String, fileID: String = #fileID, file: String = #filePath, line: Int = #line, column: Int = #column) {
        self.message = message
        self.fileID = fileID
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(fileID):\(line): \(message)" }
}

/// The behaviour suite every ``TrackingStore`` backend must pass, written once against the
/// protocol (MLflow 3.17.2 semantics).
///
/// A backend's test target runs every check by name against fresh stores:
///
/// ```swift
/// @Test(arguments: StoreConformance<MyStore>.checks)
/// func conformance(_ check: String) async throws {
///     try await StoreConformance { try MyStore(...) }.run(check)
/// }
/// ```
///
/// Each check calls `makeStore` (usually once) and expects a fresh, empty store: only the default
/// experiment `0` exists. Failures throw ``ConformanceFailure``; errors the store throws where
/// a check expected success propagate as they are.
public struct StoreConformance<Store: TrackingStore & UserStore & ModelRegistryStore>: Sendable {
    typealias Check = (name: String, body: @Sendable (StoreConformance<Store>) async throws -> Void)

    let makeStore: @Sendable () async throws -> Store

    /// - Parameter makeStore: returns a fresh, empty store each time it is called.
    public init(makeStore: @escaping @Sendable () async throws -> Store) {
        self.makeStore = makeStore
    }

    static var registry: [Check] {
        experimentChecks + runChecks + loggingChecks + metricChecks + searchChecks + freshnessChecks + accountChecks + loggedModelChecks + registryChecks
    }

    /// The names of all checks, grouped by resource (`experiments.…`, `runs.…`, `logging.…`,
    /// `metrics.…`, `searchRuns.…`, `freshness.…`, `accounts.…`, `loggedModels.…`, `registry.…`).
    public static var checks: [String] { registry.map(\.name) }

    /// Runs one check against a fresh store.
    /// - Throws: ``ConformanceFailure`` when the store misbehaves (or the name is unknown).
    public func run(_ name: String) async throws {
        let matching = Self.registry.filter { $0.name == name }
        guard matching.count == 1, let check = matching.first else {
            throw ConformanceFailure(
                matching.isEmpty
                    ? "Unknown conformance check '\(name)'. Known checks: \(Self.checks.joined(separator: ", "))"
                    : "Conformance check name '\(name)' is registered \(matching.count) times"
            )
        }
        try await check.body(self)
    }
}

// MARK: - Expectations

/// Fails with `message` unless `condition` holds.
func expect(
    _ condition: Bool, _ message: @autoclosure () -> String,
    fileID: String = #fileID, file: String = #filePath, line: Int = #line, column: Int = #column
) throws {
    if !condition {
        throw ConformanceFailure(message(), fileID: fileID, file: file, line: line, column: column)
    }
}

/// Fails unless `actual == expected`, saying what was compared, what was expected and what came.
func expectEqual<T: Equatable>(
    _ actual: T, _ expected: T, _ what: @autoclosure () -> String,
    fileID: String = #fileID, file: String = #filePath, line: Int = #line, column: Int = #column
) throws {
    if actual != expected {
        throw ConformanceFailure(
            "\(what()): expected \(show(expected)), got \(show(actual))",
            fileID: fileID, file: file, line: line, column: column
        )
    }
}

/// The value, or a failure saying that `what` was missing.
func unwrap<T>(
    _ value: T?, _ what: @autoclosure () -> String,
    fileID: String = #fileID, file: String = #filePath, line: Int = #line, column: Int = #column
) throws -> T {
    guard let value else {
        throw ConformanceFailure("\(what()): expected a value, got nil", fileID: fileID, file: file, line: line, column: column)
    }
    return value
}

/// Fails unless `body` throws a ``TrackError`` with `code`, whose message equals `message` (when
/// given) and contains every one of `messageContains`. Returns the error.
@discardableResult
func expectError<T>(
    _ what: @autoclosure () -> String, code: TrackError.Code, message: String? = nil, messageContains: [String] = [],
    fileID: String = #fileID, file: String = #filePath, line: Int = #line, column: Int = #column,
    _ body: () async throws -> T
) async throws -> TrackError {
    let wanted = "TrackError \(code.rawValue)"
        + (message.map { " with message \(show($0))" } ?? "")
        + (messageContains.isEmpty ? "" : " with a message containing " + messageContains.map { show($0) }.joined(separator: " and "))
    let fail = { (text: String) in ConformanceFailure(text, fileID: fileID, file: file, line: line, column: column) }
    let result: T
    do {
        result = try await body()
    } catch let error as TrackError {
        if error.code != code {
            throw fail("\(what()): expected \(wanted), got \(error.code.rawValue): \(show(error.message))")
        }
        if let message, error.message != message {
            throw fail("\(what()): expected \(wanted), got message \(show(error.message))")
        }
        for fragment in messageContains where !error.message.contains(fragment) {
            throw fail("\(what()): expected \(wanted), got message \(show(error.message)) (missing \(show(fragment)))")
        }
        return error
    } catch {
        throw fail("\(what()): expected \(wanted), got a non-TrackError \(String(reflecting: error))")
    }
    throw fail("\(what()): expected \(wanted), but the call succeeded and returned \(show(result))")
}

/// Fails when `body` throws, naming the operation (use where a step's success is the point).
@discardableResult
func expectSuccess<T>(
    _ what: @autoclosure () -> String,
    fileID: String = #fileID, file: String = #filePath, line: Int = #line, column: Int = #column,
    _ body: () async throws -> T
) async throws -> T {
    do {
        return try await body()
    } catch {
        throw ConformanceFailure("\(what()): expected success, got error \(error)", fileID: fileID, file: file, line: line, column: column)
    }
}

// MARK: - Showing values in messages

/// A readable, exact rendering of a value for failure messages (doubles with their bits when
/// they are special, points as `(step, timestamp, value)`).
func show(_ value: Any) -> String {
    switch value {
    case let string as String:
        return string.count > 120 ? "\"\(string.prefix(60))…\" (\(string.count) characters)" : "\"\(string)\""
    case let double as Double:
        return showDouble(double)
    case let point as MetricPoint:
        return "(step \(point.step), ts \(point.timestamp), \(showDouble(point.value)))"
    case let metric as Metric:
        return "\(metric.key)@(step \(metric.step), ts \(metric.timestamp), \(showDouble(metric.value)))"
    case let tag as KeyValue:
        return "\(tag.key)=\(show(tag.value))"
    case let summary as MetricSummary:
        return "\(summary.key){latest \(show(summary.latest)), min \(showDouble(summary.min)), max \(showDouble(summary.max)), count \(summary.count)}"
    case let points as [MetricPoint]:
        return showList(points.map { show($0) })
    case let metrics as [Metric]:
        return showList(metrics.map { show($0) })
    case let tags as [KeyValue]:
        return showList(tags.map { show($0) })
    case let summaries as [MetricSummary]:
        return showList(summaries.map { show($0) })
    case let strings as [String]:
        return showList(strings.map { show($0) })
    case let optional as String?:
        return optional.map { show($0) } ?? "nil"
    case let experiment as Experiment:
        return "Experiment(id \(experiment.id), name \(show(experiment.name)), location \(show(experiment.artifactLocation)), \(experiment.lifecycleStage.rawValue), created \(experiment.creationTime), updated \(experiment.lastUpdateTime), tags \(show(experiment.tags)))"
    default:
        return String(describing: value)
    }
}

private func showList(_ items: [String]) -> String {
    if items.count > 40 {
        return "[" + items.prefix(20).joined(separator: ", ") + ", … (\(items.count) items) …, "
            + items.suffix(5).joined(separator: ", ") + "]"
    }
    return "[" + items.joined(separator: ", ") + "]"
}

func showDouble(_ value: Double) -> String {
    let bits = "0x" + String(value.bitPattern, radix: 16, uppercase: true)
    if value.isNaN || value.isInfinite || value.isSubnormal || (value == 0 && value.sign == .minus) {
        return "\(value) [bits \(bits)]"
    }
    return "\(value)"
}

// MARK: - Shared steps

extension StoreConformance {
    /// Creates an experiment with a default artifact location.
    func makeExperiment(_ store: Store, _ name: String, tags: [Tag] = []) async throws -> String {
        try await expectSuccess("createExperiment(name: \(show(name)))") {
            try await store.createExperiment(name: name, artifactLocation: nil, tags: tags)
        }
    }

    /// Creates a run named `name` (or with a generated name).
    func makeRun(
        _ store: Store, in experimentID: String = Experiment.defaultID, name: String? = nil,
        startTime: Int64 = 0, userID: String = "tester", tags: [Tag] = []
    ) async throws -> Run {
        try await expectSuccess("createRun(experiment \(experimentID), name \(show(name as Any)))") {
            try await store.createRun(RunCreation(
                experimentID: experimentID, userID: userID, runName: name, startTime: startTime, tags: tags
            ))
        }
    }

    /// Logs a batch that must succeed.
    func log(
        _ store: Store, _ runID: String, metrics: [Metric] = [], params: [Param] = [], tags: [Tag] = [],
        fileID: String = #fileID, file: String = #filePath, line: Int = #line, column: Int = #column
    ) async throws {
        try await expectSuccess(
            "logBatch(\(metrics.count) metrics, \(params.count) params, \(tags.count) tags)",
            fileID: fileID, file: file, line: line, column: column
        ) {
            try await store.logBatch(runID: runID, metrics: metrics, params: params, tags: tags)
        }
    }

    /// Every point of a series, following page tokens; fails when paging does not end.
    func fullHistory(_ store: Store, _ runID: String, _ key: String, pageSize: Int = 25_000) async throws -> [MetricPoint] {
        var points: [MetricPoint] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await store.metricHistory(runID: runID, key: key, maxResults: pageSize, pageToken: token)
            points += page.items
            token = page.nextPageToken
            pages += 1
            try expect(pages <= 10_000, "metricHistory(\(key)) kept returning page tokens after 10000 pages")
        } while token != nil
        return points
    }

    /// Every run a search returns, following page tokens.
    func searchAll(_ store: Store, _ query: RunQuery) async throws -> [Run] {
        var query = query
        var runs: [Run] = []
        var pages = 0
        repeat {
            let page = try await store.searchRuns(query)
            runs += page.items
            query.pageToken = page.nextPageToken
            pages += 1
            try expect(pages <= 10_000, "searchRuns kept returning page tokens after 10000 pages")
        } while query.pageToken != nil
        return runs
    }

    /// Every experiment a search returns, following page tokens.
    func searchAll(_ store: Store, _ query: ExperimentQuery) async throws -> [Experiment] {
        var query = query
        var experiments: [Experiment] = []
        var pages = 0
        repeat {
            let page = try await store.searchExperiments(query)
            experiments += page.items
            query.pageToken = page.nextPageToken
            pages += 1
            try expect(pages <= 10_000, "searchExperiments kept returning page tokens after 10000 pages")
        } while query.pageToken != nil
        return experiments
    }

    /// Sleeps long enough for the millisecond clock to move on.
    func tick() async throws {
        try await Task.sleep(for: .milliseconds(3))
    }
}

/// Tags sorted by key, to compare regardless of the order a store returns them in.
func sortedByKey(_ tags: [KeyValue]) -> [KeyValue] {
    tags.sorted { ($0.key, $0.value) < ($1.key, $1.value) }
}

/// The value of `key` in a list of tags or params.
func value(of key: String, in entries: [KeyValue]) -> String? {
    entries.last(where: { $0.key == key })?.value
}

/// MLflow's history order: `(timestamp, step, value)`.
func historyOrder(_ a: MetricPoint, _ b: MetricPoint) -> Bool {
    if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
    if a.step != b.step { return a.step < b.step }
    return a.value < b.value
}

func isLowercaseHex32(_ id: String) -> Bool {
    id.utf8.count == 32 && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
}
