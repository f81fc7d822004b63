import DeepBayesCore
import Foundation

/// A two-dimensional chart written as a small, self-contained SVG file: axes with ticks at
/// "nice" steps (1, 2 or 5 × 10ᵏ), a title and axis labels, and any number of series (lines,
/// shaded bands, scatter points, histogram bars, vertical markers), each in its own colour
/// and named in a legend (a series with an empty name is left out of it). No scripts, fonts or
/// external files: any browser shows it.
///
/// A data point `(x, y)` lands at `left + (x − x₀)/(x₁ − x₀) · plotWidth` across and
/// `top + (y₁ − y)/(y₁ − y₀) · plotHeight` down, where `[x₀, x₁] × [y₀, y₁]` is the range of
/// all the series' finite values (or the one given), widened to whole ticks. Non-finite points
/// are left out.
public struct SVGChart: Sendable {
    /// One thing drawn in the plot area.
    public enum Series: Sendable {
        /// A polyline through the points, in order.
        case line(name: String, x: [Double], y: [Double])
        /// The area between `lower` and `upper` over `x`, shaded.
        case band(name: String, x: [Double], lower: [Double], upper: [Double])
        /// A dot at every point.
        case scatter(name: String, x: [Double], y: [Double])
        /// Bars from the x axis: bar `i` spans `edges[i]..<edges[i+1]` with height `heights[i]`.
        case bars(name: String, edges: [Double], heights: [Double])
        /// A vertical line across the plot at `x`.
        case marker(name: String, x: Double)

        var name: String {
            switch self {
            case let .line(name, _, _), let .band(name, _, _, _), let .scatter(name, _, _), let .bars(name, _, _), let .marker(name, _): return name
            }
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series] = []
    /// The y range to show instead of the data's (for example `0...1` for probabilities).
    public var yRange: ClosedRange<Double>?
    /// Whether x takes whole numbers only (epochs, steps): its ticks then step by 1 at least,
    /// never 0.5.
    public var wholeNumberX = false
    public var width = 640.0, height = 400.0

    /// The colours of the series, in order (then repeated): colour-blind-safe (Okabe and Ito).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    /// Colours to use instead of `palette`, series by series (then repeated): for charts whose
    /// series belong together (a class's scattered samples and its mean in one colour).
    public var colors: [String]?

    public init(title: String, xLabel: String, yLabel: String, series: [Series] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The SVG document; `invalidArgument` when a series' arrays differ in length or nothing
    /// finite is left to draw.
    public func svg() throws -> String {
        let (xs, ys) = try extents()
        let left = 70.0, right = 20.0, top = 40.0, bottom = 55.0
        let legend = series.indices.filter { !series[$0].name.isEmpty }
        let legendHeight = 18.0 * Double(legend.count)
        let plotWidth = width - left - right, plotHeight = height - top - bottom - legendHeight
        let xTicks = Self.ticks(xs, wholeNumbers: wholeNumberX), yTicks = Self.ticks(yRange ?? ys)
        let x0 = xTicks.first!, x1 = xTicks.last!, y0 = yRange?.lowerBound ?? yTicks.first!, y1 = yRange?.upperBound ?? yTicks.last!
        func px(_ x: Double) -> String { Self.number(left + (x - x0) / (x1 - x0) * plotWidth) }
        func py(_ y: Double) -> String { Self.number(top + (y1 - min(max(y, y0), y1)) / (y1 - y0) * plotHeight) }
        var body = [
            "<rect width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"white\"/>",
            "<text x=\"\(Self.number(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(Self.escaped(title))</text>",
        ]
        for tick in xTicks {
            body.append("<line x1=\"\(px(tick))\" y1=\"\(py(y0))\" x2=\"\(px(tick))\" y2=\"\(Self.number(top))\" stroke=\"#e5e5e5\"/>")
            body.append("<text x=\"\(px(tick))\" y=\"\(Self.number(top + plotHeight + 16))\" text-anchor=\"middle\">\(Self.label(tick))</text>")
        }
        for tick in yTicks where tick >= y0 && tick <= y1 {
            body.append("<line x1=\"\(Self.number(left))\" y1=\"\(py(tick))\" x2=\"\(Self.number(left + plotWidth))\" y2=\"\(py(tick))\" stroke=\"#e5e5e5\"/>")
            body.append("<text x=\"\(Self.number(left - 6))\" y=\"\(py(tick))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Self.label(tick))</text>")
        }
        for (index, item) in series.enumerated() {
            let colour = color(index)
            switch item {
            case let .line(_, x, y):
                let points = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }.map { "\(px($0.0)),\(py($0.1))" }
                body.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>")
            case let .band(_, x, lower, upper):
                let kept = x.indices.filter { x[$0].isFinite && lower[$0].isFinite && upper[$0].isFinite }
                let outline = kept.map { "\(px(x[$0])),\(py(upper[$0]))" } + kept.reversed().map { "\(px(x[$0])),\(py(lower[$0]))" }
                body.append("<polygon fill=\"\(colour)\" fill-opacity=\"0.25\" stroke=\"none\" points=\"\(outline.joined(separator: " "))\"/>")
            case let .scatter(_, x, y):
                for (a, b) in zip(x, y) where a.isFinite && b.isFinite {
                    body.append("<circle cx=\"\(px(a))\" cy=\"\(py(b))\" r=\"2\" fill=\"\(colour)\" fill-opacity=\"0.6\"/>")
                }
            case let .bars(_, edges, heights):
                for (i, h) in heights.enumerated() where h.isFinite && edges[i].isFinite && edges[i + 1].isFinite {
                    let top = py(max(h, y0)), base = py(max(min(0, y1), y0))
                    body.append("<polygon fill=\"\(colour)\" fill-opacity=\"0.7\" stroke=\"\(colour)\" points=\"\(px(edges[i])),\(base) \(px(edges[i])),\(top) \(px(edges[i + 1])),\(top) \(px(edges[i + 1])),\(base)\"/>")
                }
            case let .marker(_, x) where x.isFinite:
                body.append("<line x1=\"\(px(x))\" y1=\"\(py(y0))\" x2=\"\(px(x))\" y2=\"\(py(y1))\" stroke=\"\(colour)\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>")
            case .marker:
                break
            }
        }
        body.append("<rect x=\"\(Self.number(left))\" y=\"\(Self.number(top))\" width=\"\(Self.number(plotWidth))\" height=\"\(Self.number(plotHeight))\" fill=\"none\" stroke=\"black\"/>")
        body.append("<text x=\"\(Self.number(left + plotWidth / 2))\" y=\"\(Self.number(top + plotHeight + 36))\" text-anchor=\"middle\">\(Self.escaped(xLabel))</text>")
        body.append("<text transform=\"translate(18 \(Self.number(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escaped(yLabel))</text>")
        for (line, index) in legend.enumerated() {
            let y = top + plotHeight + 52 + 18 * Double(line), colour = color(index)
            body.append("<rect x=\"\(Self.number(left))\" y=\"\(Self.number(y - 10))\" width=\"14\" height=\"10\" fill=\"\(colour)\"/>")
            body.append("<text x=\"\(Self.number(left + 20))\" y=\"\(Self.number(y))\">\(Self.escaped(series[index].name))</text>")
        }
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.number(width))" height="\(Self.number(height))" \
        viewBox="0 0 \(Self.number(width)) \(Self.number(height))" font-family="sans-serif" font-size="12">
        \(body.joined(separator: "\n"))
        </svg>

        """
    }

    /// The colour of series `index`: from `colors` if given, else `palette`.
    private func color(_ index: Int) -> String {
        let colours = colors.flatMap { $0.isEmpty ? nil : $0 } ?? Self.palette
        return colours[index % colours.count]
    }

    /// Writes `svg()` to `url` atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(svg().utf8), to: url)
    }

    /// The ranges of the finite x and y values of all series (bars and bands include 0 and both bounds).
    private func extents() throws -> (ClosedRange<Double>, ClosedRange<Double>) {
        var xs: [Double] = [], ys: [Double] = []
        for item in series {
            switch item {
            case let .line(name, x, y), let .scatter(name, x, y):
                try Self.requireSameLength(name, x.count, y.count)
                xs += x
                ys += y
            case let .band(name, x, lower, upper):
                try Self.requireSameLength(name, x.count, lower.count)
                try Self.requireSameLength(name, x.count, upper.count)
                xs += x
                ys += lower + upper
            case let .bars(name, edges, heights):
                try Self.requireSameLength(name, edges.count, heights.count + 1)
                xs += edges
                ys += heights + [0]
            case let .marker(_, x):
                xs.append(x)
            }
        }
        xs = xs.filter(\.isFinite)
        ys = ys.filter(\.isFinite)
        guard let xMin = xs.min(), let xMax = xs.max() else {
            throw DeepBayesError.invalidArgument(operation: "SVGChart", reason: "'\(title)' has no finite point to draw")
        }
        let yMin = ys.min() ?? 0, yMax = ys.max() ?? 1
        return (xMin...xMax, yMin...yMax)
    }

    private static func requireSameLength(_ name: String, _ a: Int, _ b: Int) throws {
        guard a == b else {
            throw DeepBayesError.invalidArgument(operation: "SVGChart", reason: "series '\(name)' has \(a) and \(b) values where they must match")
        }
    }

    /// Ticks at a step of 1, 2 or 5 × 10ᵏ, about five of them, covering `range` (a range of one
    /// value is widened by one either side).
    static func ticks(_ range: ClosedRange<Double>, wholeNumbers: Bool = false) -> [Double] {
        var low = range.lowerBound, high = range.upperBound
        if high - low <= 0 { low -= 1; high += 1 }
        let rough = (high - low) / 5, magnitude = Foundation.pow(10, (Foundation.log10(rough)).rounded(.down))
        let nice = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let step = wholeNumbers ? max(nice, 1) : nice
        let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// A coordinate with two decimals at most (clamped to ±10⁶: every drawn point is finite and
    /// on the canvas or near it).
    static func number(_ value: Double) -> String {
        guard !value.isNaN else { return "0" }
        let rounded = (min(max(value, -1e6), 1e6) * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// A tick label: up to four significant digits, no trailing zeros.
    static func label(_ value: Double) -> String {
        String(format: "%.4g", abs(value) < 1e-12 ? 0 : value)
    }

    /// `text` with `&`, `<`, `>` and `"` escaped for XML.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
