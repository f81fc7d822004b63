import DeepBayesCore

/// A Bayes-by-Backprop fully connected layer (Blundell et al. 2015): a mean-field Gaussian
/// `N(μ, softplus(ρ)²)` over every weight (`[inputs, outputs]`) and bias, a prior, and an
/// estimator. Each sampling forward pass adds its KL term to the `ForwardContext`; see
/// `BayesianObjective` for how that KL enters the minibatch loss.
public final class BayesDense: BiasActivationLayer {
    /// The default initial `ρ`: `σ = softplus(-4) ≈ 0.018`, small beside the weights but
    /// large enough that predictions visibly vary between samples.
    public static let defaultRhoInitial: Float = -4

    public let weight: GaussianPosterior
    public let bias: GaussianPosterior
    public let prior: WeightPrior
    public let estimator: BayesianEstimator
    private var core: BayesianLinearCore { BayesianLinearCore(weight: weight, bias: bias, prior: prior, estimator: estimator) }

    public init(inputs: Int, outputs: Int, prior: WeightPrior, estimator: BayesianEstimator = .reparameterization,
                rhoInitial: Float = BayesDense.defaultRhoInitial, initialization: WeightInitialization = .heUniform,
                _ initializer: ParameterInitializer) throws {
        weight = try GaussianPosterior(Shape.validated([inputs, outputs], for: "BayesDense"), fanIn: inputs, initialization: initialization, rhoInitial: rhoInitial, initializer)
        bias = try GaussianPosterior([outputs], fanIn: inputs, initialization: nil, rhoInitial: rhoInitial, initializer)
        self.prior = prior
        self.estimator = estimator
    }

    public func callAsFunction(_ input: Variable, _ context: ForwardContext, activation: UnaryOp?) throws -> Variable {
        try core.forward(input, context, activation: activation) { x, w in try context.tape.matmul(x, w) }
    }

    public var namedParameters: [NamedParameter] { core.namedParameters }
}

/// A Bayes-by-Backprop 2-D convolution: a mean-field Gaussian over every filter weight
/// (`[outChannels, inChannels, kh, kw]`) and bias, as `BayesDense` does for matrices.
/// Local reparameterization works here too: the convolution is linear in the filter. Flipout
/// is for dense layers only (its signs here would need per-channel broadcasting).
public final class BayesConv2D: BiasActivationLayer {
    public let weight: GaussianPosterior
    public let bias: GaussianPosterior
    public let prior: WeightPrior
    public let estimator: BayesianEstimator
    public let window: ConvolutionWindow
    private var core: BayesianLinearCore { BayesianLinearCore(weight: weight, bias: bias, prior: prior, estimator: estimator) }

    public init(inChannels: Int, outChannels: Int, window: ConvolutionWindow, prior: WeightPrior,
                estimator: BayesianEstimator = .reparameterization, rhoInitial: Float = BayesDense.defaultRhoInitial,
                initialization: WeightInitialization = .heUniform, _ initializer: ParameterInitializer) throws {
        guard estimator != .flipout else {
            throw DeepBayesError.invalidArgument(operation: "BayesConv2D", reason: "flipout is implemented for dense layers; use reparameterization or localReparameterization")
        }
        let fanIn = inChannels * window.height * window.width
        weight = try GaussianPosterior(Shape.validated([outChannels, inChannels, window.height, window.width], for: "BayesConv2D"), fanIn: fanIn,
                                       initialization: initialization, rhoInitial: rhoInitial, initializer)
        bias = try GaussianPosterior([outChannels], fanIn: fanIn, initialization: nil, rhoInitial: rhoInitial, initializer)
        self.prior = prior
        self.estimator = estimator
        self.window = window
    }

    public func callAsFunction(_ input: Variable, _ context: ForwardContext, activation: UnaryOp?) throws -> Variable {
        try core.forward(input, context, activation: activation) { x, w in
            try context.tape.conv2d(x, w, stride: window.stride, padding: window.padding)
        }
    }

    public var namedParameters: [NamedParameter] { core.namedParameters }
}
