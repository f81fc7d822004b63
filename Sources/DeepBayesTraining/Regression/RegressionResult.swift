import DeepBayesNN
import Foundation

/// One model's prediction over the grid, summarized per input: the moments of the passes
/// (`RegressionPasses.moments`), the quantiles of the predictive mixture, and the 2.5% and
/// 97.5% quantiles of the sampled means (the epistemic band).
public struct RegressionResult {
    public let method: RegressionExperiment.Method
    public let x: [Double]
    public let mean: [Double]
    public let epistemicVariance: [Double]
    public let aleatoricVariance: [Double]
    /// The predictive quantiles at `RegressionResult.levels`, one array per level.
    public let quantiles: [[Double]]
    /// The 2.5% and 97.5% quantiles of the sampled means.
    public let epistemicLow: [Double], epistemicHigh: [Double]
    /// The training loss after the last step, and the training time.
    public let loss: Float
    public let seconds: Double
    /// The sampled passes behind the figures (one for a plain network).
    public let passCount: Int

    /// The predictive quantiles kept: 2.5%, 25%, 50%, 75%, 97.5%.
    public static let levels = [0.025, 0.25, 0.5, 0.75, 0.975]

    /// Summarizes `passes` over the inputs `x`.
    public init(method: RegressionExperiment.Method, x: [Double], passes: RegressionPasses, loss: Float, seconds: Double) throws {
        self.method = method
        self.x = x
        self.loss = loss
        self.seconds = seconds
        passCount = passes.means.count
        let moments = passes.moments
        mean = moments.mean.map(Double.init)
        epistemicVariance = moments.epistemicVariance.map(Double.init)
        aleatoricVariance = moments.aleatoricVariance.map(Double.init)
        quantiles = try Self.levels.map { level in try x.indices.map { try passes.predictive(at: $0).quantile(level) } }
        epistemicLow = try x.indices.map { try passes.sampledMeans(at: $0).quantile(0.025) }
        epistemicHigh = try x.indices.map { try passes.sampledMeans(at: $0).quantile(0.975) }
    }

    /// The predictive quantile at `level` (one of `levels`) for every input.
    public func quantile(_ level: Double) -> [Double] {
        quantiles[Self.levels.firstIndex(of: level)!]
    }

    /// The width of the epistemic 95% band at every input.
    public var epistemicWidth: [Double] { zip(epistemicHigh, epistemicLow).map(-) }

    /// `predictions.csv`: a header, then one line per model and input.
    public static func csv(_ results: [RegressionResult]) -> String {
        var lines = ["x,model,mean,median,q25,q75,q025,q975,epistemic_q025,epistemic_q975,epistemic_variance,aleatoric_variance"]
        for result in results {
            for i in result.x.indices {
                let numbers = [result.mean[i], result.quantiles[2][i], result.quantiles[1][i], result.quantiles[3][i], result.quantiles[0][i],
                               result.quantiles[4][i], result.epistemicLow[i], result.epistemicHigh[i], result.epistemicVariance[i], result.aleatoricVariance[i]]
                lines.append(([String(format: "%.3f", result.x[i]), result.method.rawValue] + numbers.map { String(format: "%.6g", $0) }).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `summary.json`: the run's settings and, per model, what must show: the epistemic band widens
/// outside the training range (`wideningRatio`, the epistemic 95% width at x = 1.2 over its
/// mean on [0, 0.5]), the plain network has none, and on the heteroscedastic curve the learned
/// noise standard deviation `√(aleatoric variance)` follows the true `σ(x)` on [0, 0.5].
public struct RegressionSummary: Codable, Sendable {
    /// One model's figures.
    public struct Model: Codable, Sendable {
        public let model: String
        public let finalLoss: Double
        public let trainSeconds: Double
        /// The mean epistemic 95% width on the training range, and the width at x = 1.2.
        public let epistemicWidthInside: Double
        public let epistemicWidthAtEnd: Double
        /// `epistemicWidthAtEnd / epistemicWidthInside`; nil for a model without a band.
        public let wideningRatio: Double?
        /// The mean and the largest `|σ̂(x) − σ(x)| / σ(x)` on the training range (heteroscedastic curve, learned noise).
        public let aleatoricMeanRelativeError: Double?
        public let aleatoricWorstRelativeError: Double?
        /// Whether the model shows what it must: a widening of at least `requiredWidening` (sampling
        /// models), no band at all (the plain network), and the noise within `aleatoricTolerance`.
        public let passes: Bool
    }

    public let curve: String
    public let points: Int
    public let steps: Int
    public let learningRate: Double
    public let hidden: [Int]
    public let samples: Int
    public let seed: UInt64
    public let requiredWidening: Double
    public let aleatoricTolerance: Double
    public let models: [Model]
    /// Whether every model passes.
    public let passes: Bool

    init(curve: ToyCurve, settings: RegressionExperiment.Settings, results: [RegressionResult]) {
        self.curve = curve.rawValue
        points = settings.points
        steps = settings.steps
        learningRate = Double(String(settings.learningRate)) ?? Double(settings.learningRate)
        hidden = settings.hidden
        samples = settings.samples
        seed = settings.seed
        requiredWidening = RegressionExperiment.requiredWidening
        aleatoricTolerance = RegressionExperiment.aleatoricTolerance
        models = results.map { result in
            let inside = result.x.indices.filter { ToyCurve.trainingRange.contains(result.x[$0]) }
            let widths = result.epistemicWidth
            let widthInside = inside.map { widths[$0] }.reduce(0, +) / Double(inside.count), widthAtEnd = widths[widths.count - 1]
            let ratio = result.method.samplesPredictions ? widthAtEnd / widthInside : nil
            var meanError: Double?, worstError: Double?
            if result.method != .mlp, curve.noiseStandardDeviation(0) != nil {
                let errors = inside.map { i in abs(result.aleatoricVariance[i].squareRoot() - curve.noiseStandardDeviation(result.x[i])!) / curve.noiseStandardDeviation(result.x[i])! }
                meanError = errors.reduce(0, +) / Double(errors.count)
                worstError = errors.max()
            }
            let shows = result.method.samplesPredictions ? (ratio ?? 0) >= RegressionExperiment.requiredWidening : widths.allSatisfy { $0 == 0 }
            let noiseFollows = worstError.map { $0 <= RegressionExperiment.aleatoricTolerance } ?? true
            return Model(model: result.method.rawValue, finalLoss: Double(result.loss), trainSeconds: result.seconds, epistemicWidthInside: widthInside,
                         epistemicWidthAtEnd: widthAtEnd, wideningRatio: ratio, aleatoricMeanRelativeError: meanError,
                         aleatoricWorstRelativeError: worstError, passes: shows && noiseFollows)
        }
        passes = models.allSatisfy(\.passes)
    }

    /// The table `deepbayes regression` prints: a line per model.
    public var table: String {
        func padded(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        var lines = [padded("model", 11) + padded("95% epistemic width inside", 28) + padded("at x = 1.2", 12) + padded("ratio", 9)
                     + padded("noise error mean / worst", 26) + "passes"]
        for model in models {
            let ratio = model.wideningRatio.map { String(format: "%.1fx", $0) } ?? "no band"
            let noise = model.aleatoricMeanRelativeError.map { String(format: "%.1f%% / %.1f%%", 100 * $0, 100 * (model.aleatoricWorstRelativeError ?? 0)) } ?? "-"
            lines.append(padded(model.model, 11) + padded(String(format: "%.4f", model.epistemicWidthInside), 28)
                         + padded(String(format: "%.4f", model.epistemicWidthAtEnd), 12) + padded(ratio, 9) + padded(noise, 26) + (model.passes ? "yes" : "no"))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
