/// Kernels of Bayes by Backprop and the VAE. Posterior scales are `σ = softplus(ρ)`.
extension Backend {
    /// Draws `w = μ + softplus(ρ)·ε`; `μ` and `ρ` must have equal shapes.
    public func sampleGaussian(mu: Tensor, rho: Tensor, random: RandomStream) throws -> (sample: Tensor, noise: Tensor) {
        try checkOwnership("sampleGaussian", mu, rho)
        try requireShape(rho, mu.shape, "sampleGaussian", "rho")
        return try _sampleGaussian(mu, rho, random)
    }

    /// The gradient for `ρ` of `sampleGaussian`.
    public func sampleGaussianBackward(rho: Tensor, noise: Tensor, gradSample: Tensor) throws -> Tensor {
        try checkOwnership("sampleGaussianBackward", rho, noise, gradSample)
        try requireShape(noise, rho.shape, "sampleGaussianBackward", "noise")
        try requireShape(gradSample, rho.shape, "sampleGaussianBackward", "gradSample")
        return try _sampleGaussianBackward(rho, noise, gradSample)
    }

    /// Samples pre-activations from their mean and variance (local reparameterization).
    public func sampleLocal(mean: Tensor, variance: Tensor, random: RandomStream) throws -> (sample: Tensor, noise: Tensor) {
        try checkOwnership("sampleLocal", mean, variance)
        try requireShape(variance, mean.shape, "sampleLocal", "variance")
        return try _sampleLocal(mean, variance, random)
    }

    /// The gradient for the variance of `sampleLocal`.
    public func sampleLocalBackward(variance: Tensor, noise: Tensor, gradSample: Tensor) throws -> Tensor {
        try checkOwnership("sampleLocalBackward", variance, noise, gradSample)
        try requireShape(noise, variance.shape, "sampleLocalBackward", "noise")
        try requireShape(gradSample, variance.shape, "sampleLocalBackward", "gradSample")
        return try _sampleLocalBackward(variance, noise, gradSample)
    }

    /// Closed-form KL of the mean-field posterior `(μ, ρ)` from `N(0, s²)`.
    public func klGaussian(mu: Tensor, rho: Tensor, priorSigma: Float) throws -> Tensor {
        try checkGaussianPosterior(mu, rho, priorSigma, "klGaussian")
        return try _klGaussian(mu, rho, priorSigma: priorSigma)
    }

    /// Gradients of `klGaussian` for a scalar upstream gradient.
    public func klGaussianBackward(mu: Tensor, rho: Tensor, priorSigma: Float, gradOutput: Tensor) throws -> (mu: Tensor, rho: Tensor) {
        try checkGaussianPosterior(mu, rho, priorSigma, "klGaussianBackward")
        try checkOwnership("klGaussianBackward", gradOutput)
        try requireShape(gradOutput, .scalar, "klGaussianBackward", "gradOutput")
        return try _klGaussianBackward(mu, rho, priorSigma: priorSigma, gradOutput)
    }

    /// The Monte-Carlo KL term of sample `w` against a scale-mixture prior.
    public func mixtureKL(sample: Tensor, mu: Tensor, rho: Tensor, prior: ScaleMixturePrior) throws -> Tensor {
        try checkOwnership("mixtureKL", sample, mu, rho)
        try requireShape(mu, sample.shape, "mixtureKL", "mu")
        try requireShape(rho, sample.shape, "mixtureKL", "rho")
        return try _mixtureKL(sample, mu, rho, prior: prior)
    }

    /// Partial gradients of `mixtureKL` for a scalar upstream gradient.
    public func mixtureKLBackward(sample: Tensor, mu: Tensor, rho: Tensor, prior: ScaleMixturePrior,
                                  gradOutput: Tensor) throws -> (sample: Tensor, mu: Tensor, rho: Tensor) {
        try checkOwnership("mixtureKLBackward", sample, mu, rho, gradOutput)
        try requireShape(mu, sample.shape, "mixtureKLBackward", "mu")
        try requireShape(rho, sample.shape, "mixtureKLBackward", "rho")
        try requireShape(gradOutput, .scalar, "mixtureKLBackward", "gradOutput")
        return try _mixtureKLBackward(sample, mu, rho, prior: prior, gradOutput)
    }

    /// Per-row VAE KL of `N(mean, e^logVariance)` from `N(0, I)` for `[N, D]` inputs.
    public func klStandardNormal(mean: Tensor, logVariance: Tensor) throws -> Tensor {
        try checkOwnership("klStandardNormal", mean, logVariance)
        try checkLatent(mean, logVariance, "klStandardNormal")
        return try _klStandardNormal(mean, logVariance)
    }

    /// Gradients of `klStandardNormal` for upstream `gradOutput` of shape `[N]`.
    public func klStandardNormalBackward(mean: Tensor, logVariance: Tensor, gradOutput: Tensor) throws -> (mean: Tensor, logVariance: Tensor) {
        try checkOwnership("klStandardNormalBackward", mean, logVariance, gradOutput)
        try checkLatent(mean, logVariance, "klStandardNormalBackward")
        try requireShape(gradOutput, [mean.shape[0]], "klStandardNormalBackward", "gradOutput")
        return try _klStandardNormalBackward(mean, logVariance, gradOutput)
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
