import DeepBayesCore
import DeepBayesFiles
import Foundation
import Testing

/// The SVG charts that `prune` and `reproduce` draw: where data points land, which ticks the
/// axes get, escaping, and the refusal of series that cannot be drawn.
@Suite struct SVGChartTests {
    /// On the default 640x400 canvas with one series, the plot area spans x 70...620 and
    /// y 40...327 (the legend takes 18 pixels below the axis labels): a line from (0, 0) to
    /// (1, 1) runs corner to corner, and the axes are ticked 0, 0.2, ..., 1.
    @Test func pointsLandWhereTheAxesSay() throws {
        let chart = SVGChart(title: "a < b & \"c\"", xLabel: "x", yLabel: "y", series: [.line(name: "identity", x: [0, 1], y: [0, 1])])
        let svg = try chart.svg()
        #expect(svg.contains("points=\"70,327 620,40\""), "\(svg)")
        for tick in ["0", "0.2", "0.4", "0.6", "0.8", "1"] {
            #expect(svg.contains(">\(tick)</text>"), "tick \(tick) missing")
        }
        #expect(svg.contains("a &lt; b &amp; &quot;c&quot;") && !svg.contains("a < b"))
        #expect(svg.contains(">identity</text>"))
    }

    /// Every kind of series draws its element, non-finite points are left out, and ticks
    /// over a range like -37...18 fall at a step of 20.
    @Test func everySeriesKindIsDrawnAndNonFinitePointsAreSkipped() throws {
        var chart = SVGChart(title: "t", xLabel: "x", yLabel: "y", series: [
            .band(name: "band", x: [-37, 0, 18], lower: [-1, -1, -1], upper: [1, 2, 1]),
            .scatter(name: "data", x: [-10, .nan, 5], y: [0, 1, .infinity]),
            .bars(name: "bars", edges: [-30, -20, -10], heights: [0.5, 1]),
            .marker(name: "threshold", x: 3),
        ])
        chart.yRange = -2...3
        let svg = try chart.svg()
        #expect(svg.components(separatedBy: "<circle").count - 1 == 1, "the NaN and infinite points must be skipped")
        #expect(svg.contains("<polygon fill=\"#0072B2\" fill-opacity=\"0.25\""))
        #expect(svg.components(separatedBy: "fill-opacity=\"0.7\"").count - 1 == 2)
        #expect(svg.contains("stroke-dasharray"))
        for tick in ["-40", "-20", "0", "20"] { #expect(svg.contains(">\(tick)</text>"), "tick \(tick) missing") }
    }

    @Test func seriesThatCannotBeDrawnAreRefused() {
        #expect(throws: DeepBayesError.self) { try SVGChart(title: "t", xLabel: "x", yLabel: "y", series: [.line(name: "l", x: [1, 2], y: [1])]).svg() }
        #expect(throws: DeepBayesError.self) { try SVGChart(title: "t", xLabel: "x", yLabel: "y", series: [.line(name: "l", x: [.nan], y: [1])]).svg() }
        #expect(throws: DeepBayesError.self) { try SVGChart(title: "t", xLabel: "x", yLabel: "y", series: [.bars(name: "b", edges: [0, 1], heights: [1, 2])]).svg() }
    }

    @Test func chartColoursAndUnnamedSeries() throws {
        var chart = SVGChart(title: "t", xLabel: "x", yLabel: "y",
                             series: [.scatter(name: "", x: [0], y: [0]), .line(name: "mean", x: [0, 1], y: [0, 1])])
        chart.colors = ["#111111", "#222222"]
        let svg = try chart.svg()
        #expect(svg.contains("fill=\"#111111\"") && svg.contains("stroke=\"#222222\""))
        #expect(svg.components(separatedBy: "width=\"14\" height=\"10\"").count - 1 == 1)  // one legend entry: the named series
    }

    @Test func panelsPlaceChartsInAGrid() throws {
        var small = SVGChart(title: "a", xLabel: "x", yLabel: "y", series: [.line(name: "l", x: [0, 1], y: [0, 1])])
        small.width = 300
        small.height = 200
        var tall = small
        tall.height = 250
        let svg = try SVGPanels(charts: [small, tall, small], columns: 2).svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"450\""))
        #expect(svg.contains("<svg x=\"300\" y=\"0\" ") && svg.contains("<svg x=\"0\" y=\"250\" "))
        #expect(throws: DeepBayesError.self) { try SVGPanels(charts: [], columns: 2).svg() }
        #expect(throws: DeepBayesError.self) { try SVGPanels(charts: [small], columns: 0) }
        // Rows of unequal length: the short row's missing cell stays empty.
        let rows = try SVGPanels(rows: [[small, tall], [small]], title: "both").svg()
        #expect(rows.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"480\""))
        #expect(rows.contains("<svg x=\"0\" y=\"280\" ") && rows.components(separatedBy: "<svg x=").count - 1 == 3)
    }

    /// Epochs 1 to 3: plain ticks would step by 0.5; whole-number ticks step by 1.
    @Test func wholeNumberTicksNeverHalve() throws {
        var chart = SVGChart(title: "t", xLabel: "epoch", yLabel: "y", series: [.line(name: "l", x: [1, 2, 3], y: [30, 20, 10])])
        #expect(try chart.svg().contains(">1.5</text>"))
        chart.wholeNumberX = true
        let svg = try chart.svg()
        #expect(!svg.contains(">1.5</text>") && !svg.contains(">2.5</text>"))
        for tick in ["1", "2", "3"] { #expect(svg.contains(">\(tick)</text>"), "tick \(tick) missing") }
    }
}
