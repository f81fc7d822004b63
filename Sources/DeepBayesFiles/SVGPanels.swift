import DeepBayesCore
import Foundation

/// Several `SVGChart`s in one SVG file, laid out in rows under an optional title line: chart
/// `j` of row `i` sits in column `j`, each column as wide as its widest chart and each row as
/// high as its highest. A row may hold fewer charts than another (its last cells stay empty).
/// Each chart is its own `<svg>` document nested at its cell's corner.
public struct SVGPanels: Sendable {
    /// The charts, top row first, each row left to right.
    public var rows: [[SVGChart]]
    /// A heading above the grid; nil for none.
    public var title: String?

    /// The height of the title line, in pixels.
    static let titleHeight = 30.0

    /// The charts `rows` gives, under `title` if one is given.
    public init(rows: [[SVGChart]], title: String? = nil) {
        self.rows = rows
        self.title = title
    }

    /// `charts` in rows of `columns` (the last row may be shorter); `invalidArgument` for a
    /// column count below 1.
    public init(charts: [SVGChart], columns: Int, title: String? = nil) throws {
        guard columns >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "SVGPanels", reason: "needs at least one column, got \(columns)")
        }
        self.init(rows: stride(from: 0, to: charts.count, by: columns).map { Array(charts[$0..<min($0 + columns, charts.count)]) }, title: title)
    }

    /// The SVG document.
    /// - Throws: `DeepBayesError.invalidArgument` when there is no chart, and what a chart's
    ///   `svg()` throws.
    public func svg() throws -> String {
        let rows = self.rows.filter { !$0.isEmpty }
        guard !rows.isEmpty else {
            throw DeepBayesError.invalidArgument(operation: "SVGPanels", reason: "there is no chart to draw")
        }
        let columns = rows.map(\.count).max()!
        let widths = (0..<columns).map { column in rows.compactMap { column < $0.count ? $0[column].width : nil }.max()! }
        let heights = rows.map { $0.map(\.height).max()! }
        let top = title == nil ? 0 : Self.titleHeight
        let width = widths.reduce(0, +), height = top + heights.reduce(0, +)
        var body = ["<rect width=\"\(SVGChart.number(width))\" height=\"\(SVGChart.number(height))\" fill=\"white\"/>"]
        if let title {
            body.append("<text x=\"\(SVGChart.number(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"17\">\(SVGChart.escaped(title))</text>")
        }
        for (row, charts) in rows.enumerated() {
            for (column, chart) in charts.enumerated() {
                let x = widths[..<column].reduce(0, +), y = top + heights[..<row].reduce(0, +)
                let nested = try chart.svg().replacingOccurrences(of: "<svg ", with: "<svg x=\"\(SVGChart.number(x))\" y=\"\(SVGChart.number(y))\" ",
                                                                   options: .anchored)
                body.append(nested.trimmingCharacters(in: .newlines))
            }
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
