import Foundation
import Testing
import TrackClient

/// The real binary on a pseudo-terminal, as a person runs it: colours, the terminal's width,
/// progress bars; and none of that with `NO_COLOR`, `TERM=dumb` or in a pipe.
@Suite(.serialized)
struct TerminalCommandTests {
    @Test(arguments: [80, 120])
    func compareFitsTheTerminalInColour(columns: Int) async throws {
        let fixture = try await SharedFixture.get()
        let result = try await CLITest.trackInTerminal(
            ["compare", "baseline", "wide-lr", "deep", "-e", "mnist", "--metric", "loss", "--height", "8"], url: fixture.url, columns: columns
        )
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("\u{1B}[1;34mbaseline"), "run 1 in its colour")
        #expect(result.stdout.contains("\u{1B}[1;33mwide-lr"), "run 2 in its colour")
        #expect(result.stdout.contains("\u{1B}[1;32m0.156054 ★"), "the best run in green")
        #expect(result.stdout.contains("\u{1B}[34m⣿ 1\u{1B}[0m baseline"), "the legend in the runs' colours")
        let plain = CLITest.stripANSI(result.stdout)
        for line in plain.split(separator: "\n") {
            #expect(TextWidth.of(String(line)) <= columns, "wider than the terminal: \(line)")
        }
        try CLITest.assertGolden(fixture.normalize(plain), "compare-\(columns).txt")
    }

    @Test(arguments: [["NO_COLOR": "1"], ["TERM": "dumb"]])
    func noColourWhenAsked(environment: [String: String]) async throws {
        let fixture = try await SharedFixture.get()
        for arguments in [["compare", "baseline", "wide-lr", "-e", "mnist", "--metric", "accuracy"], ["runs"], ["show", "deep"], ["experiments"]] {
            let result = try await CLITest.trackInTerminal(arguments, url: fixture.url, columns: 100, environment: environment)
            #expect(result.status == 0, "\(arguments): \(result.stdout)")
            #expect(!result.stdout.contains("\u{1B}["), "\(arguments) with \(environment)")
        }
    }

    @Test func listingsAreColouredOnATerminal() async throws {
        let fixture = try await SharedFixture.get()
        let runs = try await CLITest.trackInTerminal(["runs", "-e", "mnist"], url: fixture.url, columns: 100)
        #expect(runs.stdout.contains("\u{1B}[31mFAILED"), "\(runs.stdout)")
        #expect(runs.stdout.contains("\u{1B}[32mFINISHED"))
    }

    @Test func progressBarsOnATerminalOnly() async throws {
        let fixture = try await SharedFixture.get()
        let dest = CLITest.temporaryDirectory("tty-get")
        let get = try await CLITest.trackInTerminal(["artifacts", "get", "baseline", "-e", "mnist", "--dest", dest.path], url: fixture.url, columns: 100)
        #expect(get.status == 0, "\(get.stdout)")
        #expect(get.stdout.contains("\rdownloading  ["), "\(get.stdout)")
        #expect(get.stdout.contains("\r\u{1B}[K"), "the bar is cleared before the summary")
        #expect(CLITest.stripANSI(get.stdout).hasSuffix("Downloaded 3 files (4.0 KB) to \(dest.standardizedFileURL.path).\n"))
        let piped = try await CLITest.track(["artifacts", "get", "baseline", "-e", "mnist", "--dest", CLITest.temporaryDirectory("pipe-get").path], url: fixture.url)
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("downloading") && !piped.stderr.contains("\u{1B}"), "no bar in a pipe: \(piped.stderr)")

        let file = CLITest.temporaryDirectory("tty-export").appendingPathComponent("deep.csv")
        let export = try await CLITest.trackInTerminal(["export", "deep", "--format", "csv", "-o", file.path], url: fixture.url, columns: 100)
        #expect(export.status == 0, "\(export.stdout)")
        #expect(export.stdout.contains("\rexporting  "), "\(export.stdout)")
        #expect(export.stdout.contains("Exported run deep"))

        // Points printed on the terminal get no bar in their way.
        let metrics = try await CLITest.trackInTerminal(["metrics", "deep", "loss"], url: fixture.url, columns: 100)
        #expect(metrics.status == 0)
        #expect(!metrics.stdout.contains("\r") && !metrics.stdout.contains("\u{1B}"), "\(metrics.stdout)")
    }
}
