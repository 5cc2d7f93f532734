import Foundation
import Testing
import TrackAPI
import TrackClient

/// The listing, lookup, download and export commands against the real server, and their errors.
@Suite(.serialized)
struct CommandTests {
    // MARK: - Resolution

    @Test func runsResolveByNamePrefixAndID() async throws {
        let fixture = try await SharedFixture.get()
        let wide = fixture.ids["wide-lr"]!
        for input in ["wide-lr", wide, fixture.uniquePrefix(of: wide), fixture.uniquePrefix(of: wide).uppercased()] {
            let result = try await CLITest.track(["show", input], url: fixture.url)
            #expect(result.status == 0, "\(input): \(result.stderr)")
            #expect(result.stdout.hasPrefix("RUN wide-lr\n"), "\(input)")
            #expect(result.stdout.contains(wide))
        }
    }

    @Test func ambiguousNameListsCandidatesAndExperimentNarrowsIt() async throws {
        let fixture = try await SharedFixture.get()
        let result = try await CLITest.track(["show", "baseline"], url: fixture.url)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error: 'baseline' matches 2 runs"))
        #expect(result.stderr.contains(fixture.ids["baseline"]!))
        #expect(result.stderr.contains(fixture.ids["cifar-baseline"]!))
        #expect(result.stderr.contains("mnist (\(fixture.mnist))"))
        #expect(result.stderr.contains("cifar (\(fixture.cifar))"))
        #expect(result.stderr.contains("--experiment"))

        for experiment in ["mnist", fixture.mnist] {
            let narrowed = try await CLITest.track(["show", "baseline", "--experiment", experiment], url: fixture.url)
            #expect(narrowed.status == 0, "\(narrowed.stderr)")
            #expect(narrowed.stdout.contains(fixture.ids["baseline"]!))
        }
        let cifar = try await CLITest.track(["show", "baseline", "-e", "cifar"], url: fixture.url)
        #expect(cifar.stdout.contains(fixture.ids["cifar-baseline"]!))
    }

    @Test func ambiguousPrefixListsCandidates() async throws {
        let fixture = try await SharedFixture.get()
        let prefix = fixture.ambiguousPrefix
        let matching = fixture.allIDs.filter { $0.hasPrefix(prefix) }
        let result = try await CLITest.track(["show", prefix], url: fixture.url)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: '\(prefix)' matches \(matching.count) runs"))
        for id in matching { #expect(result.stderr.contains(id)) }
    }

    @Test func unknownRunAndExperimentAreErrors() async throws {
        let fixture = try await SharedFixture.get()
        let run = try await CLITest.track(["show", "no-such-run"], url: fixture.url)
        #expect(run.status == 1)
        #expect(run.stderr == "error: no run matches 'no-such-run' (by id, id prefix or name, in any experiment). List runs with `track runs`.\n")
        let hex = try await CLITest.track(["metrics", "ffffffffffffffffffffffffffffffff", "loss"], url: fixture.url)
        #expect(hex.status == 1)
        #expect(hex.stderr.contains("no run matches"))
        let experiment = try await CLITest.track(["runs", "--experiment", "nope"], url: fixture.url)
        #expect(experiment.status == 1)
        #expect(experiment.stderr.contains("no experiment has the id or name 'nope'"))
        let scoped = try await CLITest.track(["show", "deep", "-e", "cifar"], url: fixture.url)
        #expect(scoped.status == 1)
        #expect(scoped.stderr.contains("in experiment 'cifar'"))
    }

    @Test func serverDownNamesTheURLAndTrackServer() async throws {
        let url = URL(string: "http://127.0.0.1:\(CLITest.freePort())")!
        for arguments in [["runs"], ["compare", "a", "b"], ["show", "x"], ["experiments"]] {
            let result = try await CLITest.track(arguments, url: url)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains("cannot reach the track server at \(url.absoluteString)"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("track server"))
        }
        // The flag wins over the environment, and MLFLOW_TRACKING_URI is read too.
        let flag = try await CLITest.track(["runs", "--url", url.absoluteString], url: URL(string: "http://127.0.0.1:1")!)
        #expect(flag.stderr.contains(url.absoluteString))
        let mlflow = try await CLITest.track(["runs"], url: nil, environment: ["MLFLOW_TRACKING_URI": url.absoluteString])
        #expect(mlflow.stderr.contains(url.absoluteString))
        let bad = try await CLITest.track(["runs"], url: nil, environment: ["TRACK_URL": "file:///tmp/x"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("TRACK_URL is 'file:///tmp/x'"))
    }

    // MARK: - Listings

    @Test func experimentsListsCounts() async throws {
        let fixture = try await SharedFixture.get()
        let result = try await CLITest.track(["experiments"], url: fixture.url)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID") == true || lines.first?.contains("NAME") == true)
        let mnist = try #require(lines.first { $0.contains("mnist") })
        #expect(mnist.contains("  3  "), "3 runs: \(mnist)")
        let json = try await CLITest.track(["experiments", "--json"], url: fixture.url)
        let parsed = try JSONReader.parse(json.stdout)
        #expect(parsed["experiments"]?.arrayValue?.contains { $0["name"]?.stringValue == "cifar" } == true)
    }

    @Test func runsFilterOrderAndLimit() async throws {
        let fixture = try await SharedFixture.get()
        let filtered = try await CLITest.track(["runs", "-e", "mnist", "--filter", "metrics.loss < 0.2"], url: fixture.url)
        #expect(filtered.status == 0, "\(filtered.stderr)")
        #expect(filtered.stdout.contains("wide-lr"))
        #expect(!filtered.stdout.contains("baseline") && !filtered.stdout.contains("deep"))

        let params = try await CLITest.track(["runs", "--filter", "params.layers = '4'"], url: fixture.url)
        #expect(params.stdout.split(separator: "\n").count == 2, "header and deep: \(params.stdout)")
        #expect(params.stdout.contains("deep"))

        let ordered = try await CLITest.track(["runs", "-e", "mnist", "--order-by", "metrics.loss ASC"], url: fixture.url)
        let names = ordered.stdout.split(separator: "\n").dropFirst().compactMap { line in
            ["wide-lr", "baseline", "deep"].first { line.contains($0) }
        }
        #expect(names == ["wide-lr", "baseline", "deep"])

        let limited = try await CLITest.track(["runs", "-e", "mnist", "--limit", "2", "--json"], url: fixture.url)
        let json = try JSONReader.parse(limited.stdout)
        #expect(json["runs"]?.arrayValue?.count == 2)
        // Newest first by default.
        #expect(json["runs"]?.arrayValue?.first?["info"]?["run_name"]?.stringValue == "deep")

        let invalid = try await CLITest.track(["runs", "--filter", "metrics.loss <"], url: fixture.url)
        #expect(invalid.status == 1)
        #expect(invalid.stderr.hasPrefix("error: the server answered 400 INVALID_PARAMETER_VALUE"))
        #expect(invalid.stderr.contains("\n--filter takes MLflow's search syntax, e.g. \"metrics.loss < 0.1 and params.lr = '0.01'\""), "\(invalid.stderr)")
        let order = try await CLITest.track(["runs", "--order-by", "metrics.loss UP"], url: fixture.url)
        #expect(order.status == 1)
        #expect(order.stderr.hasPrefix("error: the server answered 400 INVALID_PARAMETER_VALUE"))
        #expect(order.stderr.contains("--order-by e.g. \"metrics.loss ASC\""))
    }

    @Test func showPrintsEverything() async throws {
        let fixture = try await SharedFixture.get()
        let result = try await CLITest.track(["show", "deep"], url: fixture.url)
        #expect(result.status == 0, "\(result.stderr)")
        try CLITest.assertGolden(fixture.normalize(result.stdout), "show.txt")
        let all = try await CLITest.track(["show", "deep", "--all"], url: fixture.url)
        #expect(all.stdout.contains("mlflow.runName"))
        let json = try await CLITest.track(["show", "deep", "--json"], url: fixture.url)
        #expect(try JSONReader.parse(json.stdout)["info"]?["run_id"]?.stringValue == fixture.ids["deep"])
    }

    @Test func showPrintsDescriptionDatasetsAndLoggedModels() async throws {
        let server = try await TestServer.start()
        let experiment = try await server.createExperiment("reports")
        let runID = try await server.createRun(
            experiment: experiment, name: "mixed-precision", start: Fixture.t0, duration: 1000,
            tags: ["mlflow.note.content": "Baseline with AMP.\nSame seed as run 12."], metrics: ["loss": [1.0, 0.5]]
        )
        let client = server.client
        _ = try await client.post("runs/log-inputs") { w in
            w.beginObject(); w.key("run_id"); w.string(runID)
            w.key("datasets"); w.beginArray(); w.beginObject()
            w.key("tags"); w.beginArray(); w.beginObject(); w.key("key"); w.string("mlflow.data.context"); w.key("value"); w.string("training"); w.endObject(); w.endArray()
            w.key("dataset"); w.beginObject()
            w.key("name"); w.string("mnist-train"); w.key("digest"); w.string("9f2c41ab")
            w.key("source_type"); w.string("local"); w.key("source"); w.string("{\"uri\": \"/data/mnist\"}")
            w.endObject(); w.endObject(); w.endArray(); w.endObject()
        }
        let created = try await client.post("logged-models") { w in
            w.beginObject(); w.key("experiment_id"); w.string(experiment); w.key("name"); w.string("digit-clf")
            w.key("model_type"); w.string("sklearn"); w.key("source_run_id"); w.string(runID); w.endObject()
        }
        let modelID = try #require(created["model"]?["info"]?["model_id"]?.stringValue)
        _ = try await client.post("runs/outputs") { w in
            w.beginObject(); w.key("run_id"); w.string(runID)
            w.key("models"); w.beginArray()
            w.beginObject(); w.key("model_id"); w.string(modelID); w.key("step"); w.int(7); w.endObject()
            w.beginObject(); w.key("model_id"); w.string("m-0000000000000000000000000000dead"); w.key("step"); w.int(0); w.endObject()
            w.endArray(); w.endObject()
        }

        let result = try await CLITest.track(["show", runID], url: server.url)
        await server.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let description = try #require(lines.firstIndex(of: "DESCRIPTION"), "\(result.stdout)")
        #expect(lines[description + 1] == "  Baseline with AMP.")
        #expect(lines[description + 2] == "  Same seed as run 12.")
        let datasets = try #require(lines.firstIndex(of: "DATASETS"), "\(result.stdout)")
        let dataset = lines[datasets + 2]
        #expect(dataset.hasPrefix("  mnist-train") && dataset.contains("9f2c41ab") && dataset.contains("training") && dataset.contains("local"), "\(dataset)")
        let models = try #require(lines.firstIndex(of: "MODELS"), "\(result.stdout)")
        let rows = Array(lines[(models + 2)...(models + 3)])
        let model = try #require(rows.first { $0.contains(modelID) }, "\(result.stdout)")
        #expect(model.hasPrefix("  digit-clf") && model.contains("PENDING") && model.contains("sklearn") && model.hasSuffix("7"), "\(model)")
        let missing = try #require(rows.first { $0.contains("m-0000000000000000000000000000dead") }, "\(result.stdout)")
        #expect(missing.hasPrefix("  (not found)"), "\(missing)")
        // The sections come in reading order: description, params, metrics, datasets, models, tags.
        let order = ["DESCRIPTION", "PARAMS", "METRICS", "DATASETS", "MODELS", "TAGS"].map { name in lines.firstIndex { $0.hasPrefix(name) } ?? -1 }
        #expect(order == order.sorted() && !order.contains(-1), "\(result.stdout)")
    }

    // MARK: - Metrics and export

    @Test func metricsPrintsTheWholeHistory() async throws {
        let fixture = try await SharedFixture.get()
        let csv = try await CLITest.track(["metrics", "wide-lr", "loss", "--csv"], url: fixture.url)
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 101)
        #expect(lines[0] == "step,timestamp,value")
        #expect(lines[1] == "0,\(Fixture.t0 + 200_000),\(Fixture.loss(0, rate: 0.06, floor: 0.15))")
        let nan = try await CLITest.track(["metrics", "deep", "grad_norm"], url: fixture.url)
        #expect(nan.stdout.contains("NaN"))
        #expect(nan.stdout.contains("Infinity"))
        #expect(nan.stdout.split(separator: "\n").count == 6)
        let missing = try await CLITest.track(["metrics", "deep", "nope"], url: fixture.url)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("has no metric 'nope'"))
    }

    @Test func exportJSONAndCSV() async throws {
        let fixture = try await SharedFixture.get()
        let json = try await CLITest.track(["export", "deep", "--format", "json"], url: fixture.url)
        #expect(json.status == 0, "\(json.stderr)")
        let parsed = try JSONReader.parse(json.stdout)
        #expect(parsed["run"]?["info"]?["run_name"]?.stringValue == "deep")
        #expect(parsed["metrics"]?["loss"]?["steps"]?.arrayValue?.count == 60)
        #expect(parsed["metrics"]?["grad_norm"]?["values"]?.arrayValue?[2] == .string("NaN"))

        let folder = CLITest.temporaryDirectory("export")
        let file = folder.appendingPathComponent("deep.csv")
        let csv = try await CLITest.track(["export", "deep", "--format", "csv", "-o", file.path], url: fixture.url)
        #expect(csv.status == 0, "\(csv.stderr)")
        let text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "kind,key,step,timestamp,value")
        #expect(lines.contains("param,dropout,,,0.1"))
        #expect(lines.filter { $0.hasPrefix("metric,") }.count == 60 + 60 + 5)
        let bad = try await CLITest.track(["export", "deep", "--format", "xml"], url: fixture.url)
        #expect(bad.status == 2)
    }

    // MARK: - Artifacts

    @Test func modelsListAndShow() async throws {
        let fixture = try await SharedFixture.get()
        let client = fixture.server.client
        _ = try await client.post("registered-models/create") { w in
            w.beginObject(); w.key("name"); w.string("churn-clf"); w.key("description"); w.string("predicts churn"); w.endObject()
        }
        for index in 1...2 {
            _ = try await client.post("model-versions/create") { w in
                w.beginObject(); w.key("name"); w.string("churn-clf"); w.key("source"); w.string("s3://models/churn/\(index)"); w.endObject()
            }
        }
        _ = try await client.post("model-versions/transition-stage") { w in
            w.beginObject(); w.key("name"); w.string("churn-clf"); w.key("version"); w.string("1"); w.key("stage"); w.string("Production"); w.endObject()
        }
        _ = try await client.post("registered-models/alias") { w in
            w.beginObject(); w.key("name"); w.string("churn-clf"); w.key("alias"); w.string("champion"); w.key("version"); w.string("2"); w.endObject()
        }

        let list = try await CLITest.track(["models"], url: fixture.url)
        #expect(list.status == 0, "\(list.stderr)")
        let row = try #require(list.stdout.split(separator: "\n").first { $0.contains("churn-clf") })
        #expect(row.contains("v2, v1 Production"), "latest version per stage: \(row)")
        #expect(row.contains("@champion→v2"), "\(row)")
        #expect(row.contains("predicts churn"))

        let show = try await CLITest.track(["models", "churn-clf"], url: fixture.url)
        #expect(show.status == 0, "\(show.stderr)")
        let lines = show.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "MODEL churn-clf")
        let versions = lines.drop { !$0.hasPrefix("VERSIONS") }.dropFirst(2)
        #expect(versions.count == 2, "\(show.stdout)")
        #expect(versions.first?.contains("@champion") == true && versions.first?.contains("s3://models/churn/2") == true, "\(show.stdout)")
        #expect(versions.last?.contains("Production") == true, "\(show.stdout)")

        let json = try JSONReader.parse(try await CLITest.track(["models", "churn-clf", "--json"], url: fixture.url).stdout)
        #expect(json["model_versions"]?.arrayValue?.first?["aliases"]?.arrayValue?.first?.stringValue == "champion")
        #expect(json["registered_model"]?["description"]?.stringValue == "predicts churn")

        let missing = try await CLITest.track(["models", "no-such-model"], url: fixture.url)
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: no registered model is named 'no-such-model'. List them with `track models`.\n", "\(missing.stderr)")
    }

    @Test func artifactsListAndDownload() async throws {
        let fixture = try await SharedFixture.get()
        let ls = try await CLITest.track(["artifacts", "ls", "baseline", "-e", "mnist"], url: fixture.url)
        #expect(ls.status == 0, "\(ls.stderr)")
        #expect(ls.stdout.contains("model/"))
        #expect(ls.stdout.contains("notes.txt"))
        let recursive = try await CLITest.track(["artifacts", "ls", "baseline", "-e", "mnist", "-r"], url: fixture.url)
        #expect(recursive.stdout.contains("model/config/params.json"))
        #expect(recursive.stdout.contains("4.0 KB"))

        let dest = CLITest.temporaryDirectory("get")
        let file = try await CLITest.track(["artifacts", "get", "baseline", "notes.txt", "-e", "mnist", "--dest", dest.path], url: fixture.url)
        #expect(file.status == 0, "\(file.stderr)")
        #expect(try String(contentsOf: dest.appendingPathComponent("notes.txt"), encoding: .utf8) == "first try\n")

        let folder = try await CLITest.track(["artifacts", "get", "baseline", "model", "-e", "mnist", "--dest", dest.path], url: fixture.url)
        #expect(folder.status == 0, "\(folder.stderr)")
        #expect(folder.stdout.contains("Downloaded 2 files"))
        #expect(try String(contentsOf: dest.appendingPathComponent("model/config/params.json"), encoding: .utf8) == "{\"lr\": 0.01}\n")
        #expect(try Data(contentsOf: dest.appendingPathComponent("model/weights.bin")).count == 4096)

        let everything = CLITest.temporaryDirectory("get-all")
        let all = try await CLITest.track(["artifacts", "get", "baseline", "-e", "mnist", "--dest", everything.path], url: fixture.url)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(FileManager.default.fileExists(atPath: everything.appendingPathComponent("model/weights.bin").path))
        #expect(FileManager.default.fileExists(atPath: everything.appendingPathComponent("notes.txt").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: everything.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)

        let missing = try await CLITest.track(["artifacts", "get", "baseline", "nope.txt", "-e", "mnist", "--dest", dest.path], url: fixture.url)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("has no artifact 'nope.txt'"))
        let traversal = try await CLITest.track(["artifacts", "get", "baseline", "../../etc/passwd", "-e", "mnist", "--dest", dest.path], url: fixture.url)
        #expect(traversal.status == 1)
        #expect(traversal.stderr.contains("refusing the artifact path"))
    }

    /// A hostile server's names never lead a download outside the destination.
    @Test(arguments: [
        #"{"files":[{"path":"../evil.txt","is_dir":false,"file_size":4}]}"#,
        #"{"files":[{"path":"/tmp/evil.txt","is_dir":false,"file_size":4}]}"#,
        #"{"files":[{"path":"..\\evil.txt","is_dir":false,"file_size":4}]}"#,
        #"{"files":[{"path":"..","is_dir":true}]}"#,
        #"{"files":[{"path":"a/b/evil.txt","is_dir":false,"file_size":4}]}"#,
        #"{"files":[{"path":"","is_dir":false,"file_size":4}]}"#,
    ])
    func hostileArtifactNamesAreRefused(listing: String) async throws {
        let runID = "0123456789abcdef0123456789abcdef"
        let server = try HostileServer { target in
            if target.hasPrefix("/api/2.0/mlflow/runs/get") {
                return (200, """
                    {"run":{"info":{"run_id":"\(runID)","run_uuid":"\(runID)","experiment_id":"1","run_name":"r","status":"FINISHED",\
                    "start_time":1,"artifact_uri":"mlflow-artifacts:/1/\(runID)/artifacts","lifecycle_stage":"active"},"data":{}}}
                    """)
            }
            if target.hasPrefix("/api/2.0/mlflow/artifacts/list") { return (200, listing) }
            if target.hasPrefix("/api/2.0/mlflow-artifacts/") { return (200, "evil") }
            return (404, #"{"error_code":"ENDPOINT_NOT_FOUND","message":"no"}"#)
        }
        defer { server.stop() }
        let base = CLITest.temporaryDirectory("hostile")
        let dest = base.appendingPathComponent("dest", isDirectory: true)
        let result = try await CLITest.track(["artifacts", "get", runID, "--dest", dest.path], url: server.url)
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stderr.contains("refusing the artifact path"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("evil.txt").path))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/evil.txt"))
        let written = (FileManager.default.enumerator(atPath: base.path)?.allObjects as? [String]) ?? []
        #expect(written.allSatisfy { $0 == "dest" }, "nothing written: \(written)")
    }

    // MARK: - Completion and help

    @Test func completionScriptsAndHelp() async throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try await CLITest.track(["--generate-completion-script", shell], url: nil)
            #expect(result.status == 0)
            #expect(result.stdout.contains("compare"))
        }
        let help = try await CLITest.track(["--help"], url: nil)
        #expect(help.status == 0)
        for command in ["compare", "experiments", "runs", "show", "metrics", "artifacts", "export", "delete", "restore", "gc"] {
            #expect(help.stdout.contains(command))
        }
    }
}
