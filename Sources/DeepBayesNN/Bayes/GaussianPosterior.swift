import DeepBayesCore

/// The mean-field posterior `q(w) = N(μ, softplus(ρ)²)` over one weight or bias tensor.
public final class GaussianPosterior {
    public let mu: Parameter
    public let rho: Parameter

    /// `μ` from `initialization`, every `ρ` equal to `rhoInitial` (`σ = softplus(ρ)`).
    init(_ shape: Shape, fanIn: Int, initialization: WeightInitialization?, rhoInitial: Float,
         _ initializer: ParameterInitializer) throws {
        mu = try initialization?.draw(shape, fanIn: fanIn, initializer) ?? initializer.constant(shape, 0)
        rho = try initializer.constant(shape, rhoInitial)
    }

    /// The posterior with means `mu` (a parameter already drawn) and every `ρ` equal to `rhoInitial`.
    init(mu: Parameter, rhoInitial: Float, _ initializer: ParameterInitializer) throws {
        self.mu = mu
        rho = try initializer.constant(mu.shape, rhoInitial)
    }

    /// A reparameterized sample and its KL term against `prior` (`Tape.sampleWithKL`), from the
    /// pass's next random stream; for passes that sample weights.
    func sampleWithKL(prior: WeightPrior, _ context: ForwardContext) throws -> (sample: Variable, kl: Variable) {
        let tape = context.tape
        return try tape.sampleWithKL(mu: tape.watch(mu), rho: tape.watch(rho), prior: prior, random: context.nextRandomStream())
    }

    /// The KL term of this tensor against `prior` for a pass that samples no weights (local
    /// reparameterization): the closed form of a Gaussian prior, or the mixture's Monte-Carlo
    /// term of a sample drawn for it alone.
    func kl(prior: WeightPrior, _ context: ForwardContext) throws -> Variable {
        guard case let .gaussian(sigma) = prior else { return try sampleWithKL(prior: prior, context).kl }
        let tape = context.tape
        return try tape.klGaussian(mu: tape.watch(mu), rho: tape.watch(rho), priorSigma: sigma)
    }

    /// `σ² = softplus(ρ)²` on the tape.
    func variance(_ context: ForwardContext) throws -> Variable {
        let tape = context.tape
        return try tape.apply(.square, tape.apply(.softplus, tape.watch(rho)))
    }

    /// `|μ| / σ` per weight: the signal-to-noise ratio used for pruning.
    public func signalToNoise(_ backend: any Backend) throws -> Tensor {
        try backend.combine(.divide, backend.apply(.abs, mu.value), backend.apply(.softplus, rho.value))
    }
}

/// The part every Bayesian layer shares: posteriors over a weight and a per-output bias, and
/// the forward pass through a linear map (matmul or convolution) with either estimator.
struct BayesianLinearCore {
    let weight: GaussianPosterior
    let bias: GaussianPosterior
    let prior: WeightPrior
    let estimator: BayesianEstimator

    /// `activation(map(x, w) + b)` (no activation when nil) with sampled `w` and `b`, adding
    /// the KL of both to the context when it samples; the activation is fused into the bias add
    /// where that add is the last step. `map` is linear in `w`, so local reparameterization
    /// samples `map(x, μ) + μ_b` with variance `map(x², σ²) + σ_b²`, and the activation follows
    /// that sample.
    func forward(_ input: Variable, _ context: ForwardContext, activation: UnaryOp?,
                 map: (Variable, Variable) throws -> Variable) throws -> Variable {
        let tape = context.tape
        guard context.samplesWeights else {
            return try tape.addBias(map(input, tape.watch(weight.mu)), tape.watch(bias.mu), activation: activation)
        }
        switch estimator {
        case .reparameterization:
            let w = try weight.sampleWithKL(prior: prior, context), b = try bias.sampleWithKL(prior: prior, context)
            let output = try tape.addBias(map(input, w.sample), b.sample, activation: activation)
            context.addKL(try tape.add(w.kl, b.kl))
            return output
        case .localReparameterization:
            let mean = try tape.add(map(input, tape.watch(weight.mu)), tape.watch(bias.mu), alongAxis: 1)
            let variance = try tape.add(map(tape.apply(.square, input), weight.variance(context)), bias.variance(context), alongAxis: 1)
            let sample = try tape.sampleLocal(mean: mean, variance: variance, random: context.nextRandomStream())
            context.addKL(try tape.add(weight.kl(prior: prior, context), bias.kl(prior: prior, context)))
            return try activation.map { try tape.apply($0, sample) } ?? sample
        case .flipout:
            let w = try weight.sampleWithKL(prior: prior, context), b = try bias.sampleWithKL(prior: prior, context)
            let perturbation = try tape.subtract(w.sample, tape.watch(weight.mu))
            let mean = try map(input, tape.watch(weight.mu))
            let noise = try map(tape.multiply(input, randomSigns(input.shape, context)), perturbation)
            let output = try tape.addBias(tape.add(mean, tape.multiply(noise, randomSigns(noise.shape, context))), b.sample, activation: activation)
            context.addKL(try tape.add(w.kl, b.kl))
            return output
        }
    }

    /// Independent ±1 with equal odds, `sign(u - ½)` for `u` uniform in (0, 1]; `u = ½` exactly
    /// (probability 2⁻²⁴) gives 0, which leaves that one perturbation out.
    private func randomSigns(_ shape: Shape, _ context: ForwardContext) throws -> Variable {
        let backend = context.backend
        let uniform = try backend.randomUniform(shape, context.nextRandomStream())
        return context.tape.constant(try backend.apply(.sign, backend.scaled(uniform, by: 1, plus: -0.5)))
    }

    var namedParameters: [NamedParameter] {
        [NamedParameter("weight_mu", weight.mu), NamedParameter("weight_rho", weight.rho),
         NamedParameter("bias_mu", bias.mu), NamedParameter("bias_rho", bias.rho)]
    }
}
