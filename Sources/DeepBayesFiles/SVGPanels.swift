import DeepBayesCore
import Foundation

/// Several `SVGChart`s in one SVG file, laid out in rows: row `r` holds its charts side by side,
/// left to right, below the rows before it. Each chart keeps its own size and is drawn as a
/// nested `<svg>` inside a `<g transform="translate(x y)">`; the file is as wide as the widest
/// row and as high as the rows together.
public struct SVGPanels: Sendable {
    public var rows: [[SVGChart]]

    /// The charts in `rows`, top to bottom, each row left to right.
    public init(rows: [[SVGChart]]) {
        self.rows = rows
    }

    /// The SVG document; `invalidArgument` when there is no chart, or as `SVGChart.svg()`.
    public func svg() throws -> String {
        guard rows.contains(where: { !$0.isEmpty }) else {
            throw DeepBayesError.invalidArgument(operation: "SVGPanels", reason: "there is no chart to draw")
        }
        var body: [String] = [], top = 0.0, width = 0.0
        for row in rows where !row.isEmpty {
            var left = 0.0
            for chart in row {
                body.append("<g transform=\"translate(\(SVGChart.number(left)) \(SVGChart.number(top)))\">\n\(try chart.svg())</g>")
                left += chart.width
            }
            width = max(width, left)
            top += row.map(\.height).max() ?? 0
        }
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(SVGChart.number(width))" height="\(SVGChart.number(top))" \
        viewBox="0 0 \(SVGChart.number(width)) \(SVGChart.number(top))">
        \(body.joined(separator: "\n"))
        </svg>

        """
    }

    /// Writes `svg()` to `url` atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(svg().utf8), to: url)
    }
}
