import TrackAPI
import TrackCore

/// The text of the listing commands.
public enum Views {
    /// `track experiments`.
    public static func experiments(_ experiments: [Experiment], summaries: [String: ExperimentSummary], width: Int, style: Style, showStage: Bool) -> String {
        if experiments.isEmpty { return "No experiments.\n" }
        var columns = [
            Table.Column("ID", rightAligned: true), Table.Column("NAME", flexible: true, minimum: 8),
            Table.Column("RUNS", rightAligned: true), Table.Column("RUNNING", rightAligned: true), Table.Column("LAST ACTIVITY"),
        ]
        if showStage { columns.append(Table.Column("STAGE")) }
        let rows = experiments.map { experiment -> [String] in
            let summary = summaries[experiment.id]
            var row = [
                experiment.id, experiment.name, String(summary?.runCount ?? 0), String(summary?.runningCount ?? 0),
                summary?.lastActivity.map(Formatting.time) ?? "-",
            ]
            if showStage { row.append(experiment.lifecycleStage.rawValue) }
            return row
        }
        return Table(columns: columns, rows: rows).render(width: width, style: style)
    }

    /// `track runs`.
    public static func runs(_ runs: [Run], experimentNames: [String: String], width: Int, style: Style, now: Int64) -> String {
        if runs.isEmpty { return "No runs match.\n" }
        let columns = [
            Table.Column("ID", flexible: true, minimum: 8), Table.Column("NAME", flexible: true, minimum: 8),
            Table.Column("EXPERIMENT", flexible: true, minimum: 6), Table.Column("STATUS"), Table.Column("STARTED"),
            Table.Column("DURATION", flexible: true, minimum: 8),
        ]
        let rows = runs.map { run -> [String] in
            let info = run.info
            return [
                info.runID, info.runName, experimentNames[info.experimentID] ?? info.experimentID,
                info.status.rawValue + (info.lifecycleStage == .deleted ? " (deleted)" : ""),
                Formatting.time(info.startTime), Formatting.runDuration(start: info.startTime, end: info.endTime, now: now),
            ]
        }
        let statuses = runs.map(\.info.status)
        return Table(columns: columns, rows: rows) { row, column, text in
            guard column == 3 else { return text }
            switch statuses[row] {
            case .finished: return style.paint(text, .green)
            case .failed, .killed: return style.paint(text, .red)
            default: return style.paint(text, .yellow)
            }
        }.render(width: width, style: style)
    }

    /// `track show RUN`.
    /// `models`: the run's logged models (its outputs), each with the model when the server has it.
    public static func run(
        _ run: Run, experimentName: String?, summaries: [RunMetricSummary], models: [(ModelReference, LoggedModel?)] = [],
        width: Int, style: Style, showAll: Bool, now: Int64
    ) -> String {
        let info = run.info
        var lines: [String] = []
        lines.append(style.bold("RUN ") + style.bold(info.runName.isEmpty ? info.runID : info.runName))
        var fields: [(String, String)] = [
            ("id", info.runID),
            ("experiment", experimentName.map { "\($0) (\(info.experimentID))" } ?? info.experimentID),
            ("status", info.status.rawValue + (info.lifecycleStage == .deleted ? " (deleted)" : "")),
            ("start", Formatting.time(info.startTime)),
        ]
        if let end = info.endTime { fields.append(("end", Formatting.time(end))) }
        fields.append(("duration", Formatting.runDuration(start: info.startTime, end: info.endTime, now: now)))
        if !info.userID.isEmpty { fields.append(("user", info.userID)) }
        fields.append(("artifacts", info.artifactURI))
        lines += keyValueLines(fields, width: width, style: style)

        if let note = run.data.tags.first(where: { $0.key == "mlflow.note.content" })?.value,
            !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        {
            lines.append("")
            lines.append(style.bold("DESCRIPTION"))
            lines += note.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + TextWidth.truncate(String($0), to: max(8, width - 2)) }
        }

        lines.append("")
        if run.data.params.isEmpty {
            lines.append(style.bold("PARAMS") + style.dim("  none logged"))
        } else {
            lines.append(style.bold("PARAMS"))
            lines += keyValueLines(run.data.params.map { ($0.key, $0.value) }, width: width, style: style)
        }

        lines.append("")
        if summaries.isEmpty {
            lines.append(style.bold("METRICS") + style.dim("  none logged"))
        } else {
            lines.append(style.bold("METRICS"))
            let table = Table(
                columns: [
                    Table.Column("  KEY", flexible: true, minimum: 8), Table.Column("LAST", rightAligned: true),
                    Table.Column("STEP", rightAligned: true), Table.Column("MIN", rightAligned: true),
                    Table.Column("MAX", rightAligned: true), Table.Column("POINTS", rightAligned: true),
                ],
                rows: summaries.map {
                    ["  " + $0.key, Formatting.number($0.last), String($0.lastStep), Formatting.number($0.min), Formatting.number($0.max), Formatting.count($0.count)]
                }
            )
            lines += tableLines(table, width: width)
        }

        lines += datasetLines(run.inputs.datasetInputs, width: width, style: style)
        lines += loggedModelLines(models, width: width, style: style)

        lines.append("")
        let tags = run.data.tags.filter { showAll || !$0.key.hasPrefix("mlflow.") }
        let hidden = run.data.tags.count - tags.count
        let note = hidden > 0 ? style.dim("  \(hidden) system (mlflow.*) hidden, --all shows them") : ""
        if tags.isEmpty {
            lines.append(style.bold("TAGS") + (hidden > 0 ? note : style.dim("  none")))
        } else {
            lines.append(style.bold("TAGS") + note)
            lines += keyValueLines(tags.map { ($0.key, $0.value) }, width: width, style: style)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The DATASETS section (name, digest, context, source type), or nothing when the run used none.
    static func datasetLines(_ inputs: [DatasetInput], width: Int, style: Style) -> [String] {
        guard !inputs.isEmpty else { return [] }
        let table = Table(
            columns: [
                Table.Column("  NAME", flexible: true, minimum: 8), Table.Column("DIGEST"), Table.Column("CONTEXT"),
                Table.Column("SOURCE TYPE"),
            ],
            rows: inputs.map { input in
                let context = input.tags.first { $0.key == "mlflow.data.context" }?.value ?? ""
                return ["  " + input.dataset.name, input.dataset.digest, context, input.dataset.sourceType]
            }
        )
        return ["", style.bold("DATASETS")] + tableLines(table, width: width)
    }

    /// The MODELS section (the run's logged models), or nothing when it logged none.
    static func loggedModelLines(_ models: [(ModelReference, LoggedModel?)], width: Int, style: Style) -> [String] {
        guard !models.isEmpty else { return [] }
        let table = Table(
            columns: [
                Table.Column("  NAME", flexible: true, minimum: 8), Table.Column("MODEL ID"), Table.Column("STATUS"),
                Table.Column("TYPE"), Table.Column("STEP", rightAligned: true),
            ],
            rows: models.map { reference, model in
                guard let model else { return ["  (not found)", reference.modelID, "", "", String(reference.step)] }
                let status = model.status.rawValue.replacingOccurrences(of: "LOGGED_MODEL_", with: "")
                return ["  " + model.name, model.modelID, status, model.modelType ?? "", String(reference.step)]
            }
        )
        return ["", style.bold("MODELS")] + tableLines(table, width: width)
    }

    /// A plain table's lines, without the trailing empty one.
    static func tableLines(_ table: Table, width: Int) -> [String] {
        table.render(width: width, style: .plain).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// `  key         value` lines, the key column as wide as the longest key (at most 30).
    static func keyValueLines(_ pairs: [(String, String)], width: Int, style: Style) -> [String] {
        let keyWidth = min(30, pairs.map { TextWidth.of($0.0) }.max() ?? 0)
        return pairs.map { key, value in
            let valueWidth = max(8, width - keyWidth - 4)
            let flat = value.replacingOccurrences(of: "\n", with: "⏎")
            return TextWidth.trimTrailing("  " + style.dim(TextWidth.fit(key, keyWidth)) + "  " + TextWidth.truncate(flat, to: valueWidth))
        }
    }

    /// `track artifacts ls`: one line per entry, folders with a trailing `/`, sizes on the right.
    public static func artifacts(_ entries: [ArtifactFile], width: Int, style: Style) -> String {
        if entries.isEmpty { return "No artifacts.\n" }
        let rows = entries.map { entry -> [String] in
            [entry.isDirectory ? "" : Formatting.bytes(entry.size ?? 0), entry.path + (entry.isDirectory ? "/" : "")]
        }
        let directories = entries.map(\.isDirectory)
        return Table(columns: [Table.Column("SIZE", rightAligned: true), Table.Column("PATH", flexible: true, minimum: 10)], rows: rows) { row, column, text in
            column == 1 && directories[row] ? style.paint(text, .blue) : text
        }.render(width: width, style: style)
    }

    /// `track metrics RUN KEY`: a header, then one line per point.
    public static func historyHeader() -> String {
        TextWidth.fitRight("STEP", 8) + "  " + TextWidth.fit("TIME", 19) + "  " + TextWidth.fitRight("TIMESTAMP", 13) + "  VALUE\n"
    }

    public static func historyLines(_ points: [MetricPoint]) -> String {
        var text = ""
        text.reserveCapacity(points.count * 56)
        for point in points {
            let step = String(point.step)
            text += String(repeating: " ", count: max(0, 8 - step.count)) + step + "  " + Formatting.time(point.timestamp)
                + "  " + TextWidth.fitRight(String(point.timestamp), 13) + "  " + CSV.value(point.value) + "\n"
        }
        return text
    }
}
