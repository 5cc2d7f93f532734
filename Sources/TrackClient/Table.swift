/// A plain text table fitted to a width: columns take their natural width; when the line is too
/// long the flexible ones shrink (values cut with `…`) down to a minimum.
public struct Table: Sendable {
    public struct Column: Sendable {
        public var title: String
        public var rightAligned: Bool
        /// Whether this column gives up width when the line is too long.
        public var flexible: Bool
        public var minimum: Int

        public init(_ title: String, rightAligned: Bool = false, flexible: Bool = false, minimum: Int = 6) {
            self.title = title
            self.rightAligned = rightAligned
            self.flexible = flexible
            self.minimum = minimum
        }
    }

    public var columns: [Column]
    public var rows: [[String]]
    /// Optional styling per cell (row, column, fitted text) → text; applied after fitting.
    public var paint: (@Sendable (Int, Int, String) -> String)?

    public init(columns: [Column], rows: [[String]], paint: (@Sendable (Int, Int, String) -> String)? = nil) {
        self.columns = columns
        self.rows = rows
        self.paint = paint
    }

    public func widths(for width: Int) -> [Int] {
        var widths = columns.map { TextWidth.of($0.title) }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], TextWidth.of(cell))
            }
        }
        let gaps = 2 * max(0, columns.count - 1)
        var excess = widths.reduce(0, +) + gaps - width
        // Shrink the widest flexible column first, one column at a time.
        while excess > 0 {
            guard let index = columns.indices
                .filter({ columns[$0].flexible && widths[$0] > columns[$0].minimum })
                .max(by: { widths[$0] < widths[$1] }) else { break }
            widths[index] -= 1
            excess -= 1
        }
        return widths
    }

    public func render(width: Int, style: Style) -> String {
        let widths = widths(for: width)
        var lines: [String] = []
        func line(_ cells: [String], row: Int?) -> String {
            var parts: [String] = []
            for (index, column) in columns.enumerated() {
                let cell = index < cells.count ? cells[index] : ""
                let fitted = column.rightAligned ? TextWidth.fitRight(cell, widths[index]) : TextWidth.fit(cell, widths[index])
                if let row, let paint { parts.append(paint(row, index, fitted)) } else { parts.append(fitted) }
            }
            return TextWidth.trimTrailing(parts.joined(separator: "  "))
        }
        lines.append(style.bold(line(columns.map(\.title), row: nil)))
        for (index, row) in rows.enumerated() { lines.append(line(row, row: index)) }
        return lines.joined(separator: "\n") + "\n"
    }
}
