import Foundation
import TrackClient
import TrackCore

/// One server seeded once for the read-only tests: two experiments, runs with fixed times,
/// params, tags, metrics (NaN and Infinity included) and artifacts.
///
/// - mnist: `baseline`, `wide-lr`, `deep` (FAILED, has `dropout` and `grad_norm`)
/// - cifar: another `baseline` (so the name alone is ambiguous)
/// - scratch: filler runs, added until two runs share the first hex digit of their ids
struct Fixture: Sendable {
    let server: TestServer
    let mnist: String
    let cifar: String
    /// Run ids by name (`cifar-baseline` for cifar's).
    let ids: [String: String]
    /// Every seeded run id.
    let allIDs: [String]

    static let t0: Int64 = 1_700_000_000_000

    var url: URL { server.url }

    static func loss(_ step: Int, rate: Double, floor: Double) -> Double {
        2.3 * exp(-rate * Double(step)) + floor
    }

    /// Peaks at step 70, then slowly degrades.
    static func peakingAccuracy(_ step: Int) -> Double {
        let rise: Double = 0.93 - 0.8 * exp(-0.08 * Double(step))
        let decay: Double = step > 70 ? 0.001 * Double(step - 70) : 0
        return rise - decay
    }

    static func make() async throws -> Fixture {
        let server = try await TestServer.start()
        let mnist = try await server.createExperiment("mnist")
        let cifar = try await server.createExperiment("cifar")
        var ids: [String: String] = [:]
        ids["baseline"] = try await server.createRun(
            experiment: mnist, name: "baseline", start: t0, duration: 100_000,
            params: ["lr": "0.01", "layers": "2", "batch": "64", "optimizer": "adam"],
            tags: ["team": "vision", "note": "first try"],
            metrics: [
                "loss": (0..<100).map { loss($0, rate: 0.03, floor: 0.1) },
                "accuracy": (0..<100).map { 0.9 - 0.8 * exp(-0.05 * Double($0)) },
            ]
        )
        ids["wide-lr"] = try await server.createRun(
            experiment: mnist, name: "wide-lr", start: t0 + 200_000, duration: 95_000,
            params: ["lr": "0.1", "layers": "2", "batch": "64", "optimizer": "adam"],
            tags: ["team": "vision", "note": "higher lr, a much longer note that will not fit in a column of the table"],
            metrics: [
                "loss": (0..<100).map { loss($0, rate: 0.06, floor: 0.15) },
                "accuracy": (0..<100).map(peakingAccuracy),
            ]
        )
        ids["deep"] = try await server.createRun(
            experiment: mnist, name: "deep", start: t0 + 400_000, duration: 300_000,
            params: ["lr": "0.01", "layers": "4", "batch": "64", "optimizer": "adam", "dropout": "0.1"],
            tags: ["team": "vision"],
            metrics: [
                "loss": (0..<60).map { loss($0, rate: 0.02, floor: 0.05) },
                "accuracy": (0..<60).map { 0.88 - 0.8 * exp(-0.04 * Double($0)) },
                "grad_norm": [1.0, 0.5, .nan, .infinity, 0.25],
            ],
            status: "FAILED"
        )
        ids["cifar-baseline"] = try await server.createRun(
            experiment: cifar, name: "baseline", start: t0 + 600_000, duration: 50_000,
            params: ["lr": "0.001"], metrics: ["loss": [2.0, 1.5, 1.2]]
        )
        try server.writeArtifact(experiment: mnist, runID: ids["baseline"]!, path: "notes.txt", contents: "first try\n")
        try server.writeArtifact(experiment: mnist, runID: ids["baseline"]!, path: "model/weights.bin", contents: String(repeating: "w", count: 4096))
        try server.writeArtifact(experiment: mnist, runID: ids["baseline"]!, path: "model/config/params.json", contents: "{\"lr\": 0.01}\n")

        var all = Array(ids.values)
        let scratch = try await server.createExperiment("scratch")
        var filler = 0
        while Set(all.map { $0.prefix(1) }).count == all.count {
            filler += 1
            let id = try await server.createRun(experiment: scratch, name: "filler-\(filler)", start: t0 + 900_000 + Int64(filler), duration: 1000)
            all.append(id)
        }
        return Fixture(server: server, mnist: mnist, cifar: cifar, ids: ids, allIDs: all)
    }

    /// A first hex digit shared by at least two run ids.
    var ambiguousPrefix: String {
        var seen = Set<Substring>()
        for id in allIDs {
            if !seen.insert(id.prefix(1)).inserted { return String(id.prefix(1)) }
        }
        return ""
    }

    /// The shortest prefix of `id` that no other seeded run shares (at least 4 characters).
    func uniquePrefix(of id: String) -> String {
        var length = 4
        while allIDs.contains(where: { $0 != id && $0.hasPrefix(id.prefix(length)) }) { length += 1 }
        return String(id.prefix(length))
    }

    /// Output with run ids replaced by `<name>` placeholders (also ids cut with `…`).
    func normalize(_ text: String) -> String {
        var text = text
        for (name, id) in ids.sorted(by: { $0.key < $1.key }) {
            text = text.replacingOccurrences(of: id, with: "<\(name)-id>")
            for length in stride(from: 31, through: 4, by: -1) {
                text = text.replacingOccurrences(of: id.prefix(length) + "…", with: "<\(name)-id…>")
            }
        }
        return text
    }
}

/// The shared fixture, made by the first test that needs it.
actor SharedFixture {
    static let shared = SharedFixture()
    private var task: Task<Fixture, Error>?

    func get() async throws -> Fixture {
        if let task { return try await task.value }
        let task = Task { try await Fixture.make() }
        self.task = task
        return try await task.value
    }

    static func get() async throws -> Fixture {
        try await shared.get()
    }
}
