import TrackCore

/// What run resolution needs from the server (``APIClient`` in the CLI, a fake in tests).
public protocol RunDirectory: Sendable {
    /// The run with exactly this id, or nil.
    func run(id: String) async throws -> Run?
    /// Every experiment, deleted ones included.
    func experiments(viewType: ViewType) async throws -> [Experiment]
    /// An experiment by id or name; throws ``ClientError/experimentNotFound`` when there is none.
    func experiment(idOrName: String) async throws -> Experiment
    /// All runs of the experiments matching `filter` (MLflow's filter language), any stage.
    func searchAllRuns(experimentIDs: [String], filter: String, orderBy: [String], viewType: ViewType, limit: Int?) async throws -> [Run]
}

extension APIClient: RunDirectory {}

/// Finds the run a person means: by full id, unique id prefix, or run name.
///
/// 1. Input that could be a run id is asked for directly (`runs/get`); a hit ends the search.
/// 2. Otherwise runs are searched (`runs/search`, active and deleted, in the `--experiment` if
///    given, else in every experiment) by id prefix (`attributes.run_id LIKE '<hex>%'`, only for
///    hexadecimal input) and by name (`attributes.run_name = '<input>'`).
/// 3. Runs in the preferred lifecycle stage win over the others (active ones for most commands,
///    deleted ones for `track restore`), so a name reused after a deletion still resolves.
/// 4. One match is the run; none is ``ClientError/runNotFound``; several are
///    ``ClientError/ambiguousRun`` listing them (newest first).
public struct RunResolver: Sendable {
    public let directory: any RunDirectory
    /// The experiment (id or name) to look in; nil for all of them.
    public var experiment: String?
    /// The lifecycle stage that wins when matches are in both.
    public var preferredStage: LifecycleStage

    public init(directory: any RunDirectory, experiment: String? = nil, preferredStage: LifecycleStage = .active) {
        self.directory = directory
        self.experiment = experiment
        self.preferredStage = preferredStage
    }

    /// Resolves several inputs, reading the experiment list once.
    public func resolve(_ inputs: [String]) async throws -> [Run] {
        var scope: Scope?
        var runs: [Run] = []
        for input in inputs {
            if let run = try await exactRun(input) {
                runs.append(run)
                continue
            }
            if scope == nil { scope = try await self.scope() }
            runs.append(try await search(input, scope: scope!))
        }
        return runs
    }

    public func resolve(_ input: String) async throws -> Run {
        try await resolve([input])[0]
    }

    struct Scope {
        var experimentIDs: [String]
        var names: [String: String]
        var label: String?
    }

    func scope() async throws -> Scope {
        if let experiment {
            let found = try await directory.experiment(idOrName: experiment)
            return Scope(experimentIDs: [found.id], names: [found.id: found.name], label: "'\(found.name)' (\(found.id))")
        }
        let all = try await directory.experiments(viewType: .all)
        return Scope(experimentIDs: all.map(\.id), names: Dictionary(all.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }), label: nil)
    }

    func exactRun(_ input: String) async throws -> Run? {
        guard Self.couldBeRunID(input) else { return nil }
        return try await directory.run(id: input)
    }

    func search(_ input: String, scope: Scope) async throws -> Run {
        var matches: [Run] = []
        var seen = Set<String>()
        func add(_ runs: [Run]) {
            for run in runs where seen.insert(run.info.runID).inserted { matches.append(run) }
        }
        if let prefix = Self.idPrefix(input) {
            add(try await directory.searchAllRuns(
                experimentIDs: scope.experimentIDs, filter: "attributes.run_id LIKE '\(prefix)%'", orderBy: [], viewType: .all, limit: 1000
            ))
        }
        if let filter = Self.nameFilter(input) {
            add(try await directory.searchAllRuns(experimentIDs: scope.experimentIDs, filter: filter, orderBy: [], viewType: .all, limit: 1000))
        } else {
            // A name with both quote characters can't be written in the filter language.
            add(try await directory.searchAllRuns(experimentIDs: scope.experimentIDs, filter: "", orderBy: [], viewType: .all, limit: nil)
                .filter { $0.info.runName == input })
        }
        let preferred = matches.filter { $0.info.lifecycleStage == preferredStage }
        let chosen = preferred.isEmpty ? matches : preferred
        switch chosen.count {
        case 0:
            throw ClientError.runNotFound(input: input, scope: scope.label)
        case 1:
            return chosen[0]
        default:
            let sorted = chosen.sorted { ($0.info.startTime, $1.info.runID) > ($1.info.startTime, $0.info.runID) }
            throw ClientError.ambiguousRun(input: input, candidates: sorted.map { run in
                RunCandidate(
                    runID: run.info.runID, runName: run.info.runName,
                    experiment: scope.names[run.info.experimentID].map { "\($0) (\(run.info.experimentID))" } ?? run.info.experimentID,
                    status: run.info.status.rawValue, startTime: run.info.startTime, deleted: run.info.lifecycleStage == .deleted
                )
            })
        }
    }

    /// Whether the server could know `input` as a run id (its syntax check, as `runs/get`'s).
    static func couldBeRunID(_ input: String) -> Bool {
        !input.isEmpty && input.utf8.count <= 256
            && input.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x5F || $0 == 0x2D }
    }

    /// The lowercase id prefix of hexadecimal input (ids are lowercase hex), else nil.
    static func idPrefix(_ input: String) -> String? {
        guard !input.isEmpty, input.utf8.count <= 32, input.allSatisfy(\.isHexDigit) else { return nil }
        return input.lowercased()
    }

    /// `attributes.run_name = '…'` quoting with whichever quote the name does not contain (the
    /// filter language has no escapes); nil when it contains both.
    static func nameFilter(_ name: String) -> String? {
        if !name.contains("'") { return "attributes.run_name = '\(name)'" }
        if !name.contains("\"") { return "attributes.run_name = \"\(name)\"" }
        return nil
    }
}
