import Foundation
import Testing
import TrackAPI
import TrackClient

/// `track compare` against the real server, run as the real binary.
@Suite(.serialized)
struct CompareCommandTests {
    @Test func plainOutputMatchesGolden() async throws {
        let fixture = try await SharedFixture.get()
        let result = try await CLITest.track(["compare", "baseline", "wide-lr", "deep", "--experiment", "mnist"], url: fixture.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(!result.stdout.contains("\u{1B}["), "no colour without a terminal / with NO_COLOR")
        for line in result.stdout.split(separator: "\n") {
            #expect(TextWidth.of(String(line)) <= 100, "line wider than COLUMNS: \(line)")
        }
        try CLITest.assertGolden(fixture.normalize(result.stdout), "compare.txt")
    }

    @Test func allShowsIdenticalAndSystemValues() async throws {
        let fixture = try await SharedFixture.get()
        let result = try await CLITest.track(["compare", "baseline", "wide-lr", "deep", "-e", "mnist", "--all"], url: fixture.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("batch"))
        #expect(result.stdout.contains("mlflow.user"))
        try CLITest.assertGolden(fixture.normalize(result.stdout), "compare-all.txt")
    }

    @Test func metricChartMatchesGolden() async throws {
        let fixture = try await SharedFixture.get()
        let result = try await CLITest.track(
            ["compare", "baseline", "wide-lr", "deep", "-e", "mnist", "--metric", "loss", "--height", "8"], url: fixture.url
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("loss (lower is better)"))
        #expect(result.stdout.unicodeScalars.contains { $0.value >= 0x2801 && $0.value <= 0x28FF }, "braille dots drawn")
        for line in result.stdout.split(separator: "\n") {
            #expect(TextWidth.of(String(line)) <= 100, "line wider than COLUMNS: \(line)")
        }
        try CLITest.assertGolden(fixture.normalize(result.stdout), "compare-metric.txt")
    }

    @Test func narrowTerminalStillFits() async throws {
        let fixture = try await SharedFixture.get()
        let result = try await CLITest.track(
            ["compare", "baseline", "wide-lr", "deep", "-e", "mnist", "--metric", "accuracy"], url: fixture.url, environment: ["COLUMNS": "60"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        for line in result.stdout.split(separator: "\n") {
            #expect(TextWidth.of(String(line)) <= 60, "line wider than 60 columns: \(line)")
        }
        #expect(result.stdout.contains("…"))
    }

    @Test func jsonHasTheDocumentedShape() async throws {
        let fixture = try await SharedFixture.get()
        let result = try await CLITest.track(
            ["compare", "baseline", "wide-lr", "deep", "-e", "mnist", "--json", "--metric", "loss", "--max-points", "16"], url: fixture.url
        )
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONReader.parse(result.stdout)
        let runs = try #require(json["runs"]?.arrayValue)
        #expect(runs.map { $0["run_name"]?.stringValue } == ["baseline", "wide-lr", "deep"])
        #expect(runs[0]["run_id"]?.stringValue == fixture.ids["baseline"])
        #expect(runs[0]["experiment_name"]?.stringValue == "mnist")
        #expect(runs[0]["duration_ms"]?.numberValue?.int64Value == 100_000)
        #expect(runs[2]["status"]?.stringValue == "FAILED")

        let params = try #require(json["params"]?.arrayValue)
        let dropout = try #require(params.first { $0["key"]?.stringValue == "dropout" })
        #expect(dropout["differs"]?.boolValue == true)
        #expect(dropout["values"]?.arrayValue == [.null, .null, .string("0.1")])
        let batch = try #require(params.first { $0["key"]?.stringValue == "batch" })
        #expect(batch["differs"]?.boolValue == false, "identical params are listed in JSON too")

        let metrics = try #require(json["metrics"]?.arrayValue)
        let loss = try #require(metrics.first { $0["key"]?.stringValue == "loss" })
        #expect(loss["goal"]?.stringValue == "lower")
        #expect(loss["best_run_ids"]?.arrayValue == [.string(fixture.ids["wide-lr"]!)])
        let lossValues = try #require(loss["values"]?.arrayValue)
        #expect(lossValues[0]["count"]?.numberValue?.int64Value == 100)
        #expect(lossValues[0]["best_step"]?.numberValue?.int64Value == 99)
        #expect(lossValues[2]["best_step"]?.numberValue?.int64Value == 59)

        let accuracy = try #require(metrics.first { $0["key"]?.stringValue == "accuracy" })
        #expect(accuracy["goal"]?.stringValue == "higher")
        #expect(accuracy["best_run_ids"]?.arrayValue == [.string(fixture.ids["wide-lr"]!)])
        // Downsampled to 16 points, the peak at step 70 is still found.
        #expect(accuracy["values"]?.arrayValue?[1]["best_step"]?.numberValue?.int64Value == 70)

        let grad = try #require(metrics.first { $0["key"]?.stringValue == "grad_norm" })
        #expect(grad["best_run_ids"]?.arrayValue == [], "only one run has it: nobody is better")
        let gradValues = try #require(grad["values"]?.arrayValue)
        #expect(gradValues[0] == .null)
        #expect(gradValues[2]["max"] == .string("Infinity"))
        #expect(gradValues[2]["min"]?.numberValue?.doubleValue == 0.25)

        let tags = try #require(json["tags"]?.arrayValue)
        let runName = try #require(tags.first { $0["key"]?.stringValue == "mlflow.runName" })
        #expect(runName["system"]?.boolValue == true)
        #expect(runName["differs"]?.boolValue == true)

        let series = try #require(json["series"]?.arrayValue)
        #expect(series.count == 1)
        #expect(series[0]["key"]?.stringValue == "loss")
        let seriesRuns = try #require(series[0]["runs"]?.arrayValue)
        #expect(seriesRuns.count == 3)
        #expect((seriesRuns[0]["steps"]?.arrayValue?.count ?? 0) <= 16)
    }

    @Test func goalOverridesAndComparisonByIDs() async throws {
        let fixture = try await SharedFixture.get()
        let a = fixture.ids["baseline"]!, b = fixture.ids["deep"]!
        let result = try await CLITest.track(["compare", a, fixture.uniquePrefix(of: b), "--lower", "accuracy", "--json"], url: fixture.url)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONReader.parse(result.stdout)
        let accuracy = try #require(json["metrics"]?.arrayValue?.first { $0["key"]?.stringValue == "accuracy" })
        #expect(accuracy["goal"]?.stringValue == "lower")
        // Lower is better: deep starts lower (0.08 against 0.1, both at step 0).
        #expect(accuracy["best_run_ids"]?.arrayValue == [.string(b)])
        #expect(accuracy["values"]?.arrayValue?[1]["best_step"]?.numberValue?.int64Value == 0)
    }

    @Test func usageErrorsExitWithTwo() async throws {
        let fixture = try await SharedFixture.get()
        let one = try await CLITest.track(["compare", "baseline"], url: fixture.url)
        #expect(one.status == 2)
        #expect(one.stderr.contains("at least two runs"))
        let both = try await CLITest.track(["compare", "a", "b", "--lower", "x", "--higher", "x"], url: fixture.url)
        #expect(both.status == 2)
        let unknown = try await CLITest.track(["compare", "a", "b", "--bogus"], url: fixture.url)
        #expect(unknown.status == 2)
    }

    @Test func runsThatCannotBeResolvedSayWhatToDo() async throws {
        let fixture = try await SharedFixture.get()
        let unknown = try await CLITest.track(["compare", "baseline", "nope", "-e", "mnist"], url: fixture.url)
        #expect(unknown.status == 1)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr == "error: no run matches 'nope' (by id, id prefix or name, in experiment 'mnist' (\(fixture.mnist))). List runs with `track runs`.\n")

        let name = try await CLITest.track(["compare", "baseline", "deep"], url: fixture.url)
        #expect(name.status == 1)
        #expect(name.stderr.hasPrefix("error: 'baseline' matches 2 runs; give more of the id, the full id, or --experiment:\n"), "\(name.stderr)")
        #expect(name.stderr.contains("\(fixture.ids["baseline"]!)  baseline  (experiment mnist (\(fixture.mnist)), FINISHED"))
        #expect(name.stderr.contains("\(fixture.ids["cifar-baseline"]!)  baseline  (experiment cifar (\(fixture.cifar)), FINISHED"))

        let prefix = fixture.ambiguousPrefix
        let matching = fixture.allIDs.filter { $0.hasPrefix(prefix) }
        let ambiguous = try await CLITest.track(["compare", prefix, "deep"], url: fixture.url)
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr.hasPrefix("error: '\(prefix)' matches \(matching.count) runs"))
        for id in matching { #expect(ambiguous.stderr.contains(id)) }

        let experiment = try await CLITest.track(["compare", "baseline", "deep", "-e", "nope"], url: fixture.url)
        #expect(experiment.status == 1)
        #expect(experiment.stderr == "error: no experiment has the id or name 'nope'. List them with `track experiments`.\n")
    }

    @Test func sameRunTwiceAndUnknownMetricAreErrors() async throws {
        let fixture = try await SharedFixture.get()
        let twice = try await CLITest.track(["compare", "wide-lr", fixture.ids["wide-lr"]!], url: fixture.url)
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("same run"))
        let metric = try await CLITest.track(["compare", "wide-lr", "deep", "--metric", "nope"], url: fixture.url)
        #expect(metric.status == 1)
        #expect(metric.stderr.contains("none of the runs has the metric 'nope'"))
        #expect(metric.stderr.contains("accuracy"))
    }
}
