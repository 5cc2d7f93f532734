/// A line chart drawn with Unicode braille: every character cell holds 2×4 dots, so a chart of
/// `w` columns and `h` rows has `2w × 4h` dots. One colour per series, a y axis with labels, an
/// x axis with step labels, and a legend. With several series each curve ends with its number
/// (the legend's), so they can be told apart without colour too (`NO_COLOR`, a pipe, a paste).
///
/// ```
/// loss (lower is better)
///   2.303 ┤⡇
///         │⠱⡀
///   1.153 ┤ ⠑⢄
///         │   ⠈⠢⠤⣀⣀          ⣀⣀⣀⣀ 2
/// 0.00289 ┤        ⠉⠉⠉⠒⠒⠒⠤⠤⠤⣀⣀⣀ 1
///         └┬─────────────────────┬
///     step  0                   99
///   ⣿ 1 baseline  ⣿ 2 wide-lr
/// ```
public struct BrailleChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var color: Style.Color
        /// (x, y) points in x order; non-finite y values break the line.
        public var points: [(x: Double, y: Double)]
        /// What marks the end of the curve and the legend entry when there are several series;
        /// nil: the series' position, from 1.
        public var marker: String?

        public init(name: String, color: Style.Color, points: [(x: Double, y: Double)], marker: String? = nil) {
            self.name = name
            self.color = color
            self.points = points
            self.marker = marker
        }
    }

    public var title: String
    public var series: [Series]
    /// Total width in columns (labels included).
    public var width: Int
    /// Height of the plot area in rows.
    public var height: Int
    public var xLabel: String

    public init(title: String, series: [Series], width: Int, height: Int = 12, xLabel: String = "step") {
        self.title = title
        self.series = series
        self.width = width
        self.height = height
        self.xLabel = xLabel
    }

    /// Braille dot bits by (column 0–1, row 0–3) in a cell.
    static let dotBits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// The value bounds of the finite points, widened when flat.
    func bounds() -> (xMin: Double, xMax: Double, yMin: Double, yMax: Double)? {
        var xMin = Double.infinity, xMax = -Double.infinity, yMin = Double.infinity, yMax = -Double.infinity
        for s in series {
            for p in s.points where p.y.isFinite && p.x.isFinite {
                xMin = min(xMin, p.x); xMax = max(xMax, p.x)
                yMin = min(yMin, p.y); yMax = max(yMax, p.y)
            }
        }
        guard xMin.isFinite, yMin.isFinite else { return nil }
        if yMin == yMax {
            let pad = yMin == 0 ? 1 : abs(yMin) * 0.1
            yMin -= pad; yMax += pad
        }
        if xMin == xMax { xMin -= 1; xMax += 1 }
        return (xMin, xMax, yMin, yMax)
    }

    public func render(style: Style) -> [String] {
        var lines = [style.bold(title)]
        guard let b = bounds() else {
            lines.append(style.dim("  (no finite values to draw)"))
            return lines
        }
        let rows = max(2, height)
        // The labels of the top, middle and bottom rows.
        let dotRows = rows * 4
        func value(atDotRow r: Double) -> Double { b.yMax - r / Double(dotRows - 1) * (b.yMax - b.yMin) }
        // Top and bottom rows carry the range; a middle row (when there is one) its centre value.
        var labels: [Int: String] = [0: Formatting.tick(b.yMax), rows - 1: Formatting.tick(b.yMin)]
        let middle = rows / 2
        if middle > 0, middle < rows - 1 {
            labels[middle] = Formatting.tick(value(atDotRow: Double(middle * 4) + 1.5))
        }
        let labelWidth = labels.values.map(\.count).max() ?? 1
        let markers = series.enumerated().map { index, s in s.marker ?? String(index + 1) }
        let marked = series.count > 1
        let markerWidth = marked ? 1 + (markers.map { TextWidth.of($0) }.max() ?? 1) : 0
        let columns = max(4, width - labelWidth - 2 - markerWidth)
        let dotColumns = columns * 2

        var cells = [UInt32](repeating: 0, count: rows * columns)
        var owner = [Int](repeating: -1, count: rows * columns)
        func plot(_ x: Int, _ y: Int, _ seriesIndex: Int) {
            guard x >= 0, x < dotColumns, y >= 0, y < dotRows else { return }
            let cell = (y / 4) * columns + x / 2
            cells[cell] |= Self.dotBits[x % 2][y % 4]
            owner[cell] = seriesIndex
        }
        func dot(_ p: (x: Double, y: Double)) -> (Int, Int) {
            let x = ((p.x - b.xMin) / (b.xMax - b.xMin) * Double(dotColumns - 1)).rounded()
            let y = ((b.yMax - p.y) / (b.yMax - b.yMin) * Double(dotRows - 1)).rounded()
            return (Int(x), Int(y))
        }
        for (index, s) in series.enumerated() {
            var previous: (Int, Int)?
            for p in s.points {
                guard p.y.isFinite, p.x.isFinite else {
                    previous = nil
                    continue
                }
                let current = dot(p)
                if let previous {
                    Self.line(from: previous, to: current) { plot($0, $1, index) }
                } else {
                    plot(current.0, current.1, index)
                }
                previous = current
            }
        }

        let endRows = marked ? Self.markerRows(series.map { s in
            s.points.last { $0.y.isFinite && $0.x.isFinite }.map { dot($0).1 }
        }, rows: rows) : [:]

        for row in 0..<rows {
            var line = ""
            if let label = labels[row] {
                line += String(repeating: " ", count: labelWidth - label.count) + label + " ┤"
            } else {
                line += String(repeating: " ", count: labelWidth) + " │"
            }
            var run = ""
            var runOwner = -2
            func flush() {
                guard !run.isEmpty else { return }
                line += runOwner >= 0 ? style.paint(run, series[runOwner].color) : run
                run = ""
            }
            for column in 0..<columns {
                let cell = row * columns + column
                let character = cells[cell] == 0 ? " " : String(Character(Unicode.Scalar(0x2800 + cells[cell])!))
                let cellOwner = cells[cell] == 0 ? -1 : owner[cell]
                if cellOwner != runOwner { flush(); runOwner = cellOwner }
                run += character
            }
            flush()
            if let index = endRows[row] {
                line += " " + style.paint(markers[index], series[index].color)
            }
            lines.append(TextWidth.trimTrailing(line))
        }

        // X axis: ticks at both ends, and in the middle when its label fits between them.
        let indent = String(repeating: " ", count: labelWidth + 1)
        var axis = Array(repeating: Character("─"), count: columns)
        var labelLine: [Character] = []
        func place(_ text: String, at start: Int, tick column: Int) {
            axis[min(columns - 1, max(0, column))] = "┬"
            if labelLine.count < start { labelLine += Array(repeating: " ", count: start - labelLine.count) }
            labelLine += Array(text)
        }
        let leftText = Formatting.tick(b.xMin)
        let rightText = Formatting.tick(b.xMax)
        let rightStart = max(leftText.count + 2, columns - rightText.count)
        let midColumn = (columns - 1) / 2
        var midValue = b.xMin + Double(midColumn) / Double(max(1, columns - 1)) * (b.xMax - b.xMin)
        if b.xMin == b.xMin.rounded(), b.xMax == b.xMax.rounded() { midValue = midValue.rounded() }
        let midText = Formatting.tick(midValue)
        let midStart = midColumn - midText.count / 2
        place(leftText, at: 0, tick: 0)
        if midStart >= leftText.count + 2, midStart + midText.count + 2 <= rightStart {
            place(midText, at: midStart, tick: midColumn)
        }
        place(rightText, at: rightStart, tick: columns - 1)
        lines.append(indent + "└" + String(axis))
        lines.append(TextWidth.trimTrailing(TextWidth.fitRight(xLabel, labelWidth + 1) + " " + String(labelLine)))

        // Legend, wrapped to the width: "  ⣿ 1 baseline  ⣿ 2 wide-lr".
        var legend = ""
        var legendWidth = 0
        for (index, s) in series.enumerated() {
            let swatch = marked ? "⣿ " + markers[index] : "⣿"
            let name = TextWidth.truncate(s.name, to: max(4, width - 3 - TextWidth.of(swatch)))
            let entryWidth = 2 + TextWidth.of(swatch) + 1 + TextWidth.of(name)
            if legendWidth + entryWidth > width, legendWidth > 0 {
                lines.append(legend)
                legend = ""
                legendWidth = 0
            }
            legend += "  " + style.paint(swatch, s.color) + " " + name
            legendWidth += entryWidth
        }
        lines.append(legend)
        return lines
    }

    /// The row of each series' end marker, from the dot row where its curve ends: that row when
    /// it is free, else the nearest ones, keeping the markers in the order of the curves' ends
    /// (a curve ending higher gets a marker higher). Series without a finite point get none, and
    /// so do those beyond one marker per row. Returns series indexes by row.
    static func markerRows(_ endDots: [Int?], rows: Int) -> [Int: Int] {
        let ends = endDots.enumerated().compactMap { index, dot in dot.map { (index, $0) } }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        guard !ends.isEmpty, rows > 0 else { return [:] }
        // Top to bottom, each at its row or just below the previous one…
        var assigned: [Int] = []
        for (_, dot) in ends {
            assigned.append(max(min(rows - 1, max(0, dot / 4)), (assigned.last ?? -1) + 1))
        }
        // …then back inside the plot from the bottom up.
        for k in assigned.indices.reversed() {
            assigned[k] = min(assigned[k], k == assigned.count - 1 ? rows - 1 : assigned[k + 1] - 1)
        }
        var result: [Int: Int] = [:]
        for (k, row) in assigned.enumerated() where row >= 0 { result[row] = ends[k].0 }
        return result
    }

    /// Calls `plot` for every dot of the segment (Bresenham).
    static func line(from a: (Int, Int), to b: (Int, Int), _ plot: (Int, Int) -> Void) {
        var (x0, y0) = a
        let (x1, y1) = b
        let dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1
        let dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        while true {
            plot(x0, y0)
            if x0 == x1 && y0 == y1 { return }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x0 += sx }
            if e2 <= dx { error += dx; y0 += sy }
        }
    }
}
