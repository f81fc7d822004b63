extension FusedDefaults {
    /// One weight tensor of Bayes by Backprop, sampled together with its KL term:
    ///
    ///     w = μ + softplus(ρ)·ε,  ε = randomNormal(μ.shape, random)   (exactly `sampleGaussian`)
    ///     kl = Σᵢ KL(N(μᵢ, σᵢ²) ‖ N(0, s²))                          (`klGaussian`, prior N(0, s²))
    ///     kl = Σᵢ log N(wᵢ; μᵢ, σᵢ²) - log p(wᵢ)                      (`mixtureKL` at this sample)
    ///
    /// Returns `(w, ε, kl)`, `kl` of shape `[]`. Unlike the other defaults it is composed of the
    /// backend's own `sampleGaussian`, `klGaussian` and `mixtureKL` hooks (native where the
    /// backend has them, else their defaults), so a backend that runs those natively runs this
    /// at their speed and with their exact results.
    public static func sampleWithKL(_ mu: Tensor, _ rho: Tensor, prior: WeightPrior, _ random: RandomStream,
                                    on backend: any Backend) throws -> (sample: Tensor, noise: Tensor, kl: Tensor) {
        let (sample, noise) = try backend._sampleGaussian(mu, rho, random)
        switch prior {
        case let .gaussian(sigma):
            return (sample, noise, try backend._klGaussian(mu, rho, priorSigma: sigma))
        case let .scaleMixture(mixture):
            return (sample, noise, try backend._mixtureKL(sample, mu, rho, prior: mixture))
        }
    }

    /// The gradients for `μ` and `ρ` of `L = ⟨∂L/∂w, w⟩ + g·kl` through both paths, `g` the
    /// `[]` tensor `gradKL`:
    ///
    ///     Gaussian prior:  ∂L/∂μ = g·μ/s² + ∂L/∂w
    ///                      ∂L/∂ρ = g·(σ/s² - 1/σ)·sigmoid(ρ) + ∂L/∂w·ε·sigmoid(ρ)
    ///     mixture prior:   δw = g·w·(r₁/σ₁² + r₂/σ₂²) + ∂L/∂w
    ///                      ∂L/∂μ = δw
    ///                      ∂L/∂ρ = -g·sigmoid(ρ)/σ + δw·ε·sigmoid(ρ)
    ///
    /// For the mixture the KL depends on the sample too: `kl = Σ log q(w) - log p(w)` with
    /// `w = μ + σε`, where `log q(w) = -log σ - ε²/2` (without `-½ log 2π`) no longer depends
    /// on `μ`, and its derivative in `ρ` is `-sigmoid(ρ)/σ`. That is the chain rule
    /// `dμ = ∂L/∂w + g·(∂kl/∂w + ∂kl/∂μ)`, `dρ = (∂L/∂w + g·∂kl/∂w)·ε·sigmoid(ρ) + g·∂kl/∂ρ` with
    /// the posterior's `±(w-μ)/σ²` cancelled exactly rather than in floats (where a small `σ`
    /// would leave an error of `ulp(ε/σ)`); the `rₖ` are the prior's responsibilities at `w`.
    ///
    /// Composed of the backend's `sampleGaussianBackward` and `klGaussianBackward` or
    /// `mixtureKLBackward` hooks and sums, the mixture's prior part as `mixtureKLBackward` at the
    /// mean `w` (so its `(w-μ)` is 0), with `w = μ + softplus(ρ)·ε` recomputed from the noise as
    /// `sampleGaussian`'s default computes it.
    public static func sampleWithKLBackward(_ mu: Tensor, _ rho: Tensor, _ noise: Tensor, prior: WeightPrior,
                                            _ gradSample: Tensor, _ gradKL: Tensor,
                                            on backend: any Backend) throws -> (mu: Tensor, rho: Tensor) {
        let c = Composer(backend)
        switch prior {
        case let .gaussian(sigma):
            let kl = try backend._klGaussianBackward(mu, rho, priorSigma: sigma, gradKL)
            return (try c.add(kl.mu, gradSample), try c.add(kl.rho, backend._sampleGaussianBackward(rho, noise, gradSample)))
        case let .scaleMixture(mixture):
            let sample = try c.add(mu, c.multiply(c.map(.softplus, rho), noise))
            let kl = try backend._mixtureKLBackward(sample, sample, rho, prior: mixture, gradKL)
            let gradWeight = try c.add(kl.sample, gradSample)
            return (gradWeight, try c.add(kl.rho, backend._sampleGaussianBackward(rho, noise, gradWeight)))
        }
    }
}
