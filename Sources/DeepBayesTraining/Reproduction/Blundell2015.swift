import DeepBayesCore
import DeepBayesNN
import Foundation

/// Blundell et al. 2015, "Weight Uncertainty in Neural Networks": the MNIST tables, the setup
/// the paper describes, and the cells of `deepbayes reproduce blundell2015`.
///
/// Every cell is a 784-u-u-10 network of ReLU units (no convolutions) trained on 50,000 MNIST
/// images, the other 10,000 held out for validation (`ValidationSplit`); its epoch is the one
/// with the lowest validation error (`best.safetensors`), and only that epoch's weights meet
/// the test set. The paper's pixels divided by 126 are kept. Ours, chosen on the validation
/// split (RESULTS.md has the runs): Adam (learning rate 10⁻³, times 0.98 every epoch) instead of
/// plain SGD, minibatches of 128, and for the Bayesian rows `kl` and `estimator`. The paper's
/// geometric KL weighting, under Adam, leaves the KL one normalised step per epoch: the
/// network trains as if unregularised, every σ grows alike, and pruning by |μ|/σ fails; the
/// whole ELBO (uniform weighting, β = 1) underfits (2.0% validation error). A tempered KL,
/// β = 0.1 spread uniformly, is better than either on validation and keeps the sparsity that
/// pruning needs. The local reparameterization estimator beat the paper's one weight sample per
/// minibatch (`--estimator reparameterization`).
public enum Blundell2015 {
    /// A row of Table 1.
    public enum Method: String, CaseIterable, Sendable {
        /// Plain maximum likelihood, no regularisation.
        case sgd
        /// Dropout (p = ½ on the hidden units) while training, all units at prediction.
        case dropout
        /// Bayes by Backprop with a Gaussian prior N(0, 1).
        case gaussian
        /// Bayes by Backprop with the scale-mixture prior π = ½, −log σ₁ = 0, −log σ₂ = 6.
        case mixture

        /// Whether the row is Bayes by Backprop (`bnn`) rather than a plain network (`mlp`).
        public var isBayesian: Bool { self == .gaussian || self == .mixture }

        /// The row's name in the paper.
        public var title: String {
            switch self {
            case .sgd: return "SGD, no regularisation"
            case .dropout: return "SGD, dropout"
            case .gaussian: return "Bayes by Backprop, Gaussian prior"
            case .mixture: return "Bayes by Backprop, scale-mixture prior"
            }
        }
    }

    /// The units per hidden layer of Table 1's columns.
    public static let units = [400, 800, 1200]

    /// Table 1: MNIST test error in percent, by method and units per layer (400, 800, 1200).
    public static func paperError(_ method: Method, units: Int) -> Double? {
        let row: [Double]
        switch method {
        case .sgd: row = [1.83, 1.84, 1.88]
        case .dropout: row = [1.51, 1.33, 1.36]
        case .gaussian: row = [1.82, 1.99, 2.04]
        case .mixture: row = [1.36, 1.34, 1.32]
        }
        return Self.units.firstIndex(of: units).map { row[$0] }
    }

    /// Table 2: the fractions of the 2x1200 scale-mixture network's weights removed by
    /// signal-to-noise ratio, and its test error in percent after each.
    public static let pruning: [(fraction: Double, paperError: Double)] = [(0, 1.24), (0.5, 1.24), (0.75, 1.24), (0.95, 1.29), (0.98, 1.39)]

    /// The images held out of the 60,000 for validation.
    public static let validationImages = 10_000

    /// The pixel scale: byte / 126.
    public static let inputScale: Float = 1 / 126

    /// One cell of Table 1: a method at a width.
    public struct Cell: Hashable, Sendable {
        public let method: Method
        public let units: Int

        public init(method: Method, units: Int) {
            self.method = method
            self.units = units
        }

        /// Its folder under the grid's `table1/`: `mixture-400`.
        public var name: String { "\(method.rawValue)-\(units)" }

        /// The model it trains, with `seed`.
        public func spec(seed: UInt64) -> ModelSpec {
            var spec = ModelSpec.defaults(for: method.isBayesian ? .bnn : .mlp)
            spec.hidden = [units, units]
            spec.inputScale = Blundell2015.inputScale
            spec.seed = seed
            switch method {
            case .sgd: spec.dropout = 0
            case .dropout: spec.dropout = 0.5
            case .gaussian: spec.prior = .gaussian(sigma: 1)
            case .mixture: spec.prior = .mixture(pi: 0.5, negativeLogSigma1: 0, negativeLogSigma2: 6)
            }
            if method.isBayesian {
                spec.estimator = Blundell2015.estimator
                spec.rhoInitial = Blundell2015.rhoInitial
            }
            return spec.normalized
        }

        /// How its epochs run: the grid's `epochs`, validation split and data, our optimizer
        /// settings, and the geometric KL weighting for the Bayesian rows.
        public func options(epochs: Int, validation: Int, trainLimit: Int?, testLimit: Int?, output: URL, data: DataSource) throws -> TrainingOptions {
            var options = try TrainingOptions(epochs: epochs, batchSize: Blundell2015.batchSize, learningRate: Blundell2015.learningRate,
                                              trainLimit: trainLimit, testLimit: testLimit, evaluationSamples: Blundell2015.validationSamples,
                                              output: output, data: data)
            options.learningRateDecay = Blundell2015.learningRateDecay
            options.validation = validation
            if method.isBayesian { options.kl = Blundell2015.kl }
            return options
        }

        /// The `deepbayes train` command line that trains this cell alone, as the grid does.
        public func trainCommand(epochs: Int, seed: UInt64, validation: Int, trainLimit: Int? = nil, output: String) -> String {
            let spec = spec(seed: seed)
            var words = ["deepbayes train", spec.kind.rawValue, "--hidden \(units) \(units)", "--epochs \(epochs)", "--validation \(validation)",
                         "--input-scale 1/126", "--lr \(Blundell2015.learningRate)", "--lr-decay \(Blundell2015.learningRateDecay)",
                         "--batch-size \(Blundell2015.batchSize)", "--seed \(seed)"]
            switch method {
            case .sgd: words.append("--dropout 0")
            case .dropout: words.append("--dropout 0.5")
            case .gaussian: words.append("--prior gaussian --prior-sigma 1")
            case .mixture: words.append("--prior mixture --pi 0.5 --neg-log-sigma1 0 --neg-log-sigma2 6")
            }
            if method.isBayesian {
                words.append("--estimator \(Blundell2015.estimator) --rho-init \(Blundell2015.rhoInitial) --kl-weighting \(Blundell2015.kl.weighting.rawValue)"
                             + " --kl-scale \(Blundell2015.kl.scale)")
            }
            if let trainLimit { words.append("--train-limit \(trainLimit)") }
            return (words + ["--out \(output)"]).joined(separator: " ")
        }
    }

    /// The Bayesian rows' KL term, estimator and initial ρ (σ = softplus(ρ)), chosen on the validation split.
    public static let kl = KLTerm(weighting: .uniform, scale: 0.1)
    public static let estimator = "local"
    public static let rhoInitial: Float = -5
    public static let batchSize = 128
    static let learningRate: Float = 0.001
    static let learningRateDecay: Float = 0.98
    /// Sampled passes of the validation after every epoch (the test uses the grid's `--samples`).
    static let validationSamples = 10
}
