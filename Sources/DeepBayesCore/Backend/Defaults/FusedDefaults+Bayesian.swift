import Foundation

extension FusedDefaults {
    /// Inverted-dropout mask: `m[i] = 1/(1 - p)` where `u[i] > p`, else 0, with `u` from
    /// `randomUniform`, so `E[m] = 1`. Composed as `step(u - p) · 1/(1 - p)`; float subtraction
    /// of distinct values is never 0, so `step(u - p)` is exactly `[u > p]`.
    public static func dropoutMask(_ shape: Shape, dropProbability p: Float, _ random: RandomStream,
                                   on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        return try c.multiply(c.map(.step, c.add(backend._randomUniform(shape, random), -p)), 1 / (1 - p))
    }

    /// Reparameterized sample `w = μ + softplus(ρ)·ε` with `ε = randomNormal(shape, random)`.
    /// Returns `(w, ε)`; `ε` is kept for the backward pass.
    public static func sampleGaussian(_ mu: Tensor, _ rho: Tensor, _ random: RandomStream,
                                      on backend: any BackendPrimitives) throws -> (sample: Tensor, noise: Tensor) {
        let c = Composer(backend)
        let noise = try backend._randomNormal(mu.shape, random)
        return (try c.add(mu, c.multiply(c.map(.softplus, rho), noise)), noise)
    }

    /// `∂L/∂ρ = ∂L/∂w · ε · sigmoid(ρ)`. (`∂L/∂μ` is `∂L/∂w` itself.)
    public static func sampleGaussianBackward(_ rho: Tensor, _ noise: Tensor, _ g: Tensor,
                                              on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        return try c.multiply(c.multiply(g, noise), c.map(.sigmoid, rho))
    }

    /// Local reparameterization: pre-activations `b = m + s·ε`, `s = √(v + 10⁻⁸)`, `ε` from
    /// `randomNormal`. Returns `(b, ε)`.
    public static func sampleLocal(_ mean: Tensor, _ variance: Tensor, _ random: RandomStream,
                                   on backend: any BackendPrimitives) throws -> (sample: Tensor, noise: Tensor) {
        let c = Composer(backend)
        let noise = try backend._randomNormal(mean.shape, random)
        return (try c.add(mean, c.multiply(localScale(variance, c), noise)), noise)
    }

    /// `∂L/∂v = ∂L/∂b · ε / (2s)`. (`∂L/∂m` is `∂L/∂b` itself.)
    public static func sampleLocalBackward(_ variance: Tensor, _ noise: Tensor, _ g: Tensor,
                                           on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        return try c.divide(c.multiply(g, noise), c.multiply(localScale(variance, c), 2))
    }

    /// `Σᵢ KL(N(μᵢ, σᵢ²) ‖ N(0, s²)) = Σᵢ log(s/σᵢ) + (σᵢ² + μᵢ²)/(2s²) - ½`, a scalar.
    public static func klGaussian(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        let sigma = try c.map(.softplus, rho)
        let quadratic = try c.affine(c.add(c.map(.square, sigma), c.map(.square, mu)), 1 / (2 * s * s), Foundation.log(s) - 0.5)
        return try sum(c.subtract(quadratic, c.map(.log, sigma)), on: backend)
    }

    /// For scalar upstream `g`: `∂/∂μ = g·μ/s²`, `∂/∂ρ = g·(σ/s² - 1/σ)·sigmoid(ρ)`.
    public static func klGaussianBackward(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float, _ g: Tensor,
                                          on backend: any BackendPrimitives) throws -> (mu: Tensor, rho: Tensor) {
        let c = Composer(backend)
        let sigma = try c.map(.softplus, rho)
        let gradMu = try c.multiply(c.multiply(mu, 1 / (s * s)), g)
        let slope = try c.subtract(c.multiply(sigma, 1 / (s * s)), c.reciprocal(sigma))
        return (gradMu, try c.multiply(c.multiply(slope, c.map(.sigmoid, rho)), g))
    }

    /// The Monte-Carlo KL term `Σᵢ log N(wᵢ; μᵢ, σᵢ²) - log p(wᵢ)` for a sample `w` and the
    /// scale-mixture prior `p`, with `log p` by log-sum-exp. A scalar. (The `-½ log 2π` of
    /// both densities cancels and is left out.)
    public static func mixtureKL(_ w: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior,
                                 on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        let terms = try MixtureTerms(w, mu, rho, prior, c)
        return try sum(c.subtract(terms.logPosterior, terms.logPrior), on: backend)
    }

    /// Partial derivatives of `mixtureKL` times scalar upstream `g`, holding the others fixed:
    /// `∂/∂w = g·(-(w-μ)/σ² + w·(r₁/σ₁² + r₂/σ₂²))` with `rₖ` the mixture responsibilities,
    /// `∂/∂μ = g·(w-μ)/σ²`, `∂/∂ρ = g·((w-μ)²/σ³ - 1/σ)·sigmoid(ρ)`.
    public static func mixtureKLBackward(_ w: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior, _ g: Tensor,
                                         on backend: any BackendPrimitives) throws -> (sample: Tensor, mu: Tensor, rho: Tensor) {
        let c = Composer(backend)
        let terms = try MixtureTerms(w, mu, rho, prior, c)
        let r1 = try c.map(.exp, c.subtract(terms.component1, terms.logPrior))
        let r2 = try c.map(.exp, c.subtract(terms.component2, terms.logPrior))
        let precision = try c.add(c.multiply(r1, 1 / (prior.sigma1 * prior.sigma1)), c.multiply(r2, 1 / (prior.sigma2 * prior.sigma2)))
        let variance = try c.map(.square, terms.sigma)
        let pull = try c.divide(terms.deviation, variance)
        let gradW = try c.multiply(c.subtract(c.multiply(w, precision), pull), g)
        let slope = try c.subtract(c.divide(c.map(.square, terms.deviation), c.multiply(variance, terms.sigma)),
                                   c.reciprocal(terms.sigma))
        return (gradW, try c.multiply(pull, g), try c.multiply(c.multiply(slope, c.map(.sigmoid, rho)), g))
    }

    /// The VAE's `KL(N(μ, e^λ) ‖ N(0, I))` per row of `[N, D]` inputs:
    /// `k[r] = -½ Σ_d (1 + λ[r,d] - μ[r,d]² - e^{λ[r,d]})`, shape `[N]`.
    public static func klStandardNormal(_ mean: Tensor, _ logVariance: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        let terms = try c.subtract(c.subtract(c.add(logVariance, 1), c.map(.square, mean)), c.map(.exp, logVariance))
        return try c.multiply(c.rowSums(terms), -0.5)
    }

    /// For upstream `g` of shape `[N]`: `∂/∂μ = g[r]·μ`, `∂/∂λ = g[r]·½(e^λ - 1)`.
    public static func klStandardNormalBackward(_ mean: Tensor, _ logVariance: Tensor, _ g: Tensor,
                                                on backend: any BackendPrimitives) throws -> (mean: Tensor, logVariance: Tensor) {
        let c = Composer(backend)
        let gradLogVariance = try c.perRow(.multiply, c.affine(c.map(.exp, logVariance), 0.5, -0.5), g)
        return (try c.perRow(.multiply, mean, g), gradLogVariance)
    }

    private static func localScale(_ variance: Tensor, _ c: Composer) throws -> Tensor {
        try c.map(.sqrt, c.add(variance, 1e-8))
    }

    /// The pieces of the scale-mixture KL, each per weight, without the `-½ log 2π` terms:
    /// `σ`, `w - μ`, `log q = -log σ - (w-μ)²/2σ²`, `aₖ = log πₖ - log σₖ - w²/2σₖ²` and
    /// `log p = m + log(e^{a₁-m} + e^{a₂-m})` with `m = max(a₁, a₂) = a₂ + relu(a₁ - a₂)`.
    private struct MixtureTerms {
        let sigma, deviation, logPosterior, component1, component2, logPrior: Tensor

        init(_ w: Tensor, _ mu: Tensor, _ rho: Tensor, _ prior: ScaleMixturePrior, _ c: Composer) throws {
            sigma = try c.map(.softplus, rho)
            deviation = try c.subtract(w, mu)
            logPosterior = try c.subtract(c.map(.negate, c.map(.log, sigma)),
                                          c.divide(c.map(.square, deviation), c.multiply(c.map(.square, sigma), 2)))
            let w2 = try c.map(.square, w)
            func component(_ weight: Float, _ s: Float) throws -> Tensor {
                try c.affine(w2, -1 / (2 * s * s), Foundation.log(weight) - Foundation.log(s))
            }
            component1 = try component(prior.pi, prior.sigma1)
            component2 = try component(1 - prior.pi, prior.sigma2)
            let largest = try c.add(component2, c.map(.relu, c.subtract(component1, component2)))
            let total = try c.add(c.map(.exp, c.subtract(component1, largest)), c.map(.exp, c.subtract(component2, largest)))
            logPrior = try c.add(largest, c.map(.log, total))
        }
    }
}
