import DeepBayesCore
import DeepBayesNN

/// A regressor of one input: `x → hidden layers (relu) → μ(x)` and, for a learned noise, a
/// second head `λ(x) = log σ²(x)` on the same features. Its weights are Bayes by Backprop
/// posteriors (`bayesian`), point weights with dropout kept on at prediction (`mcDropout`), or
/// point weights alone (`deterministic`).
///
/// The per-item training loss over `N` items `(xᵢ, yᵢ)` is
///
///     L = (1/N) [ Σᵢ ½ (λ(xᵢ) + (yᵢ − μ(xᵢ))² e^{−λ(xᵢ)} + log 2π)  +  β πᵦ KL(q ‖ p) ]
///
/// the heteroscedastic Gaussian negative log-likelihood (`Tape.gaussianNLL`) summed over the
/// items, plus, for the Bayesian model, the KL of the weight posterior against the prior
/// weighted as `BayesianObjective` states (`πᵦ = 1` and `β = 1` for one full batch: the
/// negative ELBO), all divided by `N` so that learning rates read as for a mean loss. With a
/// fixed noise `λ` is the constant `λ₀`; without a noise model the loss is the mean of
/// `½ (yᵢ − μ(xᵢ))²` (the NLL at unit variance without its constant: the same minimizer `μ`).
public final class RegressionModel {
    /// How the network expresses uncertainty about its weights.
    public enum Kind: Sendable {
        /// Every weight has a mean-field Gaussian posterior (Blundell et al. 2015).
        case bayesian(prior: WeightPrior, estimator: BayesianEstimator)
        /// Dropout with probability `p` after every hidden layer, also at prediction time
        /// (Gal & Ghahramani 2016).
        case mcDropout(p: Float)
        /// Point weights: one prediction, no spread between passes.
        case deterministic
    }

    /// The observation noise the likelihood assumes.
    public enum Noise: Sendable {
        /// A log-variance head `λ(x)`: the noise is learned and may change with the input.
        case learned
        /// The same log-variance `λ₀` for every input, not learned.
        case fixed(logVariance: Float)
        /// No noise model: the network predicts the mean alone (a point prediction).
        case none
    }

    public let kind: Kind
    public let noise: Noise
    public let hidden: [Int]
    /// The hidden layers (with dropout after each for `mcDropout`).
    public let trunk: Sequential
    public let meanHead: any Layer
    /// The head of `λ(x)`, present for `Noise.learned` only.
    public let logVarianceHead: (any Layer)?

    /// The network for `kind` and `noise`, with `hidden` units per hidden layer (at least one
    /// layer, every width at least 1; `invalidArgument` otherwise) and initial values from
    /// `initializer`; Bayesian layers start at `σ = softplus(rhoInitial)`.
    public init(hidden: [Int], kind: Kind, noise: Noise, rhoInitial: Float = BayesDense.defaultRhoInitial, _ initializer: ParameterInitializer) throws {
        guard !hidden.isEmpty, hidden.allSatisfy({ $0 >= 1 }) else {
            throw DeepBayesError.invalidArgument(operation: "RegressionModel", reason: "hidden widths \(hidden) must be at least one layer of at least 1 unit")
        }
        self.kind = kind
        self.noise = noise
        self.hidden = hidden
        let posterior: (prior: WeightPrior, estimator: BayesianEstimator)?
        if case let .bayesian(prior, estimator) = kind { posterior = (prior, estimator) } else { posterior = nil }
        func dense(_ inputs: Int, _ outputs: Int) throws -> any Layer {
            try DenseLayers.make(inputs: inputs, outputs: outputs, posterior: posterior, rhoInitial: rhoInitial, initializer)
        }
        var layers: [any Layer] = []
        var width = 1
        for units in hidden {
            layers += [try dense(width, units), try Activation(.relu)]
            if case let .mcDropout(p) = kind { layers.append(try Dropout(p, monteCarlo: true)) }
            width = units
        }
        trunk = Sequential(layers)
        meanHead = try dense(width, 1)
        if case .learned = noise { logVarianceHead = try dense(width, 1) } else { logVarianceHead = nil }
    }

    /// The sizes of the network `init` builds for `hidden`, `kind` and `noise` (Bayesian: every
    /// weight and bias has μ and ρ; MC dropout: a mask after every hidden layer), worked out
    /// without building it.
    public static func size(hidden: [Int], kind: Kind, noise: Noise) -> ModelSize {
        var copies = 1.0, dropout = false
        switch kind {
        case .bayesian: copies = 2
        case .mcDropout: dropout = true
        case .deterministic: break
        }
        var size = ModelSize()
        let width = size.denseStack(from: 1, hidden: hidden, copies: copies, dropout: dropout)
        size.dense(width, 1, copies: copies)
        if case .learned = noise { size.dense(width, 1, copies: copies) }
        return size
    }

    /// `μ(x)` and `λ(x)` for `[N, 1]` inputs, each `[N, 1]`: `λ` is the head's for a learned
    /// noise, `λ₀` for a fixed one, nil without a noise model.
    public func callAsFunction(_ x: Variable, _ context: ForwardContext) throws -> (mean: Variable, logVariance: Variable?) {
        let features = try trunk(x, context)
        let mean = try meanHead(features, context)
        switch noise {
        case .learned: return (mean, try logVarianceHead.map { try $0(features, context) })
        case let .fixed(logVariance): return (mean, context.tape.constant(try context.backend.filled(mean.shape, value: logVariance)))
        case .none: return (mean, nil)
        }
    }

    /// The per-item loss `L` above for `[N, 1]` inputs and targets, and its two terms per item:
    /// the mean NLL and, for the Bayesian model, the weighted KL `β πᵦ KL / N` (their sum is the loss).
    public func loss(inputs: Tensor, targets: Tensor, objective: BayesianObjective, batch: Int = 0, _ context: ForwardContext) throws
        -> (loss: Variable, kl: Variable?, nll: Variable) {
        let tape = context.tape
        let (mean, logVariance) = try self(tape.constant(inputs), context)
        let nll: Variable
        if let logVariance {
            nll = try tape.gaussianNLL(mean: mean, logVariance: logVariance, targets: targets)
        } else {
            nll = try tape.scaled(tape.apply(.square, tape.subtract(mean, tape.constant(targets))), by: 0.5)
        }
        let items = Float(inputs.shape[0])
        guard case .bayesian = kind else {
            let average = try tape.mean(nll)
            return (average, nil, average)
        }
        let kl = try context.totalKL()
        let loss = try tape.scaled(objective.minibatchLoss(kl: kl, negativeLogLikelihoods: nll, batch: batch, on: tape), by: 1 / items)
        return (loss, try tape.scaled(kl, by: objective.klWeight(batch: batch) / items), try tape.mean(nll))
    }

    /// Whether predictions vary from pass to pass (Bayesian weights or MC dropout).
    public var samplesPredictions: Bool {
        if case .deterministic = kind { return false }
        return true
    }

    /// `samples` sampled passes over `[N, 1]` inputs (one for a deterministic network, whatever
    /// is asked), every pass kept (`BayesianPrediction.regressionPasses`). Bayesian weights are
    /// sampled once per pass (the reparameterization estimator) whatever the training estimator:
    /// each pass is then one function of x, so the bands drawn from the passes are smooth
    /// curves. The distribution at each input is the same under either estimator; only local
    /// reparameterization's independent noise per input would make neighbouring inputs disagree.
    public func predict(inputs: Tensor, samples: Int, seed: UInt64) throws -> RegressionPasses {
        let sampler = try functionSampler(on: inputs.backend)
        return try BayesianPrediction.regressionPasses(samples: samplesPredictions ? samples : 1, seed: seed, on: inputs.backend) { context in
            try sampler(context.tape.constant(inputs), context)
        }
    }

    /// This model, or for a Bayesian one trained with another estimator, a copy of it holding
    /// the same parameter values that samples its weights by reparameterization.
    private func functionSampler(on backend: any Backend) throws -> RegressionModel {
        guard case let .bayesian(prior, estimator) = kind, estimator != .reparameterization else { return self }
        let copy = try RegressionModel(hidden: hidden, kind: .bayesian(prior: prior, estimator: .reparameterization), noise: noise,
                                       ParameterInitializer(backend: backend, seed: 0))
        for (target, source) in zip(copy.namedParameters, namedParameters) { target.parameter.value = source.parameter.value }
        return copy
    }

    /// Every parameter by its checkpoint name: `trunk.*`, `mean.*` and `log_variance.*`.
    public var namedParameters: [NamedParameter] {
        trunk.namedParameters.map { $0.prefixed("trunk") } + meanHead.namedParameters.map { $0.prefixed("mean") }
            + (logVarianceHead?.namedParameters.map { $0.prefixed("log_variance") } ?? [])
    }

    /// The parameters an optimizer updates.
    public var trainableParameters: [Parameter] { namedParameters.map(\.parameter).filter(\.isTrainable) }
}
