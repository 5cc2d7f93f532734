// train-demo: trains a small MLP on the two-spirals problem over a little hyper-parameter sweep
// and logs every step through the Tracker SDK, so the tracker's UI has real learning curves.
//
//   swift run track server &          # in another terminal
//   swift run train-demo              # then open http://127.0.0.1:5000
//
// Flags: --url URL, --experiment NAME, --steps N, --learning-rates a,b,c, --hidden a,b,
// --quick (one small run), --crash-after-steps N (flush, log a little more, then SIGKILL
// itself: used by the tests of the spool).
import Foundation
import Tracker
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Options {
    var url: URL?
    var experiment = "spirals"
    var steps = 1500
    var learningRates = [0.003, 0.01, 0.03]
    var hiddenSizes = [16, 32]
    var crashAfterSteps: Int?

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func value(_ name: String) -> String {
            index += 1
            guard index < arguments.count else { fail("\(name) needs a value") }
            return arguments[index]
        }
        func numbers<T: LosslessStringConvertible>(_ name: String) -> [T] {
            let list = value(name).split(separator: ",").compactMap { T(String($0)) }
            if list.isEmpty { fail("\(name) needs a comma-separated list") }
            return list
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--url": options.url = URL(string: value("--url"))
            case "--experiment": options.experiment = value("--experiment")
            case "--steps": options.steps = Int(value("--steps")) ?? options.steps
            case "--learning-rates": options.learningRates = numbers("--learning-rates")
            case "--hidden": options.hiddenSizes = numbers("--hidden")
            case "--quick":
                options.steps = 300
                options.learningRates = [0.03]
                options.hiddenSizes = [16]
            case "--crash-after-steps": options.crashAfterSteps = Int(value("--crash-after-steps"))
            case "-h", "--help":
                print("usage: train-demo [--url URL] [--experiment NAME] [--steps N] [--learning-rates 0.003,0.01,0.03] [--hidden 16,32] [--quick] [--crash-after-steps N]")
                exit(0)
            default: fail("unknown argument \(arguments[index])")
            }
            index += 1
        }
        return options
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("train-demo: \(message)\n".utf8))
        exit(2)
    }
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let train = Spirals(pointsPerClass: 150, noise: 0.06, seed: 1)
let validation = Spirals(pointsPerClass: 100, noise: 0.06, seed: 2)
let sweepStart = Date()
var summary: [(String, Double, String?)] = []

for hidden in options.hiddenSizes {
    for learningRate in options.learningRates {
        let runName = "h\(hidden)-lr\(learningRate)"
        var configuration = TrackerConfiguration(url: options.url)
        configuration.systemMetricsInterval = .seconds(1)
        let tracker = try await Tracker(
            experiment: options.experiment, runName: runName,
            params: ["learning_rate": learningRate, "hidden": hidden, "optimizer": "adam", "steps": options.steps,
                     "dataset": "two-spirals", "train_points": train.count],
            tags: ["demo": "train-demo"],
            configuration: configuration
        )
        if options.crashAfterSteps == nil { tracker.finishOnInterrupt() }
        var model = MLP(hidden: hidden, seed: 42)
        let started = Date()
        var lastAccuracy = 0.0
        for step in 0..<options.steps {
            let (loss, accuracy) = model.step(train, learningRate: learningRate)
            tracker.log(metric: "loss", value: loss, step: step)
            tracker.log(metric: "accuracy", value: accuracy, step: step)
            if step % 25 == 0 || step == options.steps - 1 {
                lastAccuracy = model.accuracy(validation)
                tracker.log(metric: "val_accuracy", value: lastAccuracy, step: step)
            }
            if let crash = options.crashAfterSteps, step == crash {
                await tracker.flush()
                print("FLUSHED step=\(step) run_key=\(tracker.runKey) spool=\(tracker.spoolFile?.path ?? "-")")
                fflush(nil)
                // A few points that never leave memory, then die as a killed job would.
                for extra in 1...5 { tracker.log(metric: "loss", value: loss, step: step + extra) }
                kill(getpid(), SIGKILL)
            }
        }
        let weights = FileManager.default.temporaryDirectory.appendingPathComponent("train-demo-\(tracker.runKey).json")
        try model.json().write(to: weights, atomically: true, encoding: .utf8)
        tracker.log(param: "final_val_accuracy", value: lastAccuracy)
        try await tracker.log(artifact: weights, path: "model")
        try await tracker.finish()
        try? FileManager.default.removeItem(at: weights)
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "%-16@ val_accuracy %.3f  (%d steps in %.1fs)  run %@", runName, lastAccuracy, options.steps, seconds,
                     tracker.runID ?? "spooled: \(tracker.spoolFile?.path ?? "?")"))
        summary.append((runName, lastAccuracy, tracker.runID))
    }
}

if let best = summary.max(by: { $0.1 < $1.1 }) {
    let base = (options.url ?? TrackerConfiguration().resolvedURL).absoluteString
    print(String(format: "best: %@ (val_accuracy %.3f); sweep took %.1fs; open %@", best.0, best.1, Date().timeIntervalSince(sweepStart), base))
}
