import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import Foundation

/// The pictures of a Bayes-by-Backprop network's weights that `prune` writes (Blundell et al.
/// 2015, Figures 3 and 4): the density and the cumulative distribution of the signal-to-noise
/// ratio in decibels, `10 · log₁₀(|μ| / σ)`, with the pruning threshold marked, and a histogram
/// of the posterior means μ.
public enum PruningPlots {
    /// Histogram bins of every plot.
    public static let bins = 80

    /// The three charts for `network` pruned by `fraction` (its threshold is marked when it
    /// removes any weight): `snr-density`, `snr-cdf` and `weights`, by those names.
    public static func charts(of network: Sequential, fraction: Double) throws -> [(name: String, chart: SVGChart)] {
        let ratios = try SignalToNoisePruning.ratios(of: network).flatMap { $0 }
        let decibels = ratios.map { 10 * Foundation.log10(Double($0)) }
        let threshold = SignalToNoisePruning.threshold(ratios, fraction: fraction).map { 10 * Foundation.log10(Double($0)) }
        let marker = threshold.map { [SVGChart.Series.marker(name: "pruning \(percent(fraction)) of the weights: below \(String(format: "%.1f", $0)) dB", x: $0)] } ?? []
        let histogram = density(decibels)
        let density = SVGChart(title: "Signal-to-noise ratio of \(ratios.count) weights", xLabel: "10 log10(|mu| / sigma)  (dB)", yLabel: "density",
                               series: [.bars(name: "density", edges: histogram.edges, heights: histogram.heights)] + marker)
        let sorted = decibels.filter(\.isFinite).sorted()
        let steps = Swift.min(sorted.count, 400)
        let picks = (0..<steps).map { sorted[Swift.min(sorted.count - 1, $0 * sorted.count / steps)] } + [sorted.last ?? 0]
        let fractions = (0..<steps).map { Double($0 * sorted.count / steps) / Double(sorted.count) } + [1]
        var cumulative = SVGChart(title: "Cumulative distribution of the signal-to-noise ratio", xLabel: "10 log10(|mu| / sigma)  (dB)",
                                  yLabel: "fraction of the weights", series: [.line(name: "CDF", x: picks, y: fractions)] + marker)
        cumulative.yRange = 0...1
        let means = try SignalToNoisePruning.weightPosteriors(of: network).flatMap { try $0.mu.value.toArray() }.map(Double.init)
        let meanHistogram = Self.density(means)
        let weights = SVGChart(title: "Posterior means of the weights", xLabel: "mu", yLabel: "density",
                               series: [.bars(name: "density of mu over \(means.count) weights", edges: meanHistogram.edges, heights: meanHistogram.heights)])
        return [("snr-density", density), ("snr-cdf", cumulative), ("weights", weights)]
    }

    /// Writes the charts as `<prefix>snr-density.svg`, `<prefix>snr-cdf.svg` and
    /// `<prefix>weights.svg` in `folder`; returns the files written.
    @discardableResult
    public static func write(_ network: Sequential, fraction: Double, to folder: URL, prefix: String = "") throws -> [URL] {
        try charts(of: network, fraction: fraction).map { name, chart in
            let url = folder.appendingPathComponent(prefix + name + ".svg")
            try chart.write(to: url)
            return url
        }
    }

    /// A normalized histogram of the finite `values` (integrating to 1) over `bins` equal bins.
    static func density(_ values: [Double]) -> (edges: [Double], heights: [Double]) {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), !finite.isEmpty else { return ([0, 1], [0]) }
        let width = high > low ? (high - low) / Double(bins) : 1
        var counts = [Double](repeating: 0, count: bins)
        for value in finite { counts[Swift.min(bins - 1, Int((value - low) / width))] += 1 }
        return ((0...bins).map { low + Double($0) * width }, counts.map { $0 / (Double(finite.count) * width) })
    }

    static func percent(_ fraction: Double) -> String { String(format: "%g%%", fraction * 100) }
}
