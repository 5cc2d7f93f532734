import TrackCore

extension StoreConformance {
    static var loggingChecks: [Check] {
        [
            ("logging.paramsAreWriteOnce", { try await $0.paramsAreWriteOnce() }),
            ("logging.paramValueTruncatedAt6000", { try await $0.paramValueTruncatedAt6000() }),
            ("logging.tagValueTruncatedAt8000", { try await $0.tagValueTruncatedAt8000() }),
            ("logging.tagsOverwriteAndDelete", { try await $0.tagsOverwriteAndDelete() }),
            ("logging.deleteMissingRunTagNotFound", { try await $0.deleteMissingRunTagNotFound() }),
            ("logging.runNameTagRenamesRun", { try await $0.runNameTagRenamesRun() }),
            ("logging.batchLimits", { try await $0.batchLimits() }),
            ("logging.batchTotalLimit", { try await $0.batchTotalLimit() }),
            ("logging.duplicateParamKeysRejected", { try await $0.duplicateParamKeysRejected() }),
            ("logging.invalidKeyNamesRejected", { try await $0.invalidKeyNamesRejected() }),
            ("logging.validKeyNamesAccepted", { try await $0.validKeyNamesAccepted() }),
            ("logging.keyLengthLimit", { try await $0.keyLengthLimit() }),
            ("logging.keyNamesFollowPythonWordRule", { try await $0.keyNamesFollowPythonWordRule() }),
            ("logging.lengthLimitsCountCodePoints", { try await $0.lengthLimitsCountCodePoints() }),
            ("logging.negativeTimestampRejected", { try await $0.negativeTimestampRejected() }),
            ("logging.failingBatchStoresNothing", { try await $0.failingBatchStoresNothing() }),
            ("logging.failingBatchLeavesExistingSeriesUnchanged", { try await $0.failingBatchLeavesExistingSeriesUnchanged() }),
            ("logging.specialValuesRoundTripBitExactly", { try await $0.specialValuesRoundTripBitExactly() }),
            ("logging.latestValueIsLargestStepTimestampValue", { try await $0.latestValueIsLargestStepTimestampValue() }),
            ("logging.historyOrderedByTimestampStepValue", { try await $0.historyOrderedByTimestampStepValue() }),
            ("logging.duplicatePointsStoredOnce", { try await $0.duplicatePointsStoredOnce() }),
            ("logging.inputsAndOutputs", { try await $0.inputsAndOutputs() }),
            ("logging.recordLoggedModelAppendsToHistory", { try await $0.recordLoggedModelAppendsToHistory() }),
            ("logging.concurrentLoggingLosesNothing", { try await $0.concurrentLoggingLosesNothing() }),
            ("logging.concurrentFailingBatchesStoreNothing", { try await $0.concurrentFailingBatchesStoreNothing() }),
            ("logging.unknownRunNotFound", { try await $0.loggingUnknownRunNotFound() }),
            ("logging.emptyBatchAccepted", { try await $0.emptyBatchAccepted() }),
        ]
    }

    // MARK: - Params and tags

    func paramsAreWriteOnce() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        try await log(store, id, params: [Param(key: "y", value: "a"), Param(key: "z", value: "1")])
        try await expectSuccess("logging param y with the same value again") {
            try await store.logBatch(runID: id, metrics: [], params: [Param(key: "y", value: "a")], tags: [])
        }
        try await expectError(
            "logging param y with a different value", code: .invalidParameterValue,
            message: "Changing param values is not allowed. Param with key='y' was already logged with value='a' for run ID='\(id)'. Attempted logging new value 'b'."
        ) {
            try await store.logBatch(runID: id, metrics: [], params: [Param(key: "y", value: "b")], tags: [])
        }
        try expectEqual(
            sortedByKey(try await store.run(id: id).data.params), [Param(key: "y", value: "a"), Param(key: "z", value: "1")],
            "params after a refused change"
        )
    }

    func paramValueTruncatedAt6000() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let long = String((0..<7000).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
        let exact = String(repeating: "e", count: 6000)
        try await log(store, id, params: [Param(key: "long", value: long), Param(key: "exact", value: exact)])
        let params = try await store.run(id: id).data.params
        try expectEqual(value(of: "long", in: params), String(long.prefix(6000)), "a 7000-character param value (truncated to its first 6000)")
        try expectEqual(value(of: "exact", in: params), exact, "a 6000-character param value")
        try await expectSuccess("logging the same 7000-character param value again") {
            try await store.logBatch(runID: id, metrics: [], params: [Param(key: "long", value: long)], tags: [])
        }
    }

    func tagValueTruncatedAt8000() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let long = String((0..<9000).map { Character(UnicodeScalar(UInt8(65 + $0 % 26))) })
        let exact = String(repeating: "e", count: 8000)
        try await log(store, id, tags: [Tag(key: "long", value: long), Tag(key: "exact", value: exact)])
        let tags = try await store.run(id: id).data.tags
        try expectEqual(value(of: "long", in: tags), String(long.prefix(8000)), "a 9000-character tag value (truncated to its first 8000)")
        try expectEqual(value(of: "exact", in: tags), exact, "an 8000-character tag value")
    }

    func tagsOverwriteAndDelete() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store, name: "tagged")
        let id = run.info.runID
        try await log(store, id, tags: [Tag(key: "stage", value: "dev"), Tag(key: "empty", value: "")])
        try await log(store, id, tags: [Tag(key: "stage", value: "prod")])
        var tags = try await store.run(id: id).data.tags
        try expectEqual(tags.filter { $0.key == "stage" }, [Tag(key: "stage", value: "prod")], "tag 'stage' after overwrite")
        try expectEqual(value(of: "empty", in: tags), "", "a tag with an empty value")
        try await expectSuccess("deleteRunTag(stage)") { try await store.deleteRunTag(runID: id, key: "stage") }
        tags = try await store.run(id: id).data.tags
        try expectEqual(
            sortedByKey(tags), sortedByKey([Tag(key: "empty", value: ""), Tag(key: Self.runNameTag, value: "tagged")]),
            "tags after deleteRunTag(stage)"
        )
        try await log(store, id, tags: [Tag(key: "stage", value: "again")])
        try expectEqual(value(of: "stage", in: try await store.run(id: id).data.tags), "again", "tag 'stage' set again after deletion")
    }

    func deleteMissingRunTagNotFound() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        try await expectError("deleteRunTag of a tag never set", code: .resourceDoesNotExist, message: "No tag with name: nope in run with id \(id)") {
            try await store.deleteRunTag(runID: id, key: "nope")
        }
        try await expectError("deleteRunTag on an unknown run", code: .resourceDoesNotExist) {
            try await store.deleteRunTag(runID: Self.unknownRunID, key: "k")
        }
    }

    func runNameTagRenamesRun() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store, name: "original")
        try await log(store, run.info.runID, tags: [Tag(key: Self.runNameTag, value: "renamed-by-tag")])
        let fetched = try await store.run(id: run.info.runID)
        try expectEqual(fetched.info.runName, "renamed-by-tag", "run name after setting the mlflow.runName tag")
        try expectEqual(value(of: Self.runNameTag, in: fetched.data.tags), "renamed-by-tag", "tag mlflow.runName after setting it")
    }

    // MARK: - Batch validation

    func batchLimits() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let metrics = (0..<1001).map { Metric(key: "m", value: Double($0), timestamp: 1, step: Int64($0)) }
        try await expectError(
            "logBatch with 1001 metrics", code: .invalidParameterValue,
            message: "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again."
        ) {
            try await store.logBatch(runID: id, metrics: metrics, params: [], tags: [])
        }
        try await expectError(
            "logBatch with 101 params", code: .invalidParameterValue,
            message: "A batch logging request can contain at most 100 params. Got 101 params. Please split up params across multiple requests and try again."
        ) {
            try await store.logBatch(runID: id, metrics: [], params: (0..<101).map { Param(key: "p\($0)", value: "v") }, tags: [])
        }
        try await expectError(
            "logBatch with 101 tags", code: .invalidParameterValue,
            message: "A batch logging request can contain at most 100 tags. Got 101 tags. Please split up tags across multiple requests and try again."
        ) {
            try await store.logBatch(runID: id, metrics: [], params: [], tags: (0..<101).map { Tag(key: "t\($0)", value: "v") })
        }
        try await log(store, id, metrics: Array(metrics.prefix(1000)))
        try await log(store, id, params: (0..<100).map { Param(key: "p\($0)", value: "v") })
        try await log(store, id, tags: (0..<100).map { Tag(key: "t\($0)", value: "v") })
        let stored = try await store.run(id: id)
        try expectEqual(stored.data.params.count, 100, "params after a batch of exactly 100")
        try expectEqual(stored.data.tags.count, 101, "tags after a batch of exactly 100 (plus mlflow.runName)")
        try expectEqual(try await fullHistory(store, id, "m").count, 1000, "points after a batch of exactly 1000 metrics")
    }

    func batchTotalLimit() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let metrics = (0..<1000).map { Metric(key: "m", value: Double($0), timestamp: 1, step: Int64($0)) }
        try await expectError(
            "logBatch with 1000 metrics and 1 param", code: .invalidParameterValue,
            message: "A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags. Please split up metrics, params, and tags across multiple requests and try again."
        ) {
            try await store.logBatch(runID: id, metrics: metrics, params: [Param(key: "p", value: "v")], tags: [])
        }
        try expectEqual(try await fullHistory(store, id, "m").count, 0, "points stored by the refused oversized batch")
        // The client's split: 100 params + 100 tags + 800 metrics is exactly 1000.
        try await log(
            store, id, metrics: Array(metrics.prefix(800)),
            params: (0..<100).map { Param(key: "p\($0)", value: "v") }, tags: (0..<100).map { Tag(key: "t\($0)", value: "v") }
        )
        try expectEqual(try await fullHistory(store, id, "m").count, 800, "points after a batch of 800 metrics + 100 params + 100 tags")
    }

    func duplicateParamKeysRejected() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        try await expectError(
            "logBatch with param key 'dup' twice", code: .invalidParameterValue,
            message: "Duplicate parameter keys have been submitted: ['dup']. Please ensure the request contains only one param value per param key."
        ) {
            try await store.logBatch(
                runID: run.info.runID, metrics: [],
                params: [Param(key: "dup", value: "1"), Param(key: "other", value: "x"), Param(key: "dup", value: "1")], tags: []
            )
        }
        try expectEqual(try await store.run(id: run.info.runID).data.params, [], "params stored by the refused batch")
    }

    func invalidKeyNamesRejected() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let cases: [(key: String, fragment: String)] = [
            ("bad key!*", "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."),
            ("semi;colon", "Names may only contain"),
            ("../x", "must not resolve to other names when treated as such"),
            ("/x", "must not resolve to other names"),
            ("a//b", "must not resolve to other names"),
            (".", "must not resolve to other names"),
            ("a/./b", "must not resolve to other names"),
            ("a/../b", "must not resolve to other names"),
        ]
        for (key, fragment) in cases {
            try await expectError("metric named \(show(key))", code: .invalidParameterValue, messageContains: [fragment]) {
                try await store.logBatch(runID: id, metrics: [Metric(key: key, value: 1, timestamp: 1)], params: [], tags: [])
            }
            try await expectError("param named \(show(key))", code: .invalidParameterValue, messageContains: [fragment]) {
                try await store.logBatch(runID: id, metrics: [], params: [Param(key: key, value: "v")], tags: [])
            }
            try await expectError("tag named \(show(key))", code: .invalidParameterValue, messageContains: [fragment]) {
                try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: key, value: "v")])
            }
        }
        try await expectError(
            "metric named 'bad key!*' in log-batch", code: .invalidParameterValue,
            message: "Invalid value \"bad key!*\" for parameter 'metrics[0].name' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."
        ) {
            try await store.logBatch(runID: id, metrics: [Metric(key: "bad key!*", value: 1, timestamp: 1)], params: [], tags: [])
        }
        let stored = try await store.run(id: id)
        try expectEqual(stored.data.metrics, [], "metrics stored by refused batches")
        try expectEqual(stored.data.params, [], "params stored by refused batches")
        try expectEqual(stored.data.tags.map(\.key), [Self.runNameTag], "tag keys after refused batches")
    }

    func validKeyNamesAccepted() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let keys = ["simple", "with space", "a/b/c", "x:y", "dots.and-dashes_under", "ünïcödé_名前", "trailing.", "x..y"]
        try await log(
            store, id,
            metrics: keys.map { Metric(key: $0, value: 1, timestamp: 1) },
            params: keys.map { Param(key: $0, value: "v") },
            tags: keys.map { Tag(key: $0, value: "v") }
        )
        let stored = try await store.run(id: id)
        try expectEqual(Set(stored.data.metrics.map(\.key)), Set(keys), "metric keys stored")
        try expectEqual(Set(stored.data.params.map(\.key)), Set(keys), "param keys stored")
        try expectEqual(Set(stored.data.tags.map(\.key)), Set(keys + [Self.runNameTag]), "tag keys stored")
    }

    func keyLengthLimit() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let ok = String(repeating: "k", count: 250)
        let tooLong = String(repeating: "k", count: 251)
        try await log(
            store, id, metrics: [Metric(key: ok, value: 1, timestamp: 1)], params: [Param(key: ok, value: "v")], tags: [Tag(key: ok, value: "v")]
        )
        let stored = try await store.run(id: id)
        try expectEqual(stored.data.metrics.map(\.key), [ok], "metric keys after logging a 250-character key")
        try expectEqual(stored.data.params.map(\.key), [ok], "param keys after logging a 250-character key")
        try await expectError("a 251-character metric key", code: .invalidParameterValue, messageContains: ["exceeds the maximum length of 250"]) {
            try await store.logBatch(runID: id, metrics: [Metric(key: tooLong, value: 1, timestamp: 1)], params: [], tags: [])
        }
        try await expectError("a 251-character param key", code: .invalidParameterValue, messageContains: ["exceeds the maximum length of 250"]) {
            try await store.logBatch(runID: id, metrics: [], params: [Param(key: tooLong, value: "v")], tags: [])
        }
        try await expectError("a 251-character tag key", code: .invalidParameterValue, messageContains: ["exceeds the maximum length of 250"]) {
            try await store.logBatch(runID: id, metrics: [], params: [], tags: [Tag(key: tooLong, value: "v")])
        }
    }

    /// MLflow checks names with Python's `^[/\w.\- :]*$`, whose `\w` is letters (L*), digits
    /// and numerics (N*) and `_`: combining marks and other connector punctuation are refused.
    func keyNamesFollowPythonWordRule() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        var accepted: [String] = []
        for key in ["e\u{301}", "a\u{203F}b", "\u{915}\u{93F}"] {
            let scalars = key.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
            do {
                try await store.logBatch(runID: id, metrics: [], params: [Param(key: key, value: "v")], tags: [])
                accepted.append("\(show(key)) (\(scalars))")
            } catch let error as TrackError where error.code == .invalidParameterValue && error.message.contains("Names may only contain") {
                // refused, as MLflow does
            }
        }
        try expect(
            accepted.isEmpty,
            "param keys that Python's \\w refuses: expected INVALID_PARAMETER_VALUE \"Names may only contain…\" for each, but these were accepted: \(accepted.joined(separator: ", "))"
        )
        let valid = ["x\u{B2}", "\u{2167}", "\u{E9}t\u{E9}", "\u{1100}\u{1161}", "\u{661}\u{662}"]
        try await log(store, id, params: valid.map { Param(key: $0, value: "v") })
        try expectEqual(Set(try await store.run(id: id).data.params.map(\.key)), Set(valid), "param keys of letters and numerics")
    }

    /// Python's `len` and slicing count code points, not grapheme clusters.
    func lengthLimitsCountCodePoints() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let syllable = "\u{1100}\u{1161}"  // two code points (conjoining jamo), one grapheme
        var problems: [String] = []
        try await log(
            store, id, params: [Param(key: "p", value: String(repeating: syllable, count: 3500))],
            tags: [Tag(key: "t", value: String(repeating: syllable, count: 4500))]
        )
        let stored = try await store.run(id: id).data
        let param = value(of: "p", in: stored.params)?.unicodeScalars.count ?? -1
        if param != 6000 { problems.append("a 7000-code-point param value was stored with \(param) code points (expected 6000)") }
        let tag = value(of: "t", in: stored.tags)?.unicodeScalars.count ?? -1
        if tag != 8000 { problems.append("a 9000-code-point tag value was stored with \(tag) code points (expected 8000)") }
        do {
            try await store.logBatch(runID: id, metrics: [Metric(key: String(repeating: syllable, count: 126), value: 1, timestamp: 1)], params: [], tags: [])
            problems.append("a metric key of 252 code points (126 graphemes) was accepted (expected INVALID_PARAMETER_VALUE: exceeds the maximum length of 250)")
        } catch let error as TrackError where error.code == .invalidParameterValue {}
        do {
            _ = try await store.createExperiment(name: String(repeating: syllable, count: 251), artifactLocation: nil, tags: [])
            problems.append("an experiment name of 502 code points (251 graphemes) was accepted (expected INVALID_PARAMETER_VALUE: exceeds the maximum length of 500)")
        } catch let error as TrackError where error.code == .invalidParameterValue {}
        try expect(problems.isEmpty, "length limits must count code points, as Python's len does: " + problems.joined(separator: "; "))
    }

    func negativeTimestampRejected() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        try await expectError(
            "a metric with timestamp -5", code: .invalidParameterValue,
            message: "Invalid value -5 for parameter 'timestamp' supplied: metric 'k' (value=1.0). Timestamp must be a nonnegative long (64-bit integer) "
        ) {
            try await store.logBatch(runID: run.info.runID, metrics: [Metric(key: "k", value: 1, timestamp: -5)], params: [], tags: [])
        }
        try expectEqual(try await fullHistory(store, run.info.runID, "k"), [], "points stored by the refused batch")
        try await log(store, run.info.runID, metrics: [Metric(key: "zero", value: 1, timestamp: 0)])
    }

    // MARK: - Atomicity

    func failingBatchStoresNothing() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store, name: "atomic")
        let id = run.info.runID
        try await log(store, id, params: [Param(key: "fixed", value: "a")])
        // The conflict is the last param: a store that writes as it goes has written the rest.
        try await expectError("a batch whose last param conflicts", code: .invalidParameterValue, messageContains: ["Changing param values is not allowed"]) {
            try await store.logBatch(
                runID: id,
                metrics: [Metric(key: "m1", value: 1, timestamp: 10, step: 0), Metric(key: "m2", value: 2, timestamp: 10, step: 0)],
                params: [Param(key: "fresh", value: "1"), Param(key: "fixed", value: "b")],
                tags: [Tag(key: "t", value: "v"), Tag(key: Self.runNameTag, value: "renamed")]
            )
        }
        let stored = try await store.run(id: id)
        try expectEqual(stored.data.params, [Param(key: "fixed", value: "a")], "params after the failed batch")
        try expectEqual(stored.data.metrics, [], "latest metrics after the failed batch")
        try expectEqual(value(of: "t", in: stored.data.tags), nil, "tag 't' after the failed batch")
        try expectEqual(stored.info.runName, "atomic", "run name after a failed batch that set mlflow.runName")
        try expectEqual(value(of: Self.runNameTag, in: stored.data.tags), "atomic", "tag mlflow.runName after the failed batch")
        try expectEqual(try await fullHistory(store, id, "m1"), [], "history of m1 after the failed batch")
        try expectEqual(try await fullHistory(store, id, "m2"), [], "history of m2 after the failed batch")
        let summaries = try await store.metricSummaries(runIDs: [id])
        try expectEqual(summaries[id] ?? [], [], "metric summaries after the failed batch")
        let found = try await searchAll(store, RunQuery(experimentIDs: ["0"], filter: try RunFilterParser.parse("metrics.m1 = 1")))
        try expectEqual(found.count, 0, "runs found by metrics.m1 = 1 after the failed batch")
    }

    func failingBatchLeavesExistingSeriesUnchanged() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        try await log(store, id, metrics: [Metric(key: "loss", value: 0.5, timestamp: 100, step: 1)], params: [Param(key: "p", value: "a")])
        try await expectError("a batch extending 'loss' whose param conflicts", code: .invalidParameterValue) {
            try await store.logBatch(
                runID: id,
                metrics: [Metric(key: "loss", value: -7, timestamp: 200, step: 2), Metric(key: "loss", value: 99, timestamp: 300, step: 3)],
                params: [Param(key: "p", value: "b")], tags: []
            )
        }
        try expectEqual(try await fullHistory(store, id, "loss"), [MetricPoint(step: 1, timestamp: 100, value: 0.5)], "history of 'loss' after the failed batch")
        try expectEqual(try await store.run(id: id).data.metrics, [Metric(key: "loss", value: 0.5, timestamp: 100, step: 1)], "latest 'loss' after the failed batch")
        let summary = try await store.metricSummaries(runIDs: [id])[id] ?? []
        try expectEqual(
            summary, [MetricSummary(key: "loss", latest: MetricPoint(step: 1, timestamp: 100, value: 0.5), min: 0.5, max: 0.5, count: 1)],
            "summary of 'loss' after the failed batch"
        )
    }

    // MARK: - Metric values

    func specialValuesRoundTripBitExactly() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let values: [(String, Double)] = [
            ("nan", .nan), ("inf", .infinity), ("neg_inf", -.infinity), ("neg_zero", -0.0), ("zero", 0.0),
            ("min_subnormal", .leastNonzeroMagnitude), ("neg_subnormal", -Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)),
            ("max", .greatestFiniteMagnitude), ("neg_max", -.greatestFiniteMagnitude), ("min_normal", .leastNormalMagnitude),
            ("pi", .pi), ("tenth", 0.1), ("big_int", 9_007_199_254_740_991),
        ]
        try await log(store, id, metrics: values.map { Metric(key: $0.0, value: $0.1, timestamp: 1000, step: 3) })
        // The same values again as a series, to see them all through one history.
        try await log(store, id, metrics: values.enumerated().map { Metric(key: "series", value: $0.element.1, timestamp: 2000 + Int64($0.offset), step: Int64($0.offset)) })
        let latest = try await store.run(id: id).data.metrics
        let summaries = try await store.metricSummaries(runIDs: [id])[id] ?? []
        for (key, value) in values {
            let expected = MetricPoint(step: 3, timestamp: 1000, value: value)
            try expectEqual(try await fullHistory(store, id, key), [expected], "history of \(key) (\(showDouble(value)))")
            let point = try unwrap(latest.first { $0.key == key }, "latest metric \(key) in run(id:).data.metrics")
            try expectEqual(point, Metric(key: key, value: value, timestamp: 1000, step: 3), "latest metric \(key) (\(showDouble(value)))")
            let summary = try unwrap(summaries.first { $0.key == key }, "metric summary of \(key)")
            try expectEqual(summary.latest, expected, "summary latest of \(key) (\(showDouble(value)))")
        }
        let series = try await fullHistory(store, id, "series")
        let expectedSeries = values.enumerated().map { MetricPoint(step: Int64($0.offset), timestamp: 2000 + Int64($0.offset), value: $0.element.1) }
        try expectEqual(series, expectedSeries, "history of a series of special values")
        let page = try await store.metricHistory(runID: id, key: "series", maxResults: 4, pageToken: nil)
        let rest = try await store.metricHistory(runID: id, key: "series", maxResults: 100, pageToken: page.nextPageToken)
        try expectEqual(page.items + rest.items, expectedSeries, "history of special values read in pages of 4")
    }

    func latestValueIsLargestStepTimestampValue() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        // Recorded against MLflow: step 0, 1, then step 2 with an older timestamp → step 2 wins.
        try await log(store, id, metrics: [Metric(key: "x", value: 10, timestamp: 5000, step: 0)])
        try await log(store, id, metrics: [Metric(key: "x", value: 11, timestamp: 6000, step: 1)])
        try await log(store, id, metrics: [Metric(key: "x", value: 12, timestamp: 1000, step: 2)])
        // Within one step the later timestamp wins, within one (step, timestamp) the larger value.
        try await log(store, id, metrics: [
            Metric(key: "y", value: 5, timestamp: 2000, step: 7), Metric(key: "y", value: 1, timestamp: 3000, step: 7),
            Metric(key: "y", value: 9, timestamp: 2500, step: 7),
        ])
        try await log(store, id, metrics: [Metric(key: "z", value: 2, timestamp: 100, step: 1), Metric(key: "z", value: 3, timestamp: 100, step: 1)])
        try await log(store, id, metrics: [Metric(key: "z", value: 1, timestamp: 100, step: 1)])
        // A later batch with a smaller step does not replace the latest.
        try await log(store, id, metrics: [Metric(key: "w", value: 1, timestamp: 100, step: 10)])
        try await log(store, id, metrics: [Metric(key: "w", value: 2, timestamp: 9000, step: 9)])
        // Negative steps are allowed and order below 0.
        try await log(store, id, metrics: [Metric(key: "v", value: 4, timestamp: 100, step: 0), Metric(key: "v", value: 5, timestamp: 200, step: -3)])
        let expected: [Metric] = [
            Metric(key: "v", value: 4, timestamp: 100, step: 0),
            Metric(key: "w", value: 1, timestamp: 100, step: 10),
            Metric(key: "x", value: 12, timestamp: 1000, step: 2),
            Metric(key: "y", value: 1, timestamp: 3000, step: 7),
            Metric(key: "z", value: 3, timestamp: 100, step: 1),
        ]
        let latest = try await store.run(id: id).data.metrics.sorted { $0.key < $1.key }
        try expectEqual(latest, expected, "latest metrics (largest (step, timestamp, value)) in run(id:)")
        let summaries = (try await store.metricSummaries(runIDs: [id])[id] ?? []).sorted { $0.key < $1.key }
        try expectEqual(
            summaries.map { Metric(key: $0.key, value: $0.latest.value, timestamp: $0.latest.timestamp, step: $0.latest.step) }, expected,
            "latest points in metricSummaries"
        )
        let searched = try await searchAll(store, RunQuery(experimentIDs: ["0"]))
        try expectEqual(searched.first?.data.metrics.sorted { $0.key < $1.key } ?? [], expected, "latest metrics in searchRuns results")
        let filtered = try await searchAll(store, RunQuery(experimentIDs: ["0"], filter: try RunFilterParser.parse("metrics.x = 12")))
        try expectEqual(filtered.count, 1, "runs matching metrics.x = 12 (the latest value)")
        let stale = try await searchAll(store, RunQuery(experimentIDs: ["0"], filter: try RunFilterParser.parse("metrics.x = 11")))
        try expectEqual(stale.count, 0, "runs matching metrics.x = 11 (not the latest value)")
    }

    func historyOrderedByTimestampStepValue() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let points = [
            MetricPoint(step: 5, timestamp: 300, value: 1), MetricPoint(step: 1, timestamp: 300, value: 2),
            MetricPoint(step: 1, timestamp: 300, value: -4), MetricPoint(step: 9, timestamp: 100, value: 3),
            MetricPoint(step: 0, timestamp: 200, value: 7), MetricPoint(step: 2, timestamp: 100, value: 8),
            MetricPoint(step: 1, timestamp: 300, value: 0.5),
        ]
        try await log(store, id, metrics: Array(points.prefix(4)).map { Metric(key: "h", value: $0.value, timestamp: $0.timestamp, step: $0.step) })
        try await log(store, id, metrics: Array(points.dropFirst(4)).map { Metric(key: "h", value: $0.value, timestamp: $0.timestamp, step: $0.step) })
        try expectEqual(try await fullHistory(store, id, "h"), points.sorted(by: historyOrder), "history ordered by (timestamp, step, value)")
    }

    func duplicatePointsStoredOnce() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let point = Metric(key: "d", value: 1.5, timestamp: 100, step: 1)
        try await log(store, id, metrics: [point, point])
        try await log(store, id, metrics: [point])
        try await log(store, id, metrics: [Metric(key: "d", value: 2.5, timestamp: 100, step: 1)])  // same step, other value
        try await log(store, id, metrics: [Metric(key: "d", value: 1.5, timestamp: 200, step: 1)])  // same value, other time
        try await log(store, id, metrics: [Metric(key: "d", value: 1.5, timestamp: 100, step: 2)])  // same value, other step
        try await log(store, id, metrics: [Metric(key: "n", value: .nan, timestamp: 1, step: 0), Metric(key: "n", value: .nan, timestamp: 1, step: 0)])
        let expected = [
            MetricPoint(step: 1, timestamp: 100, value: 1.5), MetricPoint(step: 1, timestamp: 100, value: 2.5),
            MetricPoint(step: 2, timestamp: 100, value: 1.5), MetricPoint(step: 1, timestamp: 200, value: 1.5),
        ]
        try expectEqual(try await fullHistory(store, id, "d"), expected, "history after logging an exact duplicate three times")
        try expectEqual(try await fullHistory(store, id, "n"), [MetricPoint(step: 0, timestamp: 1, value: .nan)], "history after logging the same NaN point twice")
        let summaries = try await store.metricSummaries(runIDs: [id])[id] ?? []
        try expectEqual(summaries.first { $0.key == "d" }?.count, 4, "summary count of 'd' (distinct points)")
        try expectEqual(summaries.first { $0.key == "n" }?.count, 1, "summary count of 'n' (distinct points)")
    }

    // MARK: - Inputs and outputs

    func inputsAndOutputs() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let training = DatasetInput(
            tags: [Tag(key: "mlflow.data.context", value: "training")],
            dataset: Dataset(name: "mnist", digest: "abc123", sourceType: "local", source: "{\"uri\": \"/data/mnist\"}", schema: "{\"mlflow_colspec\": []}", profile: "{\"num_rows\": 10}")
        )
        let evaluation = DatasetInput(
            tags: [Tag(key: "mlflow.data.context", value: "eval")],
            dataset: Dataset(name: "mnist-test", digest: "def456", sourceType: "http", source: "{\"url\": \"https://x\"}")
        )
        let modelIn = ModelReference(modelID: "m-00000000000000000000000000000001", step: 3)
        try await expectSuccess("logInputs") {
            try await store.logInputs(runID: id, datasets: [training, evaluation], models: [modelIn])
        }
        try await expectSuccess("logInputs of a dataset already logged") {
            try await store.logInputs(runID: id, datasets: [training], models: [])
        }
        let outputs = [ModelReference(modelID: "m-00000000000000000000000000000002", step: 0), ModelReference(modelID: "m-00000000000000000000000000000003", step: 7)]
        try await expectSuccess("logOutputs") { try await store.logOutputs(runID: id, models: outputs) }
        let stored = try await store.run(id: id)
        let byName = { (inputs: [DatasetInput]) in inputs.sorted { ($0.dataset.name, $0.dataset.digest) < ($1.dataset.name, $1.dataset.digest) } }
        try expectEqual(byName(stored.inputs.datasetInputs), byName([training, evaluation]), "dataset inputs of the run (each dataset once)")
        try expectEqual(stored.inputs.modelInputs, [modelIn], "model inputs of the run")
        let byModel = { (refs: [ModelReference]) in refs.sorted { ($0.modelID, $0.step) < ($1.modelID, $1.step) } }
        try expectEqual(byModel(stored.outputs.modelOutputs), byModel(outputs), "model outputs of the run")
        let searched = try await searchAll(store, RunQuery(experimentIDs: ["0"]))
        try expectEqual(byName(searched.first?.inputs.datasetInputs ?? []), byName([training, evaluation]), "dataset inputs in searchRuns results")
        try expectEqual(byModel(searched.first?.outputs.modelOutputs ?? []), byModel(outputs), "model outputs in searchRuns results")
        try await expectError("logInputs to an unknown run", code: .resourceDoesNotExist) {
            try await store.logInputs(runID: Self.unknownRunID, datasets: [training], models: [])
        }
    }

    func recordLoggedModelAppendsToHistory() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let history = { () async throws -> String? in
            try await store.run(id: id).data.tags.first { $0.key == LoggedModelHistory.tagKey }?.value
        }
        let first = #"{"run_id": "r", "artifact_path": "model", "flavors": {}}"#
        let second = #"{"run_id": "r", "artifact_path": "model-2", "flavors": {"sklearn": {"v": 1.5}}}"#
        try await expectSuccess("recordLoggedModel") { try await store.recordLoggedModel(runID: id, entry: first) }
        try expectEqual(try await history(), "[\(first)]", "the history after one model")
        try await expectSuccess("recordLoggedModel again") { try await store.recordLoggedModel(runID: id, entry: second) }
        try expectEqual(try await history(), "[\(first), \(second)]", "the history after two models, in order")
        // Concurrent records all land: the list is read and extended in one transaction.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask { try await store.recordLoggedModel(runID: id, entry: "{\"n\": \(index)}") }
            }
            try await group.waitForAll()
        }
        let entries = try unwrap(try await history(), "the history after concurrent records")
        for index in 0..<8 {
            try expect(entries.contains("{\"n\": \(index)}"), "concurrent record \(index) is in the history: \(entries)")
        }
        try await expectError("recordLoggedModel on an unknown run", code: .resourceDoesNotExist) {
            try await store.recordLoggedModel(runID: Self.unknownRunID, entry: first)
        }
        try await store.deleteRun(id: id)
        try await expectError(
            "recordLoggedModel on a deleted run", code: .invalidParameterValue,
            message: "The run \(id) must be in the 'active' state. Current state is deleted."
        ) {
            try await store.recordLoggedModel(runID: id, entry: first)
        }
    }

    // MARK: - Concurrency

    func concurrentLoggingLosesNothing() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        let tasks = 50, batches = 20, sharedPerBatch = 3
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for batch in 0..<batches {
                        let base = Int64((task * batches + batch) * sharedPerBatch)
                        var metrics = (0..<sharedPerBatch).map {
                            Metric(key: "shared", value: Double(base + Int64($0)), timestamp: 1000 + base + Int64($0), step: base + Int64($0))
                        }
                        metrics.append(Metric(key: "own-\(task)", value: Double(batch), timestamp: 1000 + Int64(batch), step: Int64(batch)))
                        try await store.logBatch(
                            runID: id, metrics: metrics,
                            params: [Param(key: "p-\(task)-\(batch)", value: "\(batch)")],
                            tags: [Tag(key: "last-\(task)", value: "\(batch)"), Tag(key: "shared-tag", value: "\(task)")]
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = tasks * batches * sharedPerBatch
        let shared = try await fullHistory(store, id, "shared")
        try expectEqual(shared.count, total, "points of 'shared' after \(tasks) tasks × \(batches) batches × \(sharedPerBatch)")
        try expectEqual(shared.map(\.step), (0..<Int64(total)).map { $0 }, "steps of 'shared' in history order")
        let stored = try await store.run(id: id)
        try expectEqual(stored.data.params.count, tasks * batches, "params after concurrent logging")
        for task in 0..<tasks {
            try expectEqual(value(of: "last-\(task)", in: stored.data.tags), "\(batches - 1)", "tag last-\(task) (each task's last batch)")
            let own = try await fullHistory(store, id, "own-\(task)")
            try expectEqual(own.count, batches, "points of own-\(task)")
        }
        try expect(value(of: "shared-tag", in: stored.data.tags) != nil, "tag shared-tag missing after concurrent logging")
        let latest = try unwrap(stored.data.metrics.first { $0.key == "shared" }, "latest 'shared' metric")
        try expectEqual(latest.step, Int64(total - 1), "step of the latest 'shared' point")
        let summary = try unwrap((try await store.metricSummaries(runIDs: [id])[id] ?? []).first { $0.key == "shared" }, "summary of 'shared'")
        try expectEqual(summary.count, Int64(total), "summary count of 'shared'")
        try expectEqual(summary.min, 0, "summary min of 'shared'")
        try expectEqual(summary.max, Double(total - 1), "summary max of 'shared'")
        try expectEqual(stored.data.metrics.count, tasks + 1, "metric keys after concurrent logging")
    }

    func concurrentFailingBatchesStoreNothing() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        let id = run.info.runID
        try await log(store, id, params: [Param(key: "fixed", value: "a")])
        let tasks = 20, batches = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for batch in 0..<batches {
                        let failing = batch % 2 == 1
                        do {
                            try await store.logBatch(
                                runID: id,
                                metrics: [Metric(key: failing ? "bad-\(task)" : "good-\(task)", value: Double(batch), timestamp: 1, step: Int64(batch))],
                                params: failing ? [Param(key: "p-\(task)-\(batch)", value: "x"), Param(key: "fixed", value: "b")] : [Param(key: "p-\(task)-\(batch)", value: "x")],
                                tags: [Tag(key: failing ? "bad-tag-\(task)" : "good-tag-\(task)", value: "\(batch)")]
                            )
                            if failing { throw ConformanceFailure("a concurrent batch with a conflicting param was accepted (task \(task), batch \(batch))") }
                        } catch let error as TrackError where failing && error.code == .invalidParameterValue {
                            // refused, as it must be
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let stored = try await store.run(id: id)
        let badKeys = stored.data.metrics.map(\.key).filter { $0.hasPrefix("bad-") }
        try expectEqual(badKeys, [], "metric keys written by failed concurrent batches")
        let badTags = stored.data.tags.map(\.key).filter { $0.hasPrefix("bad-tag-") }
        try expectEqual(badTags, [], "tags written by failed concurrent batches")
        let params = Set(stored.data.params.map(\.key))
        let expectedParams = Set(["fixed"] + (0..<tasks).flatMap { task in stride(from: 0, to: batches, by: 2).map { "p-\(task)-\($0)" } })
        try expectEqual(params.subtracting(expectedParams).sorted(), [], "params written by failed concurrent batches")
        try expectEqual(expectedParams.subtracting(params).sorted(), [], "params of successful concurrent batches that are missing")
        try expectEqual(value(of: "fixed", in: stored.data.params), "a", "param 'fixed' after conflicting concurrent batches")
        for task in 0..<tasks {
            try expectEqual(try await fullHistory(store, id, "good-\(task)").map(\.step), [0, 2, 4, 6, 8], "steps of good-\(task)")
            try expectEqual(try await fullHistory(store, id, "bad-\(task)"), [], "history of bad-\(task)")
        }
    }

    // MARK: - Unknown runs and empty batches

    func loggingUnknownRunNotFound() async throws {
        let store = try await makeStore()
        try await expectError("logBatch to an unknown run", code: .resourceDoesNotExist, message: "Run with id=\(Self.unknownRunID) not found") {
            try await store.logBatch(runID: Self.unknownRunID, metrics: [Metric(key: "m", value: 1, timestamp: 1)], params: [], tags: [])
        }
        try await expectError("empty logBatch to an unknown run", code: .resourceDoesNotExist) {
            try await store.logBatch(runID: Self.unknownRunID, metrics: [], params: [], tags: [])
        }
        try await expectError("logOutputs to an unknown run", code: .resourceDoesNotExist) {
            try await store.logOutputs(runID: Self.unknownRunID, models: [])
        }
    }

    func emptyBatchAccepted() async throws {
        let store = try await makeStore()
        let run = try await makeRun(store)
        try await log(store, run.info.runID)
        let stored = try await store.run(id: run.info.runID)
        try expectEqual(stored.data.metrics, [], "metrics after an empty batch")
        try expectEqual(stored.data.params, [], "params after an empty batch")
    }
}
