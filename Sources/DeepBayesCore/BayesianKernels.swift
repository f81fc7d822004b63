/// Kernels of Bayes by Backprop and the VAE. Posterior scales are `σ = softplus(ρ)`.
public protocol BayesianKernels {
    /// Reparameterized sample `w = μ + softplus(ρ)·ε` with `ε` from `randomNormal(shape, random)`.
    /// Returns `(w, ε)`; `ε` is kept for the backward pass.
    func sampleGaussian(_ mu: Tensor, _ rho: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor)
    /// `∂L/∂ρ = ∂L/∂w · ε · σ'(ρ)` with `σ'(ρ) = sigmoid(ρ)`. (`∂L/∂μ` is `∂L/∂w` itself.)
    func sampleGaussianBackward(_ rho: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor
    /// Local reparameterization: sample pre-activations `b = m + s·ε` with `s = √(v + 1e-8)` from
    /// their mean `m` and variance `v`, `ε` from `randomNormal`. Returns `(b, ε)`.
    func sampleLocal(_ mean: Tensor, _ variance: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor)
    /// `∂L/∂v = ∂L/∂b · ε / (2s)`. (`∂L/∂m` is `∂L/∂b` itself.)
    func sampleLocalBackward(_ variance: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor
    /// `Σᵢ KL(N(μᵢ, σᵢ²) ‖ N(0, s²)) = Σᵢ log(s/σᵢ) + (σᵢ² + μᵢ²)/(2s²) - ½`, a scalar.
    func klGaussian(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float) throws -> Tensor
    /// For scalar upstream `g`: `∂/∂μ = g·μ/s²`, `∂/∂ρ = g·(σ/s² - 1/σ)·sigmoid(ρ)`.
    func klGaussianBackward(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float, _ gradOutput: Tensor) throws -> (mu: Tensor, rho: Tensor)
    /// The Monte-Carlo KL term `Σᵢ log N(wᵢ; μᵢ, σᵢ²) - log p(wᵢ)` for a sample `w` and the
    /// scale-mixture prior `p`, with `log p` by log-sum-exp. A scalar.
    func mixtureKL(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior) throws -> Tensor
    /// Partial derivatives of `mixtureKL` times scalar upstream `g`, holding the others fixed:
    /// `∂/∂w = g·(-(w-μ)/σ² + w·(r₁/σ₁² + r₂/σ₂²))` with `r` the mixture responsibilities,
    /// `∂/∂μ = g·(w-μ)/σ²`, `∂/∂ρ = g·((w-μ)²/σ³ - 1/σ)·sigmoid(ρ)`.
    /// A layer adds `∂/∂w` to the gradient flowing into the sample.
    func mixtureKLBackward(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior,
                           _ gradOutput: Tensor) throws -> (sample: Tensor, mu: Tensor, rho: Tensor)
    /// The VAE's `KL(N(μ, e^λ) ‖ N(0, I))` per row of `[N, D]` inputs:
    /// `k[r] = -½ Σ_d (1 + λ[r,d] - μ[r,d]² - e^{λ[r,d]})`, shape `[N]`.
    func klStandardNormal(_ mean: Tensor, _ logVariance: Tensor) throws -> Tensor
    /// For upstream `g` of shape `[N]`: `∂/∂μ = g[r]·μ`, `∂/∂λ = g[r]·½(e^λ - 1)`.
    func klStandardNormalBackward(_ mean: Tensor, _ logVariance: Tensor, _ gradOutput: Tensor) throws -> (mean: Tensor, logVariance: Tensor)
}

extension BayesianKernels where Self: TensorStorageKernels {
    /// Draws `w = μ + softplus(ρ)·ε`; `μ` and `ρ` must have equal shapes.
    public func sampleGaussian(mu: Tensor, rho: Tensor, seed: UInt64, stream: UInt64) throws -> (sample: Tensor, noise: Tensor) {
        try checkOwnership("sampleGaussian", mu, rho)
        try requireShape(rho, mu.shape, "sampleGaussian", "rho")
        return try sampleGaussian(mu, rho, RandomStream(seed: seed, stream: stream))
    }

    /// The gradient for `ρ` of `sampleGaussian`.
    public func sampleGaussianBackward(rho: Tensor, noise: Tensor, gradSample: Tensor) throws -> Tensor {
        try checkOwnership("sampleGaussianBackward", rho, noise, gradSample)
        try requireShape(noise, rho.shape, "sampleGaussianBackward", "noise")
        try requireShape(gradSample, rho.shape, "sampleGaussianBackward", "gradSample")
        return try sampleGaussianBackward(rho, noise, gradSample)
    }

    /// Samples pre-activations from their mean and variance (local reparameterization).
    public func sampleLocal(mean: Tensor, variance: Tensor, seed: UInt64, stream: UInt64) throws -> (sample: Tensor, noise: Tensor) {
        try checkOwnership("sampleLocal", mean, variance)
        try requireShape(variance, mean.shape, "sampleLocal", "variance")
        return try sampleLocal(mean, variance, RandomStream(seed: seed, stream: stream))
    }

    /// The gradient for the variance of `sampleLocal`.
    public func sampleLocalBackward(variance: Tensor, noise: Tensor, gradSample: Tensor) throws -> Tensor {
        try checkOwnership("sampleLocalBackward", variance, noise, gradSample)
        try requireShape(noise, variance.shape, "sampleLocalBackward", "noise")
        try requireShape(gradSample, variance.shape, "sampleLocalBackward", "gradSample")
        return try sampleLocalBackward(variance, noise, gradSample)
    }

    /// Closed-form KL of the mean-field posterior `(μ, ρ)` from `N(0, s²)`.
    public func klGaussian(mu: Tensor, rho: Tensor, priorSigma: Float) throws -> Tensor {
        try checkGaussianPosterior(mu, rho, priorSigma, "klGaussian")
        return try klGaussian(mu, rho, priorSigma: priorSigma)
    }

    /// Gradients of `klGaussian` for a scalar upstream gradient.
    public func klGaussianBackward(mu: Tensor, rho: Tensor, priorSigma: Float, gradOutput: Tensor) throws -> (mu: Tensor, rho: Tensor) {
        try checkGaussianPosterior(mu, rho, priorSigma, "klGaussianBackward")
        try checkOwnership("klGaussianBackward", gradOutput)
        try requireShape(gradOutput, .scalar, "klGaussianBackward", "gradOutput")
        return try klGaussianBackward(mu, rho, priorSigma: priorSigma, gradOutput)
    }

    /// The Monte-Carlo KL term of sample `w` against a scale-mixture prior.
    public func mixtureKL(sample: Tensor, mu: Tensor, rho: Tensor, prior: ScaleMixturePrior) throws -> Tensor {
        try checkOwnership("mixtureKL", sample, mu, rho)
        try requireShape(mu, sample.shape, "mixtureKL", "mu")
        try requireShape(rho, sample.shape, "mixtureKL", "rho")
        return try mixtureKL(sample, mu, rho, prior: prior)
    }

    /// Partial gradients of `mixtureKL` for a scalar upstream gradient.
    public func mixtureKLBackward(sample: Tensor, mu: Tensor, rho: Tensor, prior: ScaleMixturePrior,
                                  gradOutput: Tensor) throws -> (sample: Tensor, mu: Tensor, rho: Tensor) {
        try checkOwnership("mixtureKLBackward", sample, mu, rho, gradOutput)
        try requireShape(mu, sample.shape, "mixtureKLBackward", "mu")
        try requireShape(rho, sample.shape, "mixtureKLBackward", "rho")
        try requireShape(gradOutput, .scalar, "mixtureKLBackward", "gradOutput")
        return try mixtureKLBackward(sample, mu, rho, prior: prior, gradOutput)
    }

    /// Per-row VAE KL of `N(mean, e^logVariance)` from `N(0, I)` for `[N, D]` inputs.
    public func klStandardNormal(mean: Tensor, logVariance: Tensor) throws -> Tensor {
        try checkOwnership("klStandardNormal", mean, logVariance)
        try checkLatent(mean, logVariance, "klStandardNormal")
        return try klStandardNormal(mean, logVariance)
    }

    /// Gradients of `klStandardNormal` for upstream `gradOutput` of shape `[N]`.
    public func klStandardNormalBackward(mean: Tensor, logVariance: Tensor, gradOutput: Tensor) throws -> (mean: Tensor, logVariance: Tensor) {
        try checkOwnership("klStandardNormalBackward", mean, logVariance, gradOutput)
        try checkLatent(mean, logVariance, "klStandardNormalBackward")
        try requireShape(gradOutput, [mean.shape[0]], "klStandardNormalBackward", "gradOutput")
        return try klStandardNormalBackward(mean, logVariance, gradOutput)
    }

    private func checkGaussianPosterior(_ mu: Tensor, _ rho: Tensor, _ priorSigma: Float, _ operation: String) throws {
        try checkOwnership(operation, mu, rho)
        try requireShape(rho, mu.shape, operation, "rho")
        guard priorSigma > 0, priorSigma.isFinite else {
            throw DeepBayesError.invalidArgument(operation: operation, reason: "prior sigma \(priorSigma) must be positive and finite")
        }
    }

    private func checkLatent(_ mean: Tensor, _ logVariance: Tensor, _ operation: String) throws {
        guard mean.shape.rank == 2 else {
            throw DeepBayesError.shapeMismatch(operation: operation, reason: "mean \(mean.shape) must be [N, D]")
        }
        try requireShape(logVariance, mean.shape, operation, "logVariance")
    }
}
