import TrackCore

/// Writes a ``Comparison`` as text for a terminal of a given width: one column per run, a label
/// column on the left, values cut with `…` to fit.
public struct ComparisonRenderer: Sendable {
    public var width: Int
    public var style: Style
    /// Show identical params and tags and system tags too.
    public var showAll: Bool
    /// Height of `--metric` charts in rows.
    public var chartHeight: Int
    /// The time "now" for the duration of running runs.
    public var now: Int64
    /// The `max_points` the charts were fetched with (to say when they are downsampled).
    public var maxPoints: Int

    public init(width: Int, style: Style = .plain, showAll: Bool = false, chartHeight: Int = 12, now: Int64 = Formatting.nowMilliseconds(), maxPoints: Int = 1000) {
        self.width = max(40, width)
        self.style = style
        self.showAll = showAll
        self.chartHeight = chartHeight
        self.now = now
        self.maxPoints = maxPoints
    }

    /// Width of the stat names of the metrics section ("best at").
    static let statWidth = 8
    static let gap = 2
    static let missing = "—"

    struct Layout {
        var keyWidth: Int
        var labelWidth: Int
        var columnWidth: Int
        var runs: Int
    }

    /// The params or tags listed: those that differ, unless `--all` (which also shows system tags).
    func shown(_ items: [ComparedValue], hideSystem: Bool) -> [ComparedValue] {
        items.filter { showAll || ($0.differs && !(hideSystem && $0.isSystem)) }
    }

    /// Widths from what is actually listed (hidden keys take no room): the label column fits the
    /// longest listed param or tag key and, with its stat name, the longest metric key.
    func layout(_ comparison: Comparison) -> Layout {
        let runs = max(1, comparison.runs.count)
        let listed = shown(comparison.params, hideSystem: false) + shown(comparison.tags, hideSystem: true)
        let valueKeys = min(40, listed.map { TextWidth.of($0.key) + 2 }.max() ?? 0)
        let metricKeys = min(30, comparison.metrics.map { TextWidth.of($0.key) + 2 }.max() ?? 0)
        var labelWidth = max("experiment".count + 1, valueKeys, comparison.metrics.isEmpty ? 0 : metricKeys + 1 + Self.statWidth)
        // Leave the runs at least 12 columns each when the terminal allows it.
        let minimumColumn = 12
        let wanted = runs * (minimumColumn + Self.gap)
        if width - labelWidth < wanted {
            labelWidth = max(14, width - wanted)
        }
        let keyWidth = max(4, labelWidth - 1 - Self.statWidth)
        let columnWidth = min(40, max(4, (width - labelWidth) / runs - Self.gap))
        return Layout(keyWidth: keyWidth, labelWidth: labelWidth, columnWidth: columnWidth, runs: runs)
    }

    /// One table line: a label and one cell per run, each cut to its width, then painted (the
    /// padding stays outside the colour, so lines end where their text does).
    func row(_ layout: Layout, label: String, labelStyle: (String) -> String = { $0 }, cells: [String], paint: (Int, String) -> String = { $1 }) -> String {
        func padded(_ text: String, _ width: Int, _ style: (String) -> String) -> String {
            let cut = TextWidth.truncate(text, to: width)
            return style(cut) + String(repeating: " ", count: max(0, width - TextWidth.of(cut)))
        }
        var line = padded(label, layout.labelWidth, labelStyle)
        for (index, cell) in cells.enumerated() {
            line += String(repeating: " ", count: Self.gap) + padded(cell, layout.columnWidth) { paint(index, $0) }
        }
        return TextWidth.trimTrailing(line)
    }

    public func render(_ comparison: Comparison) -> String {
        let layout = layout(comparison)
        var lines: [String] = []
        lines += header(comparison, layout)
        lines.append("")
        lines += values(comparison.params, title: "PARAMS", noun: "params", layout: layout, hideSystem: false)
        lines.append("")
        lines += metrics(comparison, layout)
        lines.append("")
        lines += values(comparison.tags, title: "TAGS", noun: "tags", layout: layout, hideSystem: true)
        for chart in comparison.charts {
            lines.append("")
            lines += self.chart(chart, comparison: comparison)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func runColor(_ index: Int) -> Style.Color { Style.runColor(index) }

    func header(_ comparison: Comparison, _ layout: Layout) -> [String] {
        let runs = comparison.runs
        var lines: [String] = []
        lines.append(row(layout, label: "RUNS", labelStyle: style.bold, cells: runs.map { $0.runName.isEmpty ? $0.runID : $0.runName }) { index, cell in
            style.boldPaint(cell, runColor(index))
        })
        lines.append(row(layout, label: "id", labelStyle: style.dim, cells: runs.map(\.runID)))
        lines.append(row(layout, label: "experiment", labelStyle: style.dim, cells: runs.map { info in
            comparison.experimentNames[info.experimentID].map { "\($0) (\(info.experimentID))" } ?? info.experimentID
        }))
        lines.append(row(layout, label: "status", labelStyle: style.dim, cells: runs.map { info in
            info.status.rawValue + (info.lifecycleStage == .deleted ? " (deleted)" : "")
        }) { index, cell in
            switch runs[index].status {
            case .finished: style.paint(cell, .green)
            case .failed, .killed: style.paint(cell, .red)
            default: style.paint(cell, .yellow)
            }
        })
        lines.append(row(layout, label: "start", labelStyle: style.dim, cells: runs.map {
            Formatting.time($0.startTime, fitting: layout.columnWidth)
        }))
        lines.append(row(layout, label: "duration", labelStyle: style.dim, cells: runs.map {
            Formatting.runDuration(start: $0.startTime, end: $0.endTime, now: now)
        }))
        return lines
    }

    func values(_ items: [ComparedValue], title: String, noun: String, layout: Layout, hideSystem: Bool) -> [String] {
        if items.isEmpty { return [style.bold(title) + style.dim("  none logged")] }
        let listed = shown(items, hideSystem: hideSystem)
        // Counted among what could be listed: system tags only with --all.
        let pool = items.filter { showAll || !(hideSystem && $0.isSystem) }
        let differing = pool.filter(\.differs).count
        let system = items.count - pool.count
        var note: String
        if pool.isEmpty {
            note = "\(system) system hidden, --all shows them"
        } else {
            note = "\(differing) of \(pool.count) differ"
            var hidden: [String] = []
            if !showAll, pool.count > differing { hidden.append("\(pool.count - differing) identical") }
            if system > 0 { hidden.append("\(system) system") }
            if !hidden.isEmpty { note += "; " + hidden.joined(separator: " and ") + " hidden, --all shows them" }
        }
        var lines = [style.bold(title) + "  " + style.dim(TextWidth.truncate(note, to: width - title.count - 2))]
        for item in listed {
            let marker = item.differs ? "≠ " : "  "
            lines.append(row(layout, label: marker + item.key, labelStyle: { item.differs ? style.paint($0, .yellow) : $0 },
                             cells: item.values.map { $0 ?? Self.missing }) { _, cell in
                item.differs ? style.bold(cell) : cell
            })
        }
        return lines
    }

    func metrics(_ comparison: Comparison, _ layout: Layout) -> [String] {
        if comparison.metrics.isEmpty { return [style.bold("METRICS") + style.dim("  none logged")] }
        let legend = TextWidth.truncate("↓ lower is better, ↑ higher is better, ★ best run", to: width - "METRICS".count - 2)
        var lines = [style.bold("METRICS") + "  " + style.dim(legend)]
        for metric in comparison.metrics {
            let arrow = metric.goal == .lower ? " ↓" : " ↑"
            let keyLabel = TextWidth.truncate(metric.key, to: layout.keyWidth - 2) + arrow
            let bestRow = metric.goal == .lower ? "min" : "max"
            let stats: [(String, (MetricStats) -> String)] = [
                ("last", { Formatting.number($0.last) }),
                ("min", { Formatting.number($0.min) }),
                ("max", { Formatting.number($0.max) }),
                ("best at", { $0.bestStep.map { "step \($0)" } ?? "?" }),
            ]
            for (position, (name, format)) in stats.enumerated() {
                let label = TextWidth.fit(position == 0 ? keyLabel : "", layout.keyWidth) + " " + name
                let cells = metric.stats.enumerated().map { index, stats -> String in
                    guard let stats else { return Self.missing }
                    let text = format(stats)
                    return name == bestRow && metric.winners.contains(index) ? text + " ★" : text
                }
                lines.append(row(layout, label: label, labelStyle: { position == 0 ? style.bold($0) : $0 }, cells: cells) { index, cell in
                    name == bestRow && metric.winners.contains(index) ? style.boldPaint(cell, .green) : cell
                })
            }
        }
        return lines
    }

    func chart(_ data: Comparison.ChartData, comparison: Comparison) -> [String] {
        let goal = comparison.metrics.first { $0.key == data.key }?.goal
        var series: [BrailleChart.Series] = []
        var downsampled = false
        for (index, item) in data.series.enumerated() {
            guard let item else { continue }
            let info = comparison.runs[index]
            if let stats = comparison.metrics.first(where: { $0.key == data.key })?.stats[index], stats.count > Int64(item.values.count) {
                downsampled = true
            }
            series.append(BrailleChart.Series(
                name: info.runName.isEmpty ? info.runID : info.runName, color: runColor(index),
                points: zip(item.steps, item.values).map { (x: Double($0), y: $1) }, marker: String(index + 1)
            ))
        }
        var title = "\(data.key)"
        if let goal { title += goal == .lower ? " (lower is better)" : " (higher is better)" }
        if downsampled { title += " · downsampled to ≤ \(maxPoints) points per run" }
        if series.isEmpty {
            return [style.bold(title), style.dim("  no run has this metric")]
        }
        return BrailleChart(title: title, series: series, width: width, height: chartHeight).render(style: style)
    }
}
