import TrackCore

extension StoreConformance {
    static var searchChecks: [Check] {
        [
            ("searchRuns.metricFilters", { try await $0.searchMetricFilters() }),
            ("searchRuns.metricFilterNeverMatchesMissingKey", { try await $0.searchMetricFilterNeverMatchesMissingKey() }),
            ("searchRuns.paramFilters", { try await $0.searchParamFilters() }),
            ("searchRuns.tagFilters", { try await $0.searchTagFilters() }),
            ("searchRuns.attributeFilters", { try await $0.searchAttributeFilters() }),
            ("searchRuns.runIDInAndNotIn", { try await $0.searchRunIDInAndNotIn() }),
            ("searchRuns.startTimeRanges", { try await $0.searchStartTimeRanges() }),
            ("searchRuns.datasetFilters", { try await $0.searchDatasetFilters() }),
            ("searchRuns.combinedFilters", { try await $0.searchCombinedFilters() }),
            ("searchRuns.orderByMetric", { try await $0.searchOrderByMetric() }),
            ("searchRuns.orderByMetricNaNAfterNumbers", { try await $0.searchOrderByMetricNaNAfterNumbers() }),
            ("searchRuns.orderByParamAsString", { try await $0.searchOrderByParamAsString() }),
            ("searchRuns.orderByTag", { try await $0.searchOrderByTag() }),
            ("searchRuns.orderByTiesBreakByStartTimeThenRunID", { try await $0.searchOrderByTiesBreakByStartTimeThenRunID() }),
            ("searchRuns.orderByAttributes", { try await $0.searchOrderByAttributes() }),
            ("searchRuns.orderBySeveralKeys", { try await $0.searchOrderBySeveralKeys() }),
            ("searchRuns.defaultOrder", { try await $0.searchDefaultOrder() }),
            ("searchRuns.viewTypes", { try await $0.searchViewTypes() }),
            ("searchRuns.paging", { try await $0.searchPaging() }),
            ("searchRuns.pagingWithOrderBy", { try await $0.searchPagingWithOrderBy() }),
            ("searchRuns.multipleExperiments", { try await $0.searchMultipleExperiments() }),
            ("searchRuns.badPageTokenAndMaxResultsRejected", { try await $0.searchGarbagePageTokenRejected() }),
        ]
    }

    /// Five runs in one experiment, named alpha…epsilon, started at 1000…5000:
    ///
    /// | run | user | status | acc (latest) | loss | params | tags | dataset (context) |
    /// | --- | --- | --- | --- | --- | --- | --- | --- |
    /// | alpha | alice | FINISHED | 0.9 (after 0.99) | 0.5 | model=ResNet lr=0.1 layers=64 | team=vision stage=prod | mnist/d1 (training) |
    /// | beta | bob | RUNNING | 0.7 | 0.3 | model=resnet lr=0.01 layers=32 | team=Vision | mnist/d2 (validation) |
    /// | gamma | alice | FAILED | 0.95 | – | model=Transformer layers=128 | team=nlp stage=dev | imdb/d3 (training) |
    /// | delta | carol | FINISHED | – | – | – | – | – |
    /// | epsilon | bob | KILLED | 0.7 | 1.5 | model=LSTM | team=audio | – |
    struct SearchFixture {
        var experimentID: String
        var ids: [String: String]
    }

    func searchFixture(_ store: Store) async throws -> SearchFixture {
        let experimentID = try await makeExperiment(store, "search")
        var ids: [String: String] = [:]
        let specs: [(name: String, start: Int64, user: String, status: RunStatus)] = [
            ("alpha", 1000, "alice", .finished), ("beta", 2000, "bob", .running), ("gamma", 3000, "alice", .failed),
            ("delta", 4000, "carol", .finished), ("epsilon", 5000, "bob", .killed),
        ]
        for spec in specs {
            let run = try await makeRun(store, in: experimentID, name: spec.name, startTime: spec.start, userID: spec.user)
            ids[spec.name] = run.info.runID
            if spec.status != .running {
                _ = try await store.updateRun(id: run.info.runID, RunUpdate(status: spec.status, endTime: spec.start + 500))
            }
        }
        func metric(_ key: String, _ value: Double, step: Int64 = 0) -> Metric { Metric(key: key, value: value, timestamp: 100, step: step) }
        try await log(
            store, ids["alpha"]!, metrics: [metric("acc", 0.99), metric("acc", 0.9, step: 1), metric("loss", 0.5)],
            params: [Param(key: "model", value: "ResNet"), Param(key: "lr", value: "0.1"), Param(key: "layers", value: "64")],
            tags: [Tag(key: "team", value: "vision"), Tag(key: "stage", value: "prod")]
        )
        try await log(
            store, ids["beta"]!, metrics: [metric("acc", 0.7), metric("loss", 0.3)],
            params: [Param(key: "model", value: "resnet"), Param(key: "lr", value: "0.01"), Param(key: "layers", value: "32")],
            tags: [Tag(key: "team", value: "Vision")]
        )
        try await log(
            store, ids["gamma"]!, metrics: [metric("acc", 0.95)],
            params: [Param(key: "model", value: "Transformer"), Param(key: "layers", value: "128")],
            tags: [Tag(key: "team", value: "nlp"), Tag(key: "stage", value: "dev")]
        )
        try await log(
            store, ids["epsilon"]!, metrics: [metric("acc", 0.7), metric("loss", 1.5)],
            params: [Param(key: "model", value: "LSTM")], tags: [Tag(key: "team", value: "audio")]
        )
        func dataset(_ name: String, _ digest: String, _ context: String) -> DatasetInput {
            DatasetInput(
                tags: [Tag(key: "mlflow.data.context", value: context)],
                dataset: Dataset(name: name, digest: digest, sourceType: "local", source: "{}")
            )
        }
        try await store.logInputs(runID: ids["alpha"]!, datasets: [dataset("mnist", "d1", "training")], models: [])
        try await store.logInputs(runID: ids["beta"]!, datasets: [dataset("mnist", "d2", "validation")], models: [])
        try await store.logInputs(runID: ids["gamma"]!, datasets: [dataset("imdb", "d3", "training")], models: [])
        return SearchFixture(experimentID: experimentID, ids: ids)
    }

    /// Run names a search returns, in order; the filter and order-by are parsed as the server does.
    func runNames(
        _ store: Store, _ experimentIDs: [String], filter: String = "", orderBy: [String] = [],
        viewType: ViewType = .activeOnly, pageSize: Int = 1000
    ) async throws -> [String] {
        let clauses = try RunFilterParser.parse(filter)
        var orders: [SearchOrder] = []
        for term in orderBy { orders.append(try RunFilterParser.parseOrderBy(term)) }
        let query = RunQuery(experimentIDs: experimentIDs, filter: clauses, orderBy: orders, viewType: viewType, maxResults: pageSize)
        return try await searchAll(store, query).map(\.info.runName)
    }

    /// Checks that `filter` matches exactly `expected` (in any order).
    func expectMatches(
        _ store: Store, _ fixture: SearchFixture, _ filter: String, _ expected: Set<String>,
        fileID: String = #fileID, file: String = #filePath, line: Int = #line, column: Int = #column
    ) async throws {
        let names = try await expectSuccess("searchRuns(filter: \(show(filter)))", fileID: fileID, file: file, line: line, column: column) {
            try await runNames(store, [fixture.experimentID], filter: filter)
        }
        try expectEqual(names.count, Set(names).count, "runs returned twice for filter \(show(filter))", fileID: fileID, file: file, line: line, column: column)
        if Set(names) != expected {
            throw ConformanceFailure(
                "filter \(show(filter)): expected runs \(expected.sorted()), got \(names.sorted())",
                fileID: fileID, file: file, line: line, column: column
            )
        }
    }

    /// Checks that `orderBy` sorts the fixture's runs exactly as `expected`.
    func expectOrder(
        _ store: Store, _ experimentID: String, _ orderBy: [String], _ expected: [String], filter: String = "",
        fileID: String = #fileID, file: String = #filePath, line: Int = #line, column: Int = #column
    ) async throws {
        let names = try await expectSuccess("searchRuns(orderBy: \(orderBy))", fileID: fileID, file: file, line: line, column: column) {
            try await runNames(store, [experimentID], filter: filter, orderBy: orderBy)
        }
        try expectEqual(names, expected, "runs ordered by \(orderBy)", fileID: fileID, file: file, line: line, column: column)
    }

    // MARK: - Filters

    func searchMetricFilters() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await expectMatches(store, f, "metrics.acc > 0.8", ["alpha", "gamma"])
        try await expectMatches(store, f, "metrics.acc >= 0.9", ["alpha", "gamma"])
        try await expectMatches(store, f, "metrics.acc > 0.95", [])  // alpha's 0.99 is not its latest value
        try await expectMatches(store, f, "metrics.acc < 0.9", ["beta", "epsilon"])
        try await expectMatches(store, f, "metrics.acc <= 0.7", ["beta", "epsilon"])
        try await expectMatches(store, f, "metrics.acc = 0.7", ["beta", "epsilon"])
        try await expectMatches(store, f, "metrics.acc != 0.7", ["alpha", "gamma"])
        try await expectMatches(store, f, "metric.loss < 1", ["alpha", "beta"])
        try await expectMatches(store, f, "metrics.`loss` >= 1.5", ["epsilon"])
        try await expectMatches(store, f, "metrics.acc = 0.99", [])
    }

    func searchMetricFilterNeverMatchesMissingKey() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await expectMatches(store, f, "metrics.loss != 0.5", ["beta", "epsilon"])
        try await expectMatches(store, f, "metrics.loss != 12345", ["alpha", "beta", "epsilon"])
        try await expectMatches(store, f, "metrics.nothing != 1", [])
        try await expectMatches(store, f, "metrics.nothing < 1e300", [])
        try await expectMatches(store, f, "metrics.loss > -1e300", ["alpha", "beta", "epsilon"])
    }

    func searchParamFilters() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await expectMatches(store, f, "params.model = 'ResNet'", ["alpha"])
        try await expectMatches(store, f, "param.model = \"resnet\"", ["beta"])
        try await expectMatches(store, f, "params.model != 'ResNet'", ["beta", "gamma", "epsilon"])
        try await expectMatches(store, f, "params.model LIKE 'Res%'", ["alpha"])
        try await expectMatches(store, f, "params.model LIKE '%e%'", ["alpha", "beta", "gamma"])
        try await expectMatches(store, f, "params.model LIKE '_STM'", ["epsilon"])
        try await expectMatches(store, f, "params.model ILIKE 'res%'", ["alpha", "beta"])
        try await expectMatches(store, f, "params.model ILIKE '%TRANS%'", ["gamma"])
        try await expectMatches(store, f, "params.lr IS NULL", ["gamma", "delta", "epsilon"])
        try await expectMatches(store, f, "params.lr IS NOT NULL", ["alpha", "beta"])
        try await expectMatches(store, f, "params.lr = '0.1'", ["alpha"])
        try await expectMatches(store, f, "params.nothing IS NULL", ["alpha", "beta", "gamma", "delta", "epsilon"])
    }

    func searchTagFilters() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await expectMatches(store, f, "tags.team = 'vision'", ["alpha"])
        try await expectMatches(store, f, "tags.team != 'vision'", ["beta", "gamma", "epsilon"])
        try await expectMatches(store, f, "tags.team LIKE 'V%'", ["beta"])
        try await expectMatches(store, f, "tags.team ILIKE 'VISION'", ["alpha", "beta"])
        try await expectMatches(store, f, "tags.stage IS NULL", ["beta", "delta", "epsilon"])
        try await expectMatches(store, f, "tags.stage IS NOT NULL", ["alpha", "gamma"])
        try await expectMatches(store, f, "tags.mlflow.runName = 'gamma'", ["gamma"])
        try await expectMatches(store, f, "tag.`team` = 'nlp'", ["gamma"])
        try await expectMatches(store, f, "tags.\"team\" LIKE '%i%'", ["alpha", "beta", "epsilon"])
    }

    func searchAttributeFilters() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await expectMatches(store, f, "attributes.status = 'FINISHED'", ["alpha", "delta"])
        try await expectMatches(store, f, "status != 'RUNNING'", ["alpha", "gamma", "delta", "epsilon"])
        try await expectMatches(store, f, "attribute.status = 'KILLED'", ["epsilon"])
        try await expectMatches(store, f, "attributes.run_name = 'beta'", ["beta"])
        try await expectMatches(store, f, "run_name LIKE '%a'", ["alpha", "beta", "gamma", "delta"])
        try await expectMatches(store, f, "run_name ILIKE 'EPS%'", ["epsilon"])
        try await expectMatches(store, f, "attributes.`Run name` = 'delta'", ["delta"])
        try await expectMatches(store, f, "attributes.user_id = 'alice'", ["alpha", "gamma"])
        try await expectMatches(store, f, "user_id != 'bob'", ["alpha", "gamma", "delta"])
        try await expectMatches(store, f, "attributes.run_id = '\(f.ids["beta"]!)'", ["beta"])
        try await expectMatches(store, f, "attributes.artifact_uri LIKE '%\(f.ids["gamma"]!)%'", ["gamma"])
    }

    func searchRunIDInAndNotIn() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        let a = f.ids["alpha"]!, c = f.ids["gamma"]!
        try await expectMatches(store, f, "attributes.run_id IN ('\(a)', '\(c)')", ["alpha", "gamma"])
        try await expectMatches(store, f, "run_id NOT IN ('\(a)', '\(c)')", ["beta", "delta", "epsilon"])
        try await expectMatches(store, f, "run_id IN ('\(Self.unknownRunID)')", [])
        try await expectMatches(store, f, "run_id IN ('\(a)') AND run_id NOT IN ('\(a)')", [])
    }

    func searchStartTimeRanges() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await expectMatches(store, f, "attributes.start_time >= 2000 AND attributes.start_time < 4000", ["beta", "gamma"])
        try await expectMatches(store, f, "start_time > 4000", ["epsilon"])
        try await expectMatches(store, f, "start_time = 1000", ["alpha"])
        try await expectMatches(store, f, "start_time != 1000", ["beta", "gamma", "delta", "epsilon"])
        try await expectMatches(store, f, "start_time <= 2000", ["alpha", "beta"])
        try await expectMatches(store, f, "attributes.created < 3000", ["alpha", "beta"])
        try await expectMatches(store, f, "end_time > 4000", ["delta", "epsilon"])
    }

    func searchDatasetFilters() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await expectMatches(store, f, "datasets.name = 'mnist'", ["alpha", "beta"])
        try await expectMatches(store, f, "datasets.digest = 'd3'", ["gamma"])
        try await expectMatches(store, f, "datasets.context = 'training'", ["alpha", "gamma"])
        try await expectMatches(store, f, "dataset.name IN ('imdb', 'cifar')", ["gamma"])
        try await expectMatches(store, f, "datasets.name LIKE 'mn%'", ["alpha", "beta"])
        try await expectMatches(store, f, "datasets.name = 'mnist' AND datasets.context = 'validation'", ["beta"])
    }

    func searchCombinedFilters() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await expectMatches(store, f, "metrics.acc > 0.5 and params.model ILIKE '%net' AND tags.team = 'Vision'", ["beta"])
        try await expectMatches(store, f, "attributes.status = 'FINISHED' AND params.lr IS NULL", ["delta"])
        try await expectMatches(store, f, "user_id = 'bob' AND metrics.loss >= 0.3 AND tags.stage IS NULL", ["beta", "epsilon"])
        try await expectMatches(store, f, "", ["alpha", "beta", "gamma", "delta", "epsilon"])
    }

    // MARK: - Order

    func searchOrderByMetric() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        // acc: gamma 0.95, alpha 0.9, beta = epsilon 0.7 (tie → start_time DESC), delta missing (last).
        try await expectOrder(store, f.experimentID, ["metrics.acc DESC"], ["gamma", "alpha", "epsilon", "beta", "delta"])
        try await expectOrder(store, f.experimentID, ["metrics.acc ASC"], ["epsilon", "beta", "alpha", "gamma", "delta"])
        try await expectOrder(store, f.experimentID, ["metrics.acc"], ["epsilon", "beta", "alpha", "gamma", "delta"])
        // loss: beta 0.3, alpha 0.5, epsilon 1.5; gamma and delta missing, last in both directions.
        try await expectOrder(store, f.experimentID, ["metrics.loss ASC"], ["beta", "alpha", "epsilon", "delta", "gamma"])
        try await expectOrder(store, f.experimentID, ["metrics.loss DESC"], ["epsilon", "alpha", "beta", "delta", "gamma"])
    }

    func searchOrderByMetricNaNAfterNumbers() async throws {
        let store = try await makeStore()
        let experimentID = try await makeExperiment(store, "nan-order")
        let values: [(String, Double?)] = [("one", 1), ("nan", .nan), ("inf", .infinity), ("neg_inf", -.infinity), ("missing", nil), ("neg", -2.5)]
        for (index, (name, value)) in values.enumerated() {
            let run = try await makeRun(store, in: experimentID, name: name, startTime: Int64(index))
            if let value { try await log(store, run.info.runID, metrics: [Metric(key: "m", value: value, timestamp: 1)]) }
        }
        // MLflow sorts by (is NaN, is missing) before the value: NaN after every number, missing last.
        try await expectOrder(store, experimentID, ["metrics.m ASC"], ["neg_inf", "neg", "one", "inf", "nan", "missing"])
        try await expectOrder(store, experimentID, ["metrics.m DESC"], ["inf", "one", "neg", "neg_inf", "nan", "missing"])
    }

    func searchOrderByParamAsString() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        // layers: alpha "64", beta "32", gamma "128" compare as strings; delta and epsilon lack it.
        try await expectOrder(store, f.experimentID, ["params.layers DESC"], ["alpha", "beta", "gamma", "epsilon", "delta"])
        try await expectOrder(store, f.experimentID, ["params.layers ASC"], ["gamma", "beta", "alpha", "epsilon", "delta"])
        try await expectOrder(store, f.experimentID, ["param.model"], ["epsilon", "alpha", "gamma", "beta", "delta"])
    }

    func searchOrderByTag() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        // team: alpha "vision", beta "Vision", gamma "nlp", epsilon "audio"; delta lacks it.
        try await expectOrder(store, f.experimentID, ["tags.team ASC"], ["beta", "epsilon", "gamma", "alpha", "delta"])
        try await expectOrder(store, f.experimentID, ["tags.team DESC"], ["alpha", "gamma", "epsilon", "beta", "delta"])
        try await expectOrder(store, f.experimentID, ["tags.stage DESC"], ["alpha", "gamma", "epsilon", "delta", "beta"])
    }

    func searchOrderByTiesBreakByStartTimeThenRunID() async throws {
        let store = try await makeStore()
        let experimentID = try await makeExperiment(store, "ties")
        var runs: [(name: String, id: String, start: Int64)] = []
        for index in 0..<8 {
            let start: Int64 = index < 5 ? 500 : Int64(100 * index)
            let run = try await makeRun(store, in: experimentID, name: "run-\(index)", startTime: start)
            runs.append((run.info.runName, run.info.runID, start))
            try await log(store, run.info.runID, metrics: [Metric(key: "same", value: 1, timestamp: 1)], params: [Param(key: "same", value: "x")])
        }
        let expected = runs.sorted { $0.start != $1.start ? $0.start > $1.start : $0.id < $1.id }.map(\.name)
        try await expectOrder(store, experimentID, ["metrics.same DESC"], expected)
        try await expectOrder(store, experimentID, ["metrics.same ASC"], expected)
        try await expectOrder(store, experimentID, ["params.same"], expected)
        try await expectOrder(store, experimentID, [], expected)
    }

    func searchOrderByAttributes() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await expectOrder(store, f.experimentID, ["attributes.start_time ASC"], ["alpha", "beta", "gamma", "delta", "epsilon"])
        try await expectOrder(store, f.experimentID, ["start_time DESC"], ["epsilon", "delta", "gamma", "beta", "alpha"])
        try await expectOrder(store, f.experimentID, ["attributes.run_name DESC"], ["gamma", "epsilon", "delta", "beta", "alpha"])
        try await expectOrder(store, f.experimentID, ["run_name"], ["alpha", "beta", "delta", "epsilon", "gamma"])
        // status: FAILED, FINISHED×2 (delta then alpha by start_time DESC), KILLED, RUNNING.
        try await expectOrder(store, f.experimentID, ["attributes.status ASC"], ["gamma", "delta", "alpha", "epsilon", "beta"])
        try await expectOrder(store, f.experimentID, ["user_id DESC"], ["delta", "epsilon", "beta", "gamma", "alpha"])
        // end_time: beta is still RUNNING (no end time) and goes last in both directions.
        try await expectOrder(store, f.experimentID, ["attributes.end_time ASC"], ["alpha", "gamma", "delta", "epsilon", "beta"])
        try await expectOrder(store, f.experimentID, ["end_time DESC"], ["epsilon", "delta", "gamma", "alpha", "beta"])
    }

    func searchOrderBySeveralKeys() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await expectOrder(store, f.experimentID, ["user_id ASC", "metrics.acc ASC"], ["alpha", "gamma", "epsilon", "beta", "delta"])
        try await expectOrder(store, f.experimentID, ["metrics.acc DESC", "start_time ASC"], ["gamma", "alpha", "beta", "epsilon", "delta"])
    }

    func searchDefaultOrder() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await expectOrder(store, f.experimentID, [], ["epsilon", "delta", "gamma", "beta", "alpha"])
    }

    func searchViewTypes() async throws {
        let store = try await makeStore()
        let f = try await searchFixture(store)
        try await store.deleteRun(id: f.ids["beta"]!)
        try await store.deleteRun(id: f.ids["delta"]!)
        try expectEqual(Set(try await runNames(store, [f.experimentID])), ["alpha", "gamma", "epsilon"], "ACTIVE_ONLY runs (the default)")
        try expectEqual(Set(try await runNames(store, [f.experimentID], viewType: .deletedOnly)), ["beta", "delta"], "DELETED_ONLY runs")
        try expectEqual(Set(try await runNames(store, [f.experimentID], viewType: .all)), ["alpha", "beta", "gamma", "delta", "epsilon"], "ALL runs")
        try expectEqual(
            Set(try await runNames(store, [f.experimentID], filter: "params.model ILIKE 'res%'", viewType: .all)), ["alpha", "beta"],
            "ALL runs with filter params.model ILIKE 'res%'"
        )
        let deleted = try await searchAll(store, RunQuery(experimentIDs: [f.experimentID], viewType: .deletedOnly))
        try expectEqual(deleted.map(\.info.lifecycleStage), [.deleted, .deleted], "lifecycle stages in DELETED_ONLY results")
    }

    /// Runs created with start times that repeat (ties) and some metrics, for paging.
    func pagingFixture(_ store: Store) async throws -> String {
        let experimentID = try await makeExperiment(store, "paging")
        for index in 0..<30 {
            let run = try await makeRun(store, in: experimentID, name: "run-\(index)", startTime: Int64(index / 3))
            if index % 4 != 0 {
                try await log(store, run.info.runID, metrics: [Metric(key: "score", value: Double(index % 5), timestamp: 1)])
            }
        }
        return experimentID
    }

    func checkPaging(_ store: Store, _ query: RunQuery, pageSize: Int, total: Int, _ what: String) async throws {
        var whole = query
        whole.maxResults = 1000
        let expected = try await searchAll(store, whole).map(\.info.runID)
        try expectEqual(expected.count, total, "\(what): number of runs in one page")
        var paged = query
        paged.maxResults = pageSize
        var ids: [String] = []
        var sizes: [Int] = []
        repeat {
            let page = try await store.searchRuns(paged)
            ids += page.items.map(\.info.runID)
            sizes.append(page.items.count)
            paged.pageToken = page.nextPageToken
            try expect(sizes.count <= 100, "\(what): paging did not end after 100 pages")
        } while paged.pageToken != nil
        let duplicates = Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        try expect(duplicates.isEmpty, "\(what): runs returned on more than one page: \(duplicates)")
        let missing = Set(expected).subtracting(ids)
        try expect(missing.isEmpty, "\(what): \(missing.count) runs never returned while paging by \(pageSize)")
        try expectEqual(ids, expected, "\(what): paged order vs one-page order")
        let full = total / pageSize, rest = total % pageSize
        try expectEqual(sizes, Array(repeating: pageSize, count: full) + (rest > 0 ? [rest] : []), "\(what): page sizes")
    }

    func searchPaging() async throws {
        let store = try await makeStore()
        let experimentID = try await pagingFixture(store)
        try await checkPaging(store, RunQuery(experimentIDs: [experimentID]), pageSize: 7, total: 30, "all 30 runs by 7")
        try await checkPaging(
            store, RunQuery(experimentIDs: [experimentID], filter: try RunFilterParser.parse("metrics.score >= 1")),
            pageSize: 7, total: 18, "runs with metrics.score >= 1 by 7"
        )
    }

    func searchPagingWithOrderBy() async throws {
        let store = try await makeStore()
        let experimentID = try await pagingFixture(store)
        for term in ["metrics.score DESC", "metrics.score ASC", "run_name ASC"] {
            try await checkPaging(
                store, RunQuery(experimentIDs: [experimentID], orderBy: [try RunFilterParser.parseOrderBy(term)]),
                pageSize: 7, total: 30, "all 30 runs by 7 ordered by \(term)"
            )
        }
    }

    func searchMultipleExperiments() async throws {
        let store = try await makeStore()
        let a = try await makeExperiment(store, "a")
        let b = try await makeExperiment(store, "b")
        let c = try await makeExperiment(store, "c")
        for (experiment, name, start) in [(a, "a1", 10), (a, "a2", 40), (b, "b1", 20), (b, "b2", 50), (c, "c1", 30)] as [(String, String, Int64)] {
            _ = try await makeRun(store, in: experiment, name: name, startTime: start)
        }
        _ = try await makeRun(store, name: "default-run", startTime: 60)
        try expectEqual(try await runNames(store, [a, b]), ["b2", "a2", "b1", "a1"], "runs of experiments a and b (start_time DESC)")
        try expectEqual(try await runNames(store, [a]), ["a2", "a1"], "runs of experiment a")
        try expectEqual(try await runNames(store, [c, a, b]), ["b2", "a2", "c1", "b1", "a1"], "runs of experiments c, a and b")
        try expectEqual(try await runNames(store, [a, b], pageSize: 3), ["b2", "a2", "b1", "a1"], "runs of experiments a and b paged by 3")
        try expectEqual(try await runNames(store, []), [], "runs of no experiments")
        let unknown = try await expectSuccess("searchRuns in an unknown experiment") { try await runNames(store, ["98765"]) }
        try expectEqual(unknown, [], "runs of an unknown experiment")
        let runs = try await searchAll(store, RunQuery(experimentIDs: [a, b]))
        try expectEqual(Set(runs.map(\.info.experimentID)), [a, b], "experiment ids of runs found in a and b")
    }

    func searchGarbagePageTokenRejected() async throws {
        let store = try await makeStore()
        _ = try await makeRun(store)
        try await expectError("searchRuns with max_results 50001", code: .invalidParameterValue) {
            try await store.searchRuns(RunQuery(experimentIDs: ["0"], maxResults: 50_001))
        }
        try await expectSuccess("searchRuns with max_results 50000") {
            try await store.searchRuns(RunQuery(experimentIDs: ["0"], maxResults: 50_000))
        }
        for token in ["garbage!", "bm90IGpzb24="] {
            try await expectError("searchRuns with page token \(show(token))", code: .invalidParameterValue) {
                try await store.searchRuns(RunQuery(experimentIDs: ["0"], pageToken: token))
            }
        }
    }
}
