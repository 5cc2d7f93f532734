import Foundation
import Testing
@testable import TrackClient
import TrackCore

@Suite struct MetricGoalTests {
    @Test(arguments: [
        ("loss", MetricGoal.lower), ("val_loss", .lower), ("train/RMSE", .lower), ("mae", .lower), ("test_error", .lower),
        ("err_rate", .lower), ("perplexity", .lower), ("val_mse", .lower),
        ("accuracy", .higher), ("f1", .higher), ("auc", .higher), ("reward", .higher),
    ])
    func goalFromName(key: String, goal: MetricGoal) {
        #expect(MetricGoalRules().goal(for: key) == goal)
    }

    @Test func overridesWin() {
        let rules = MetricGoalRules(lower: ["latency_ms"], higher: ["neg_loss"])
        #expect(rules.goal(for: "latency_ms") == .lower)
        #expect(rules.goal(for: "neg_loss") == .higher)
        #expect(rules.goal(for: "loss") == .lower)
    }

    static func stats(min: Double, max: Double) -> MetricStats {
        MetricStats(last: min, lastStep: 0, min: min, max: max, count: 1, bestStep: nil)
    }

    @Test func winnersByGoal() {
        let values: [MetricStats?] = [Self.stats(min: 0.3, max: 0.9), Self.stats(min: 0.1, max: 0.8), nil, Self.stats(min: 0.2, max: 0.95)]
        #expect(Comparison.winners(values, goal: .lower) == [1])
        #expect(Comparison.winners(values, goal: .higher) == [3])
    }

    @Test func tiesNaNAndSingleRuns() {
        let tie: [MetricStats?] = [Self.stats(min: 0.1, max: 1), Self.stats(min: 0.1, max: 1)]
        #expect(Comparison.winners(tie, goal: .lower) == [], "everyone ties: nobody is better")
        let partial: [MetricStats?] = [Self.stats(min: 0.1, max: 1), Self.stats(min: 0.1, max: 1), Self.stats(min: 0.5, max: 1)]
        #expect(Comparison.winners(partial, goal: .lower) == [0, 1])
        let nan: [MetricStats?] = [Self.stats(min: .nan, max: .nan), Self.stats(min: 0.5, max: 1)]
        #expect(Comparison.winners(nan, goal: .lower) == [], "one finite value: nothing to compare")
        let infinite: [MetricStats?] = [Self.stats(min: -.infinity, max: 1), Self.stats(min: 0.5, max: .infinity)]
        #expect(Comparison.winners(infinite, goal: .lower) == [0])
        #expect(Comparison.winners(infinite, goal: .higher) == [1])
    }

    @Test func buildMarksDifferencesAndBestSteps() {
        func run(_ id: String, params: [String: String], tags: [String: String]) -> Run {
            Run(
                info: RunInfo(runID: id, experimentID: "1", runName: id, userID: "", status: .finished, startTime: 0, endTime: 1, artifactURI: "", lifecycleStage: .active),
                data: RunData(params: params.map { Param(key: $0.key, value: $0.value) }, tags: tags.map { Tag(key: $0.key, value: $0.value) })
            )
        }
        let runs = [
            run("a", params: ["lr": "0.1", "batch": "64"], tags: ["mlflow.runName": "a", "team": "x"]),
            run("b", params: ["lr": "0.2", "batch": "64", "extra": "1"], tags: ["mlflow.runName": "b", "team": "x"]),
        ]
        let summaries = [
            RunMetricSummary(runID: "a", key: "loss", last: 0.5, lastStep: 9, lastTimestamp: 0, min: 0.4, max: 2, count: 10),
            RunMetricSummary(runID: "b", key: "loss", last: 0.3, lastStep: 9, lastTimestamp: 0, min: 0.3, max: 2, count: 10),
        ]
        let comparison = Comparison.build(runs: runs, summaries: summaries, bestSteps: ["a": ["loss": 7], "b": ["loss": 9]])
        #expect(comparison.params.map(\.key) == ["batch", "extra", "lr"])
        #expect(comparison.params.map(\.differs) == [false, true, true])
        #expect(comparison.params[1].values == [nil, "1"])
        #expect(comparison.tags.first { $0.key == "mlflow.runName" }?.isSystem == true)
        #expect(comparison.tags.first { $0.key == "team" }?.differs == false)
        #expect(comparison.metrics[0].winners == [1])
        #expect(comparison.metrics[0].stats[0]?.bestStep == 7)
    }

    @Test func trackerTagsAreSystemTags() {
        #expect(Comparison.isSystemTag("mlflow.runName"))
        #expect(Comparison.isSystemTag("track.run_key"))
        #expect(Comparison.isSystemTag("track.heartbeat"))
        #expect(!Comparison.isSystemTag("team"))
        #expect(!Comparison.isSystemTag("tracking"))
        #expect(!Comparison.isSystemTag("mlflow"))
    }

    @Test func firstStepOfTheBestValue() {
        let series = MetricSeries(runID: "r", key: "k", steps: [0, 5, 10, 15], timestamps: [0, 0, 0, 0], values: [3, 1, .nan, 1])
        #expect(Comparison.firstStep(of: 1, in: series) == 5)
        #expect(Comparison.firstStep(of: 3, in: series) == 0)
        #expect(Comparison.firstStep(of: 7, in: series) == nil)
        #expect(Comparison.firstStep(of: .nan, in: series) == nil)
    }
}

@Suite struct TextTests {
    @Test func truncationAndFitting() {
        #expect(TextWidth.truncate("abcdef", to: 4) == "abc…")
        #expect(TextWidth.truncate("abcd", to: 4) == "abcd")
        #expect(TextWidth.truncate("abc", to: 0) == "")
        #expect(TextWidth.fit("ab", 4) == "ab  ")
        #expect(TextWidth.fitRight("ab", 4) == "  ab")
        #expect(TextWidth.fit("abcdef", 4) == "abc…")
        #expect(TextWidth.of("日本") == 4)
        #expect(TextWidth.truncate("日本語", to: 4) == "日…")
        #expect(TextWidth.of("\u{1B}[1;32mok\u{1B}[0m") == 2, "escape sequences take no room")
        #expect(TextWidth.of("e\u{301}") == 1)
    }

    @Test func tableShrinksFlexibleColumns() {
        let table = Table(
            columns: [Table.Column("ID"), Table.Column("NAME", flexible: true, minimum: 4), Table.Column("STATUS")],
            rows: [["1", "a very long run name indeed", "FINISHED"]]
        )
        let text = table.render(width: 30, style: .plain)
        for line in text.split(separator: "\n") { #expect(TextWidth.of(String(line)) <= 30, "\(line)") }
        #expect(text.contains("…"))
        #expect(text.contains("FINISHED"))
    }

    @Test func formatting() {
        #expect(Formatting.duration(milliseconds: 850) == "850ms")
        #expect(Formatting.duration(milliseconds: 12_340) == "12.3s")
        #expect(Formatting.duration(milliseconds: 245_000) == "4m 05s")
        #expect(Formatting.duration(milliseconds: 7_380_000) == "2h 03m")
        #expect(Formatting.duration(milliseconds: 273_600_000) == "3d 04h")
        #expect(Formatting.number(100) == "100")
        #expect(Formatting.number(0.251234567) == "0.251235")
        #expect(Formatting.number(1.5e-7) == "1.5e-07")
        #expect(Formatting.number(.nan) == "NaN")
        #expect(Formatting.number(-.infinity) == "-inf")
        #expect(Formatting.number(-0.0) == "0")
        #expect(Formatting.bytes(512) == "512 B")
        #expect(Formatting.bytes(1536) == "1.5 KB")
        #expect(Formatting.bytes(50 * 1024 * 1024) == "50 MB")
        #expect(Formatting.count(1234567) == "1,234,567")
    }

    @Test func progressLine() {
        let line = ProgressBar.line(label: "downloading", done: 512 * 1024, total: 1024 * 1024, elapsed: .seconds(2), unit: .bytes, width: 100)
        #expect(line.hasPrefix("downloading  [███████████████░░░░░░░░░░░░░░░]   50%  512 KB / 1.0 MB  256 KB/s  ETA 2.0s"))
        let unknown = ProgressBar.line(label: "exporting", done: 2000, total: nil, elapsed: .seconds(1), unit: .points, width: 100)
        #expect(unknown == "exporting  2,000  2,000 points/s")
        let early = ProgressBar.line(label: "downloading", done: 1024, total: 100 * 1024 * 1024, elapsed: .milliseconds(20), unit: .bytes, width: 100)
        #expect(early.hasSuffix("0%  1.0 KB / 100 MB"), "no rate or ETA guessed from the first 20 ms: \(early)")
        let narrow = ProgressBar.line(label: "downloading", done: 1, total: 2, elapsed: .seconds(1), unit: .bytes, width: 30)
        #expect(TextWidth.of(narrow) <= 29)
    }

    @Test func refusedCredentialsSayWhatToSet() {
        let unauthenticated = ClientError.server(status: 401, code: "UNAUTHENTICATED", message: "Authentication required.")
        #expect(unauthenticated.message.hasPrefix("the server answered 401 UNAUTHENTICATED: Authentication required.\n"))
        #expect(unauthenticated.message.contains("Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN"))
        let denied = ClientError.server(status: 403, code: "PERMISSION_DENIED", message: "User 'ann' has the role 'reader'.")
        #expect(denied.message.contains("\nAn admin can change the user's role with `track users set-role`."))
        #expect(!ClientError.server(status: 400, code: "INVALID_PARAMETER_VALUE", message: "x").message.contains("\n"))
    }

    @Test func serverURLPrecedence() throws {
        #expect(try ServerURL.resolve(flag: nil, environment: [:]) == "http://127.0.0.1:5000")
        #expect(try ServerURL.resolve(flag: nil, environment: ["MLFLOW_TRACKING_URI": "http://m:1"]) == "http://m:1")
        #expect(try ServerURL.resolve(flag: nil, environment: ["MLFLOW_TRACKING_URI": "http://m:1", "TRACK_URL": "http://t:2"]) == "http://t:2")
        #expect(try ServerURL.resolve(flag: "https://f:3", environment: ["TRACK_URL": "http://t:2"]) == "https://f:3")
        #expect(throws: ClientError.self) { try ServerURL.resolve(flag: nil, environment: ["MLFLOW_TRACKING_URI": "databricks"]) }
    }
}

@Suite struct RendererTests {
    static func comparison(longValues: Bool) -> Comparison {
        let runs = (0..<3).map { index in
            Run(
                info: RunInfo(
                    runID: String(repeating: "\(index)", count: 32), experimentID: "1", runName: "run-\(index)", userID: "",
                    status: index == 2 ? .failed : .finished, startTime: 1_700_000_000_000, endTime: 1_700_000_060_000,
                    artifactURI: "", lifecycleStage: .active
                ),
                data: RunData(params: [
                    Param(key: "lr", value: "0.\(index + 1)"),
                    Param(key: longValues ? "a_really_long_parameter_name_that_goes_on_and_on" : "opt", value: longValues ? String(repeating: "x", count: 80 + index) : "adam"),
                ])
            )
        }
        let summaries = runs.enumerated().map { index, run in
            RunMetricSummary(runID: run.info.runID, key: "val_loss", last: 0.5 - Double(index) * 0.1, lastStep: 9, lastTimestamp: 0, min: 0.4 - Double(index) * 0.1, max: 2, count: 10)
        }
        return Comparison.build(runs: runs, experimentNames: ["1": "exp"], summaries: summaries, bestSteps: [:])
    }

    @Test(arguments: [40, 60, 80, 100, 160])
    func everyLineFitsTheWidth(width: Int) {
        for long in [false, true] {
            let text = ComparisonRenderer(width: width, now: 0).render(Self.comparison(longValues: long))
            for line in text.split(separator: "\n") {
                #expect(TextWidth.of(String(line)) <= width, "width \(width): \(line)")
            }
        }
    }

    @Test func marksTheBestRunAndFoldsIdenticalParams() {
        var comparison = Self.comparison(longValues: false)
        let text = ComparisonRenderer(width: 100, now: 0).render(comparison)
        let minLine = try? #require(text.split(separator: "\n").first { $0.contains(" min ") })
        #expect(minLine?.hasSuffix("0.2 ★") == true, "run 2 has the lowest val_loss: \(minLine ?? "")")
        #expect(text.contains("≠ lr"))
        #expect(!text.contains("opt"), "identical params are hidden")
        #expect(text.contains("1 identical hidden, --all shows them"))
        let all = ComparisonRenderer(width: 100, showAll: true, now: 0).render(comparison)
        #expect(all.contains("  opt"))
        comparison.params = []
        #expect(ComparisonRenderer(width: 100, now: 0).render(comparison).contains("PARAMS  none logged"))
    }

    /// Runs as the trackers make them: the same params and tags except the tracker's own
    /// (`track.run_key`, `track.pid` differ between any two runs).
    static func trackedComparison() -> Comparison {
        let runs = (0..<2).map { index in
            Run(
                info: RunInfo(
                    runID: String(repeating: "\(index + 1)", count: 32), experimentID: "1", runName: "run-\(index)", userID: "",
                    status: .finished, startTime: 1_700_000_000_000, endTime: 1_700_000_060_000, artifactURI: "", lifecycleStage: .active
                ),
                data: RunData(
                    params: [Param(key: "lr", value: "0.\(index + 1)"), Param(key: "a_long_identical_parameter_name_for_the_optimizer", value: "adam")],
                    tags: [
                        Tag(key: "team", value: "vision"), Tag(key: "track.run_key", value: String(repeating: "\(index)", count: 32)),
                        Tag(key: "track.pid", value: "\(100 + index)"), Tag(key: "mlflow.runName", value: "run-\(index)"),
                    ]
                )
            )
        }
        let summaries = runs.map { RunMetricSummary(runID: $0.info.runID, key: "loss", last: 0.5, lastStep: 9, lastTimestamp: 0, min: 0.4, max: 2, count: 10) }
        return Comparison.build(runs: runs, experimentNames: ["1": "exp"], summaries: summaries, bestSteps: [:])
    }

    @Test func trackerTagsAreFoldedLikeMLflowOnes() {
        let comparison = Self.trackedComparison()
        #expect(comparison.tags.filter(\.isSystem).map(\.key) == ["mlflow.runName", "track.pid", "track.run_key"])
        let text = ComparisonRenderer(width: 100, now: 0).render(comparison)
        #expect(!text.contains("track.run_key") && !text.contains("track.pid") && !text.contains("mlflow.runName"))
        #expect(text.contains("TAGS  0 of 1 differ; 1 identical and 3 system hidden, --all shows them"))
        let all = ComparisonRenderer(width: 100, showAll: true, now: 0).render(comparison)
        #expect(all.contains("≠ track.run_key") && all.contains("≠ mlflow.runName") && all.contains("  team"))
        #expect(all.contains("TAGS  3 of 4 differ\n"))
        let json = String(decoding: ComparisonJSON.encode(comparison), as: UTF8.self)
        #expect(json.contains(#"{"key":"track.run_key","system":true,"differs":true"#), "\(json)")
    }

    @Test func hiddenKeysTakeNoRoom() {
        // The long identical param is folded: the label column fits what is listed ("experiment",
        // "loss ↓" with its stat names), so the runs get the width.
        let text = ComparisonRenderer(width: 80, now: 0).render(Self.trackedComparison())
        let header = text.split(separator: "\n")[0]
        #expect(header.hasPrefix("RUNS" + String(repeating: " ", count: 13) + "run-0"), "\(header)")
        #expect(text.contains("start" + String(repeating: " ", count: 12) + Formatting.time(1_700_000_000_000)), "a full time fits: \(text)")
        let all = ComparisonRenderer(width: 80, showAll: true, now: 0).render(Self.trackedComparison())
        // Listed keys get their room (up to a third of the width or so, then they are cut).
        #expect(all.contains("\n  a_long_identical_parameter_name_for_t…  adam"), "\(all)")
        #expect(all.hasPrefix("RUNS" + String(repeating: " ", count: 38) + "run-0"), "\(all)")
    }

    @Test func startTimesShortenToFit() {
        let time: Int64 = 1_700_000_000_000
        let full = Formatting.time(time)  // 2023-11-14 22:13:20 in UTC
        #expect(Formatting.time(time, fitting: 19) == full)
        #expect(Formatting.time(time, fitting: 18) == String(full.prefix(16)))
        #expect(Formatting.time(time, fitting: 16) == String(full.prefix(16)))
        #expect(Formatting.time(time, fitting: 15) == String(full.dropFirst(5).prefix(11)))
        let narrow = ComparisonRenderer(width: 60, now: 0).render(Self.comparison(longValues: false))
        #expect(narrow.contains("start") && narrow.contains(String(full.dropFirst(5).prefix(11)) + "  "), "\(narrow)")
    }

    @Test func colourOnlyWhenEnabled() {
        let comparison = Self.comparison(longValues: false)
        #expect(!ComparisonRenderer(width: 100, style: .plain, now: 0).render(comparison).contains("\u{1B}["))
        let coloured = ComparisonRenderer(width: 100, style: Style(enabled: true), now: 0).render(comparison)
        #expect(coloured.contains("\u{1B}[1;34mrun-0"))
        #expect(coloured.contains("\u{1B}[1;32m0.2 ★"))
        for line in coloured.split(separator: "\n") { #expect(TextWidth.of(String(line)) <= 100) }
    }

    @Test func colourEnvironment() {
        #expect(!Terminal.colorEnabled(environment: ["NO_COLOR": "1"], fd: -1))
        #expect(!Terminal.colorEnabled(environment: [:], fd: -1), "not a terminal")
        #expect(Terminal.width(environment: ["COLUMNS": "123"]) == 123)
    }
}

@Suite struct BrailleChartTests {
    @Test func dotsOfASingleCell() {
        // One series: a point at the top-left and one at the bottom-right of a 1×1 plot.
        var lines: [String] = []
        let chart = BrailleChart(title: "t", series: [BrailleChart.Series(name: "a", color: .blue, points: [(0, 1), (1, 0)])], width: 7, height: 2)
        lines = chart.render(style: .plain)
        #expect(lines[0] == "t")
        // Labels "1", "0.5"? The middle label is that of the row's second dot; widths are 3.
        #expect(lines.count == 2 + 1 + 2 + 1)
        // A diagonal from the top-left to the bottom-right dot across 8×8 dots (4 columns, 2 rows).
        #expect(lines[1] == "1 ┤⠑⢄")
        #expect(lines[2] == "0 ┤  ⠑⢄")
        #expect(lines[3].contains("└┬"))
        #expect(lines.last == "  ⣿ a")
    }

    @Test func renderedChartIsExact() {
        let chart = BrailleChart(
            title: "loss",
            series: [
                BrailleChart.Series(name: "down", color: .blue, points: (0...9).map { (Double($0), Double(9 - $0)) }),
                BrailleChart.Series(name: "flat", color: .yellow, points: (0...9).map { (Double($0), 4.5) }),
            ],
            width: 16, height: 3
        )
        // Each curve ends with its number (the legend's), so the runs can be told apart without
        // colour; the legend wraps at the width.
        let expected = [
            "loss",
            "  9 ┤⠑⠢⢄",
            "4.5 ┤⠤⠤⠤⠵⠦⣤⠤⠤⠤ 2",
            "  0 ┤      ⠑⠤⣀ 1",
            "    └┬───┬───┬",
            "step 0   5   9",
            "  ⣿ 1 down",
            "  ⣿ 2 flat",
        ]
        #expect(chart.render(style: .plain) == expected, Comment(rawValue: "\n" + chart.render(style: .plain).joined(separator: "\n")))
    }

    @Test func nonFiniteValuesBreakTheLineAndFlatSeriesGetARange() {
        let chart = BrailleChart(title: "x", series: [BrailleChart.Series(name: "s", color: .green, points: [(0, 1), (1, .nan), (2, 1), (3, .infinity)])], width: 30, height: 4)
        let lines = chart.render(style: .plain)
        #expect(lines[1].contains("1.1"))
        #expect(lines[4].contains("0.9"))
        let empty = BrailleChart(title: "x", series: [BrailleChart.Series(name: "s", color: .green, points: [(0, .nan)])], width: 30).render(style: .plain)
        #expect(empty == ["x", "  (no finite values to draw)"])
    }

    @Test func colouredCellsKeepTheWidth() {
        let chart = BrailleChart(
            title: "c", series: [
                BrailleChart.Series(name: "a", color: .blue, points: [(0, 0), (10, 10)]),
                BrailleChart.Series(name: "b", color: .yellow, points: [(0, 10), (10, 0)]),
            ], width: 40, height: 6
        )
        let lines = chart.render(style: Style(enabled: true))
        #expect(lines.contains { $0.contains("\u{1B}[34m") } && lines.contains { $0.contains("\u{1B}[33m") })
        for line in lines { #expect(TextWidth.of(line) <= 40, "\(line)") }
    }

    @Test func curvesEndWithTheirNumbersInTheOrderTheyEnd() {
        // Three series ending in the same row: markers stacked in the order of their ends.
        let rows = BrailleChart.markerRows([30, 29, 31], rows: 8)
        #expect(rows == [5: 1, 6: 0, 7: 2])
        #expect(BrailleChart.markerRows([0, 0], rows: 4) == [0: 0, 1: 1])
        #expect(BrailleChart.markerRows([nil, 8], rows: 4) == [2: 1], "no finite point: no marker")
        #expect(BrailleChart.markerRows([15, 15, 15], rows: 2).count == 2, "one marker per row at most")
        // Without colour the curves are still told apart.
        let chart = BrailleChart(
            title: "loss", series: [
                BrailleChart.Series(name: "high", color: .blue, points: [(0, 5), (10, 4)], marker: "1"),
                BrailleChart.Series(name: "low", color: .yellow, points: [(0, 5), (5, 0)], marker: "3"),
            ], width: 30, height: 4
        )
        let lines = chart.render(style: .plain)
        #expect(lines[1].hasSuffix(" 1") && lines[4].hasSuffix(" 3"), "\(lines.joined(separator: "\n"))")
        #expect(lines.last == "  ⣿ 1 high  ⣿ 3 low")
        for line in lines { #expect(TextWidth.of(line) <= 30, "\(line)") }
        let coloured = chart.render(style: Style(enabled: true))
        #expect(coloured[4].hasSuffix(" \u{1B}[33m3\u{1B}[0m"))
    }

    @Test func bresenhamVisitsEveryDot() {
        var dots: [(Int, Int)] = []
        BrailleChart.line(from: (0, 0), to: (3, 1)) { dots.append(($0, $1)) }
        #expect(dots.map(\.0) == [0, 1, 2, 3])
        #expect(dots.first! == (0, 0) && dots.last! == (3, 1))
    }
}

@Suite struct PathSafetyTests {
    @Test(arguments: ["", "a", "a/b", "a/b/", "model.pkl", "x y/z;1", "…/é"])
    func acceptsRelativeNames(path: String) {
        #expect(SafePath.segments(path) != nil)
    }

    @Test(arguments: ["/etc/passwd", "..", "../x", "a/../b", "a/./b", ".", "a//b", "a\\b", "..\\x", "a/\0", "//x", "/"])
    func refusesEscapes(path: String) {
        #expect(SafePath.segments(path) == nil)
    }

    @Test func storeSegmentsOfArtifactURIs() throws {
        #expect(try ArtifactService.storeSegments(ofURI: "mlflow-artifacts:/1/abc/artifacts", runID: "abc") == ["1", "abc", "artifacts"])
        #expect(try ArtifactService.storeSegments(ofURI: "mlflow-artifacts://host:5000/1/abc/artifacts", runID: "abc") == ["1", "abc", "artifacts"])
        #expect(throws: ClientError.self) { try ArtifactService.storeSegments(ofURI: "s3://bucket/x", runID: "abc") }
        #expect(throws: ClientError.self) { try ArtifactService.storeSegments(ofURI: "mlflow-artifacts:/1/../../x", runID: "abc") }
    }

    @Test func downloadsNeverFollowSymbolicLinks() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("track-cli-links-\(UUID().uuidString.prefix(8))")
        let outside = root.appendingPathComponent("outside")
        let dest = root.appendingPathComponent("dest")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dest, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: dest.appendingPathComponent("link"), withDestinationURL: outside)
        #expect(throws: ClientError.self) { _ = try ArtifactService.prepare(root: dest, local: ["link", "file.txt"]) }
        #expect(throws: ClientError.self) { _ = try ArtifactService.prepare(root: dest, local: ["link"]) }
        let ok = try ArtifactService.prepare(root: dest, local: ["sub", "file.txt"])
        #expect(ok.path == dest.appendingPathComponent("sub/file.txt").path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }
}

/// Run resolution against a directory in memory.
@Suite struct RunResolverTests {
    struct Directory: RunDirectory {
        var runs: [Run]
        var experimentList = [Experiment(id: "0", name: "Default", artifactLocation: "", lifecycleStage: .active, creationTime: 0, lastUpdateTime: 0)]

        func run(id: String) async throws -> Run? { runs.first { $0.info.runID == id } }
        func experiments(viewType: ViewType) async throws -> [Experiment] { experimentList }
        func experiment(idOrName: String) async throws -> Experiment {
            guard let found = experimentList.first(where: { $0.id == idOrName || $0.name == idOrName }) else { throw ClientError.experimentNotFound(idOrName) }
            return found
        }
        func searchAllRuns(experimentIDs: [String], filter: String, orderBy: [String], viewType: ViewType, limit: Int?) async throws -> [Run] {
            // Understands the two filters the resolver writes.
            if filter.hasPrefix("attributes.run_id LIKE '") {
                let prefix = filter.dropFirst("attributes.run_id LIKE '".count).dropLast(2)
                return runs.filter { $0.info.runID.hasPrefix(prefix) }
            }
            if filter.hasPrefix("attributes.run_name = ") {
                let name = filter.dropFirst("attributes.run_name = ".count).dropFirst().dropLast()
                return runs.filter { $0.info.runName == name }
            }
            return runs
        }
    }

    static func run(_ id: String, _ name: String, deleted: Bool = false, start: Int64 = 0) -> Run {
        Run(info: RunInfo(runID: id, experimentID: "0", runName: name, userID: "", status: .finished, startTime: start, endTime: nil, artifactURI: "", lifecycleStage: deleted ? .deleted : .active))
    }

    @Test func preferenceOfStages() async throws {
        let directory = Directory(runs: [Self.run("aa11", "x", deleted: true), Self.run("bb22", "x")])
        #expect(try await RunResolver(directory: directory).resolve("x").info.runID == "bb22")
        #expect(try await RunResolver(directory: directory, preferredStage: .deleted).resolve("x").info.runID == "aa11")
    }

    @Test func ambiguityListsNewestFirst() async throws {
        let directory = Directory(runs: [Self.run("ab01", "one", start: 1), Self.run("ab02", "two", start: 2), Self.run("cd03", "ab", start: 3)])
        do {
            _ = try await RunResolver(directory: directory).resolve("ab")
            Issue.record("expected an ambiguity")
        } catch let ClientError.ambiguousRun(input, candidates) {
            #expect(input == "ab")
            #expect(candidates.map(\.runID) == ["cd03", "ab02", "ab01"], "by prefix and by name, newest first")
        }
        #expect(try await RunResolver(directory: directory).resolve("AB01").info.runID == "ab01")
        await #expect(throws: ClientError.runNotFound(input: "zz", scope: nil)) { try await RunResolver(directory: directory).resolve("zz") }
    }

    @Test func namesWithQuotes() async throws {
        let directory = Directory(runs: [Self.run("1", "it's"), Self.run("2", #"say "hi""#), Self.run("3", #"both ' and ""#)])
        for (name, id) in [("it's", "1"), (#"say "hi""#, "2"), (#"both ' and ""#, "3")] {
            #expect(try await RunResolver(directory: directory).resolve(name).info.runID == id)
        }
    }
}
