import DeepBayesCore
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import Foundation

/// `deepbayes regression`: trains regressors on a `ToyCurve` and shows where they are unsure.
///
/// Every model is trained full-batch with Adam on the curve's points (`RegressionModel.fit`),
/// then predicts a grid of `gridPoints` inputs over `ToyCurve.predictionRange` with `samples`
/// sampled passes (`RegressionModel.predict`). At each
/// input the predictive distribution is the mixture `(1/T) Σ_t N(μ_t, σ_t²)` of the passes
/// (`GaussianMixture`); its median, quartiles and 2.5% / 97.5% quantiles are found by
/// bisection on the mixture's CDF. The epistemic 95% band is the 2.5% to 97.5% range of the
/// sampled means `μ_t` alone; the aleatoric one is `mean ± 1.96 √(mean σ_t²)`.
public struct RegressionExperiment {
    /// A model of the comparison.
    public enum Method: String, CaseIterable, Sendable {
        /// Bayes by Backprop, local reparameterization, learned noise.
        case bnn
        /// MC dropout, learned noise.
        case mcdropout
        /// A plain network: a point prediction, no band.
        case mlp

        /// Whether its passes differ, so that it has an epistemic band.
        public var samplesPredictions: Bool { self != .mlp }
    }

    /// The numbers of a run; `defaults(for:)` gives those the figures in the docs were made with.
    public struct Settings: Sendable {
        /// Training points drawn from the curve.
        public var points: Int
        /// Full-batch Adam steps per model.
        public var steps: Int
        public var learningRate: Float
        /// What the learning rate is multiplied by over the run (geometrically, step by step).
        public var learningRateDecay: Float
        public var hidden: [Int]
        /// Sampled passes per prediction.
        public var samples: Int
        /// The seed of the data, the initial weights, the training noise and the prediction passes.
        public var seed: UInt64
        /// The prior of the Bayesian weights.
        public var prior: WeightPrior
        /// The initial `ρ` of every Bayesian weight (`σ = softplus(ρ)`).
        public var rhoInitial: Float
        /// The dropout probability of MC dropout.
        public var dropout: Float

        /// The defaults for `curve`: 2 × 64 relu units, 10,000 steps from 0.01 down to 0.001, 200 passes, a
        /// `N(0, 1)` prior, ρ₀ = −5 and dropout 0.1; 200 points of Blundell's curve and 2000 of
        /// the heteroscedastic one (its noise needs more points to be learned within 20%).
        public static func defaults(for curve: ToyCurve) -> Settings {
            Settings(points: curve == .blundell ? 200 : 2000, steps: 10_000, learningRate: 0.01, learningRateDecay: 0.1, hidden: [64, 64],
                     samples: 200, seed: 1, prior: .gaussian(sigma: 1), rhoInitial: -5, dropout: 0.1)
        }
    }

    /// Inputs of the prediction grid, evenly spaced over `ToyCurve.predictionRange` (every 0.005).
    public static let gridPoints = 281
    /// The epistemic 95% width at the end of the grid (x = 1.2) must be at least this many
    /// times its mean over the training range.
    public static let requiredWidening = 5.0
    /// The learned noise standard deviation must lie within this fraction of the true one
    /// over the training range (the heteroscedastic curve).
    public static let aleatoricTolerance = 0.2

    public let curve: ToyCurve
    public let methods: [Method]
    public let settings: Settings

    /// The comparison of `methods` on `curve` with `settings`.
    public init(curve: ToyCurve, methods: [Method], settings: Settings) {
        self.curve = curve
        self.methods = methods
        self.settings = settings
    }

    /// The grid's inputs.
    public static var grid: [Double] {
        let range = ToyCurve.predictionRange
        return (0..<gridPoints).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(gridPoints - 1) }
    }

    /// The kind and the noise of `method`'s model.
    func modelKind(_ method: Method) -> (kind: RegressionModel.Kind, noise: RegressionModel.Noise) {
        switch method {
        case .bnn: return (.bayesian(prior: settings.prior, estimator: .localReparameterization), .learned)
        case .mcdropout: return (.mcDropout(p: settings.dropout), .learned)
        case .mlp: return (.deterministic, .none)
        }
    }

    /// The model `method` stands for, with initial values from the settings' seed.
    public func model(_ method: Method, on backend: any Backend) throws -> RegressionModel {
        let (kind, noise) = modelKind(method)
        return try RegressionModel(hidden: settings.hidden, kind: kind, noise: noise, rhoInitial: settings.rhoInitial,
                                   ParameterInitializer(backend: backend, seed: settings.seed))
    }

    /// What training and predicting the largest of the models holds, estimated from the
    /// settings alone (nothing is built): on the device every parameter four times (its value,
    /// its gradient and Adam's two moments) and per training point the activations three times
    /// (forward values, gradients, a temporary), six times for Bayes by Backprop (local
    /// reparameterization adds a mean and a variance per unit); on the host the data (`x`, `y`
    /// and the noise) and the kept passes, `samples × gridPoints` means and noise variances.
    public func memory() -> MemoryBudget {
        let points = Double(settings.points), samples = Double(settings.samples), grid = Double(Self.gridPoints)
        var budget = MemoryBudget(host: MemoryBudget.floats(4 * points + 2 * samples * grid))
        for method in methods {
            let (kind, noise) = modelKind(method)
            let size = RegressionModel.size(hidden: settings.hidden, kind: kind, noise: noise)
            let perPoint = (method == .bnn ? 6 : 3) * size.activationsPerItem
            budget.device = max(budget.device, MemoryBudget.floats(4 * size.parameters + max(points, grid) * perPoint))
            budget.largestTensor = max(budget.largestTensor, MemoryBudget.floats(max(size.largestParameter, max(points, grid) * size.largestActivationPerItem)))
        }
        return budget
    }

    /// Runs the comparison: draws the curve's points, trains and predicts every method, and
    /// writes into `output` (created if need be) `regression.svg` (`RegressionPlot`),
    /// `predictions.csv`, `summary.json` and `<method>.safetensors`. `log` receives a line per
    /// trained model.
    public func run(on backend: any Backend, output: URL, log: (String) -> Void = { _ in }) throws -> RegressionSummary {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let data = curve.sample(count: settings.points, seed: settings.seed)
        let grid = Self.grid
        let gridTensor = try backend.tensor(grid.map(Float.init), shape: [grid.count, 1])
        var results: [RegressionResult] = []
        for method in methods {
            let model = try self.model(method, on: backend)
            let start = Date()
            let loss = try model.fit(x: data.x, y: data.y, steps: settings.steps, learningRate: settings.learningRate,
                                     finalFactor: settings.learningRateDecay, seed: settings.seed, on: backend)
            let seconds = Date().timeIntervalSince(start)
            let passes = try model.predict(inputs: gridTensor, samples: settings.samples, seed: settings.seed)
            let result = try RegressionResult(method: method, x: grid, passes: passes, loss: loss, seconds: seconds)
            try RegressionCheckpoint.save(model, description: description(method), to: output.appendingPathComponent("\(method.rawValue).safetensors"))
            log("\(method.rawValue): \(settings.steps) steps in \(String(format: "%.1f", seconds)) s, final loss \(String(format: "%.4f", loss))")
            results.append(result)
        }
        try RegressionPlot(curve: curve, data: (data.x, data.y), results: results).write(to: output.appendingPathComponent("regression.svg"))
        try AtomicFile.write(Data(RegressionResult.csv(results).utf8), to: output.appendingPathComponent("predictions.csv"))
        let summary = RegressionSummary(curve: curve, settings: settings, results: results)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(summary), to: output.appendingPathComponent("summary.json"))
        return summary
    }

    /// What a checkpoint records of `method`'s model and its training.
    func description(_ method: Method) -> RegressionCheckpoint.Description {
        let prior: String
        switch settings.prior {
        case let .gaussian(sigma): prior = "gaussian(sigma: \(sigma))"
        case let .scaleMixture(mixture): prior = "mixture(pi: \(mixture.pi), sigma1: \(mixture.sigma1), sigma2: \(mixture.sigma2))"
        }
        let noise: String
        switch modelKind(method).noise {
        case .learned: noise = "learned"
        case let .fixed(logVariance): noise = "fixed(logVariance: \(logVariance))"
        case .none: noise = "none"
        }
        return RegressionCheckpoint.Description(
            model: method.rawValue, curve: curve.rawValue, hidden: settings.hidden, noise: noise,
            prior: method == .bnn ? prior : nil, rhoInitial: method == .bnn ? settings.rhoInitial : nil,
            dropout: method == .mcdropout ? settings.dropout : nil, points: settings.points, steps: settings.steps,
            learningRate: settings.learningRate, learningRateDecay: settings.learningRateDecay, seed: settings.seed)
    }
}
