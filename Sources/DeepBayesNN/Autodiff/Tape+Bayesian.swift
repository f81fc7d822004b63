import DeepBayesCore

extension Tape {
    /// The reparameterized sample `w = μ + softplus(ρ)·ε`, `ε` from `random`; gradients flow to
    /// `μ` (unchanged) and `ρ` (`· ε · sigmoid(ρ)`).
    public func sampleGaussian(mu: Variable, rho: Variable, random: RandomStream) throws -> Variable {
        let backend = self.backend
        let (sample, noise) = try backend.sampleGaussian(mu: mu.value, rho: rho.value, random: random)
        return record(sample, inputs: [mu, rho]) { g in
            [g, try backend.sampleGaussianBackward(rho: rho.value, noise: noise, gradSample: g)]
        }
    }

    /// A weight tensor's reparameterized sample `w = μ + softplus(ρ)·ε` and the KL term of its
    /// posterior against `prior` (see `FusedDefaults.sampleWithKL`): the draw and the values
    /// of `sampleGaussian` followed by `klGaussian` or `mixtureKL`, as one operation with two
    /// outputs, one fused kernel each way. An output whose gradient never arrives counts as a
    /// zero gradient.
    public func sampleWithKL(mu: Variable, rho: Variable, prior: WeightPrior, random: RandomStream) throws -> (sample: Variable, kl: Variable) {
        let backend = self.backend
        let (sample, noise, kl) = try backend.sampleWithKL(mu: mu.value, rho: rho.value, prior: prior, random: random)
        let outputs = record([sample, kl], inputs: [mu, rho]) { upstream in
            let gradSample = try upstream[0] ?? backend.zeros(sample.shape)
            let gradKL = try upstream[1] ?? backend.zeros(.scalar)
            let gradients = try backend.sampleWithKLBackward(mu: mu.value, rho: rho.value, noise: noise, prior: prior,
                                                             gradSample: gradSample, gradKL: gradKL)
            return [gradients.mu, gradients.rho]
        }
        return (outputs[0], outputs[1])
    }

    /// Local reparameterization: pre-activations `b = m + √(v + 1e-8)·ε` from their mean `m` and
    /// variance `v`.
    public func sampleLocal(mean: Variable, variance: Variable, random: RandomStream) throws -> Variable {
        let backend = self.backend
        let (sample, noise) = try backend.sampleLocal(mean: mean.value, variance: variance.value, random: random)
        return record(sample, inputs: [mean, variance]) { g in
            [g, try backend.sampleLocalBackward(variance: variance.value, noise: noise, gradSample: g)]
        }
    }

    /// Closed-form `Σ KL(N(μ, softplus(ρ)²) ‖ N(0, s²))`, a scalar.
    public func klGaussian(mu: Variable, rho: Variable, priorSigma: Float) throws -> Variable {
        let backend = self.backend
        let kl = try backend.klGaussian(mu: mu.value, rho: rho.value, priorSigma: priorSigma)
        return record(kl, inputs: [mu, rho]) { g in
            let gradients = try backend.klGaussianBackward(mu: mu.value, rho: rho.value, priorSigma: priorSigma, gradOutput: g)
            return [gradients.mu, gradients.rho]
        }
    }

    /// The Monte-Carlo KL term `Σ log q(w) - log p(w)` of `sample` against a scale-mixture
    /// prior; gradients flow to the sample and to `μ`, `ρ` directly.
    public func mixtureKL(sample: Variable, mu: Variable, rho: Variable, prior: ScaleMixturePrior) throws -> Variable {
        let backend = self.backend
        let kl = try backend.mixtureKL(sample: sample.value, mu: mu.value, rho: rho.value, prior: prior)
        return record(kl, inputs: [sample, mu, rho]) { g in
            let gradients = try backend.mixtureKLBackward(sample: sample.value, mu: mu.value, rho: rho.value, prior: prior, gradOutput: g)
            return [gradients.sample, gradients.mu, gradients.rho]
        }
    }
}
