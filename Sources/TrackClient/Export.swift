import TrackAPI
import TrackCore

/// CSV fields as RFC 4180 wants them: quoted when they hold a comma, quote or line break.
public enum CSV {
    public static func field(_ text: String) -> String {
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    /// A metric value as MLflow writes it: shortest round-trip digits, `NaN`, `Infinity`, `-Infinity`.
    public static func value(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }
}

/// `track export RUN --format json|csv`: the whole run, every metric's full history included.
///
/// JSON: `{"run": <the run as runs/get answers it>, "metrics": {"<key>": {"steps": […],
/// "timestamps": […], "values": […]}}}` (columns in the server's history order; non-finite
/// values as `"NaN"`/`"Infinity"`/`"-Infinity"`).
///
/// CSV: header `kind,key,step,timestamp,value`, then one row per param (`param,lr,,,0.01`),
/// tag (`tag,…`) and metric point (`metric,loss,3,1700000000000,0.25`).
public struct RunExporter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case json
        case csv
    }

    public let client: APIClient

    public init(client: APIClient) {
        self.client = client
    }

    /// Exports `run`, handing the output to `write` piece by piece (CSV streams page by page).
    public func export(_ run: Run, format: Format, progress: ProgressBar?, write: (String) throws -> Void) async throws {
        let summaries = try await client.metricSummaries(runIDs: [run.info.runID])
        progress?.setTotal(summaries.reduce(0) { $0 + $1.count })
        let keys = summaries.map(\.key)
        switch format {
        case .csv:
            try write(CSV.line(["kind", "key", "step", "timestamp", "value"]))
            for param in run.data.params { try write(CSV.line(["param", param.key, "", "", param.value])) }
            for tag in run.data.tags { try write(CSV.line(["tag", tag.key, "", "", tag.value])) }
            for key in keys {
                try await client.metricHistory(runID: run.info.runID, key: key) { points in
                    var text = ""
                    text.reserveCapacity(points.count * 40)
                    let prefix = "metric," + CSV.field(key) + ","
                    for point in points {
                        text += prefix + "\(point.step),\(point.timestamp)," + CSV.value(point.value) + "\n"
                    }
                    try write(text)
                    progress?.add(Int64(points.count))
                }
            }
        case .json:
            // The run exactly as the server has it (inputs and outputs included).
            let answer = try await client.get("runs/get", [("run_id", run.info.runID)])
            var writer = JSONWriter(capacity: 4096)
            writer.beginObject()
            writer.key("run")
            if let raw = answer["run"] { writer.value(raw) } else { writer.run(run) }
            writer.key("metrics"); writer.beginObject()
            try write(String(decoding: writer.bytes, as: UTF8.self))
            for (index, key) in keys.enumerated() {
                var points: [MetricPoint] = []
                try await client.metricHistory(runID: run.info.runID, key: key) { page in
                    points += page
                    progress?.add(Int64(page.count))
                }
                var w = JSONWriter(capacity: 64 + points.count * 40)
                w.beginObject()
                w.key("steps"); w.beginArray()
                for point in points { w.int(point.step) }
                w.endArray()
                w.key("timestamps"); w.beginArray()
                for point in points { w.int(point.timestamp) }
                w.endArray()
                w.key("values"); w.beginArray()
                for point in points { w.double(point.value) }
                w.endArray()
                w.endObject()
                var keyWriter = JSONWriter(capacity: key.utf8.count + 4)
                keyWriter.string(key)
                try write((index > 0 ? "," : "") + String(decoding: keyWriter.bytes, as: UTF8.self) + ":" + String(decoding: w.bytes, as: UTF8.self))
            }
            try write("}}\n")
        }
    }
}
