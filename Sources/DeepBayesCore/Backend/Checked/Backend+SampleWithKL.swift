/// The fused kernels of one Bayes-by-Backprop weight tensor: its reparameterized sample and
/// KL term in one kernel, and both paths' gradients in one. The formulas are on
/// `FusedDefaults.sampleWithKL` and `FusedDefaults.sampleWithKLBackward`.
extension Backend {
    /// Draws `w = μ + softplus(ρ)·ε` (bit for bit `sampleGaussian`'s sample and noise) and the KL
    /// term of the posterior `(μ, ρ)` against `prior` (`klGaussian`'s closed form, or
    /// `mixtureKL` at this `w`): `(w, ε, kl)`, `kl` of shape `[]`.
    public func sampleWithKL(mu: Tensor, rho: Tensor, prior: WeightPrior, random: RandomStream) throws -> (sample: Tensor, noise: Tensor, kl: Tensor) {
        try checkOwnership("sampleWithKL", mu, rho)
        try requireShape(rho, mu.shape, "sampleWithKL", "rho")
        try checkPrior(prior, "sampleWithKL")
        return try _sampleWithKL(mu, rho, prior: prior, random)
    }

    /// The gradients for `μ` and `ρ` of `⟨gradSample, w⟩ + gradKL·kl` for the `sampleWithKL` that
    /// drew `noise`; `gradKL` has shape `[]`.
    public func sampleWithKLBackward(mu: Tensor, rho: Tensor, noise: Tensor, prior: WeightPrior,
                                     gradSample: Tensor, gradKL: Tensor) throws -> (mu: Tensor, rho: Tensor) {
        try checkOwnership("sampleWithKLBackward", mu, rho, noise, gradSample, gradKL)
        for (role, tensor) in [("rho", rho), ("noise", noise), ("gradSample", gradSample)] {
            try requireShape(tensor, mu.shape, "sampleWithKLBackward", role)
        }
        try requireShape(gradKL, .scalar, "sampleWithKLBackward", "gradKL")
        try checkPrior(prior, "sampleWithKLBackward")
        return try _sampleWithKLBackward(mu, rho, noise, prior: prior, gradSample, gradKL)
    }

    /// `invalidArgument` for a Gaussian prior whose scale is not positive and finite (a
    /// `ScaleMixturePrior` checks itself when made).
    private func checkPrior(_ prior: WeightPrior, _ operation: String) throws {
        guard case let .gaussian(sigma) = prior, !(sigma > 0 && sigma.isFinite) else { return }
        throw DeepBayesError.invalidArgument(operation: operation, reason: "prior sigma \(sigma) must be positive and finite")
    }
}
