import DeepBayesCore
import Foundation

/// Several `SVGChart`s in one SVG file, laid out in a grid: chart `k` (0-based) goes to row
/// `k / columns` and column `k % columns`, each cell as wide as the widest chart of its column
/// and as high as the highest of its row, under an optional title line.
public struct SVGPanels: Sendable {
    /// The charts, row after row.
    public var charts: [SVGChart]
    /// Charts per row.
    public var columns: Int
    /// A heading above the grid; nil for none.
    public var title: String?

    /// The height of the title line, in pixels.
    static let titleHeight = 30.0

    /// `charts` in rows of `columns`, under `title` if one is given (checked by `svg()`).
    public init(charts: [SVGChart], columns: Int, title: String? = nil) {
        self.charts = charts
        self.columns = columns
        self.title = title
    }

    /// The SVG document: each chart's own document nested at its cell's corner.
    /// - Throws: `DeepBayesError.invalidArgument` for no charts or a column count below 1, and
    ///   what a chart's `svg()` throws.
    public func svg() throws -> String {
        guard !charts.isEmpty, columns >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "SVGPanels", reason: "need at least one chart and one column, got \(charts.count) charts, \(columns) columns")
        }
        let rows = (charts.count + columns - 1) / columns
        let widths = (0..<min(columns, charts.count)).map { column in
            stride(from: column, to: charts.count, by: columns).map { charts[$0].width }.max() ?? 0
        }
        let heights = (0..<rows).map { row in charts[(row * columns)..<min(charts.count, (row + 1) * columns)].map(\.height).max() ?? 0 }
        let top = title == nil ? 0 : Self.titleHeight
        let width = widths.reduce(0, +), height = top + heights.reduce(0, +)
        var body = ["<rect width=\"\(SVGChart.number(width))\" height=\"\(SVGChart.number(height))\" fill=\"white\"/>"]
        if let title {
            body.append("<text x=\"\(SVGChart.number(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"17\">\(SVGChart.escaped(title))</text>")
        }
        for (index, chart) in charts.enumerated() {
            let row = index / columns, column = index % columns
            let x = widths[..<column].reduce(0, +), y = top + heights[..<row].reduce(0, +)
            let nested = try chart.svg().replacingOccurrences(of: "<svg ", with: "<svg x=\"\(SVGChart.number(x))\" y=\"\(SVGChart.number(y))\" ",
                                                               options: .anchored)
            body.append(nested.trimmingCharacters(in: .newlines))
        }
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(SVGChart.number(width))" height="\(SVGChart.number(height))" \
        viewBox="0 0 \(SVGChart.number(width)) \(SVGChart.number(height))" font-family="sans-serif" font-size="12">
        \(body.joined(separator: "\n"))
        </svg>

        """
    }

    /// Writes `svg()` to `url` atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(svg().utf8), to: url)
    }
}
