import DeepBayesFiles
import Foundation

/// `regression.svg`: a row of panels per model. The first panel shows the training points (at
/// most `drawnPoints` of them), the noiseless curve, and the model's predictive median with its
/// interquartile and 95% ranges shaded (the plain network: its prediction alone); the training
/// range is marked. On the heteroscedastic curve a model with a learned noise has a second
/// panel: its aleatoric 95% band `mean ± 1.96 σ̂(x)` and its epistemic 95% band (the sampled
/// means' 2.5% to 97.5%) drawn apart, beside the true noise band `f(x) ± 1.96 σ(x)`.
public struct RegressionPlot {
    public let curve: ToyCurve
    public let data: (x: [Float], y: [Float])
    public let results: [RegressionResult]

    /// The most training points drawn per panel: the first ones, a random subset (the points
    /// are drawn independently), so that a picture of thousands stays small.
    public static let drawnPoints = 500

    /// The picture of `results` on `curve`, trained on `data`.
    public init(curve: ToyCurve, data: (x: [Float], y: [Float]), results: [RegressionResult]) {
        self.curve = curve
        self.data = data
        self.results = results
    }

    /// The y range every panel shows: the training targets and the curve over the grid, widened
    /// by half their span either side (bands beyond it are cut at the frame).
    var yRange: ClosedRange<Double> {
        let values = data.y.map(Double.init) + RegressionExperiment.grid.map(curve.mean)
        let low = values.min() ?? 0, high = values.max() ?? 1, margin = max(high - low, 1e-3) / 2
        return (low - margin)...(high + margin)
    }

    /// The panels, a row per model.
    public var panels: SVGPanels {
        SVGPanels(rows: results.map { result in
            [predictive(result)] + (curve.noiseStandardDeviation(0) != nil && result.method != .mlp ? [decomposition(result)] : [])
        })
    }

    /// Writes the panels to `url`.
    public func write(to url: URL) throws {
        try panels.write(to: url)
    }

    private var trainingRangeMarkers: [SVGChart.Series] {
        let range = ToyCurve.trainingRange
        return [.marker(name: "training inputs from x = \(range.lowerBound)", x: range.lowerBound),
                .marker(name: "... to x = \(range.upperBound)", x: range.upperBound)]
    }

    private var truth: SVGChart.Series {
        let grid = RegressionExperiment.grid
        return .line(name: "the curve without noise", x: grid, y: grid.map(curve.mean))
    }

    private func predictive(_ result: RegressionResult) -> SVGChart {
        let x = result.x
        var series: [SVGChart.Series] = result.method.samplesPredictions
            ? [.band(name: "95% of the predictive distribution", x: x, lower: result.quantile(0.025), upper: result.quantile(0.975)),
               .band(name: "50% (interquartile)", x: x, lower: result.quantile(0.25), upper: result.quantile(0.75)),
               .line(name: "predictive median", x: x, y: result.quantile(0.5))]
            : [.line(name: "prediction (no band: point weights, no noise model)", x: x, y: result.mean)]
        let drawn = min(data.x.count, Self.drawnPoints)
        let name = drawn == data.x.count ? "\(drawn) training points" : "\(drawn) of the \(data.x.count) training points"
        series += [.scatter(name: name, x: data.x.prefix(drawn).map(Double.init), y: data.y.prefix(drawn).map(Double.init)), truth] + trainingRangeMarkers
        var chart = SVGChart(title: "\(title(result.method)) on the \(curve.rawValue) curve, \(result.method.samplesPredictions ? "T = \(result.passCount) passes" : "one pass")",
                             xLabel: "x", yLabel: "y", series: series)
        chart.yRange = yRange
        chart.height = 520
        return chart
    }

    private func decomposition(_ result: RegressionResult) -> SVGChart {
        let x = result.x, grid = RegressionExperiment.grid
        let noise = grid.map { 1.96 * curve.noiseStandardDeviation($0)! }
        let aleatoric = result.aleatoricVariance.map { 1.96 * $0.squareRoot() }
        let series: [SVGChart.Series] = [
            .band(name: "true noise: f(x) +- 1.96 sigma(x)", x: grid, lower: zip(grid, noise).map { curve.mean($0) - $1 }, upper: zip(grid, noise).map { curve.mean($0) + $1 }),
            .band(name: "aleatoric: mean +- 1.96 sqrt(mean sigma_t^2)", x: x, lower: zip(result.mean, aleatoric).map(-), upper: zip(result.mean, aleatoric).map(+)),
            .band(name: "epistemic: 2.5% to 97.5% of the sampled means", x: x, lower: result.epistemicLow, upper: result.epistemicHigh),
            .line(name: "predictive mean", x: x, y: result.mean),
        ] + trainingRangeMarkers
        var chart = SVGChart(title: "\(title(result.method)): aleatoric and epistemic 95% bands", xLabel: "x", yLabel: "y", series: series)
        chart.yRange = yRange
        chart.height = 520
        return chart
    }

    private func title(_ method: RegressionExperiment.Method) -> String {
        switch method {
        case .bnn: return "Bayes by Backprop"
        case .mcdropout: return "MC dropout"
        case .mlp: return "Plain network"
        }
    }
}
