import DeepBayesCore
import Foundation

/// `BayesianKernels`: reparameterized sampling and the KL terms of Bayes by Backprop and the
/// VAE. Posterior scales are `σ = softplus(ρ)` and `log σ = ScalarMath.logSoftplus(ρ)`, finite
/// however negative `ρ` is. Scalar KL sums use `Parallel.deterministicSum` (per-element terms
/// in `Float`, accumulated in `Double`).
extension CPUBackend {
    /// The smallest variance added under the square root of `sampleLocal`.
    private static let varianceFloor: Float = 1e-8

    /// `w = μ + softplus(ρ)·ε`, `ε = randomNormal(μ.shape, random)`.
    public func sampleGaussian(_ mu: Tensor, _ rho: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor) {
        let noise = try randomNormal(mu.shape, random)
        let m = values(mu), r = values(rho), e = values(noise)
        let sample = generate(mu.shape, costPerItem: 20) { i in m[i] + ScalarMath.softplus(r[i]) * e[i] }
        return (sample, noise)
    }

    /// `∂L/∂ρ = g · ε · sigmoid(ρ)`.
    public func sampleGaussianBackward(_ rho: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor {
        let r = values(rho), e = values(noise), g = values(gradSample)
        return generate(rho.shape, costPerItem: 20) { i in g[i] * e[i] * ScalarMath.sigmoid(r[i]) }
    }

    /// `b = m + s·ε` with `s = √(v + 1e-8)`, `ε = randomNormal(m.shape, random)`.
    public func sampleLocal(_ mean: Tensor, _ variance: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor) {
        let noise = try randomNormal(mean.shape, random)
        let m = values(mean), v = values(variance), e = values(noise)
        let sample = generate(mean.shape, costPerItem: 4) { i in m[i] + (v[i] + Self.varianceFloor).squareRoot() * e[i] }
        return (sample, noise)
    }

    /// `∂L/∂v = g · ε / (2s)` with `s = √(v + 1e-8)`.
    public func sampleLocalBackward(_ variance: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor {
        let v = values(variance), e = values(noise), g = values(gradSample)
        return generate(variance.shape, costPerItem: 6) { i in g[i] * e[i] / (2 * (v[i] + Self.varianceFloor).squareRoot()) }
    }

    /// `Σᵢ log s - log σᵢ + (σᵢ² + μᵢ²) / (2s²) - ½`, shape `[]`.
    public func klGaussian(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float) throws -> Tensor {
        let m = values(mu), r = values(rho)
        let logS = Foundation.log(s), twoS2 = 2 * s * s
        let total = Parallel.deterministicSum(mu.count, costPerItem: 40) { range in
            var partial = 0.0
            for i in range {
                let sigma = ScalarMath.softplus(r[i])
                partial += Double(logS - ScalarMath.logSoftplus(r[i]) + (sigma * sigma + m[i] * m[i]) / twoS2 - 0.5)
            }
            return partial
        }
        return generate(.scalar, costPerItem: 1) { _ in Float(total) }
    }

    /// `∂/∂μ = g·μ/s²`, `∂/∂ρ = g·(σ/s² - 1/σ)·sigmoid(ρ)`.
    public func klGaussianBackward(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float, _ gradOutput: Tensor) throws -> (mu: Tensor, rho: Tensor) {
        let m = values(mu), r = values(rho), g = scalarValue(gradOutput)
        let s2 = s * s
        let gradMu = generate(mu.shape, costPerItem: 2) { i in g * m[i] / s2 }
        let gradRho = generate(rho.shape, costPerItem: 40) { i in
            let sigma = ScalarMath.softplus(r[i])
            return g * (sigma / s2 - 1 / sigma) * ScalarMath.sigmoid(r[i])
        }
        return (gradMu, gradRho)
    }

    /// `Σᵢ log N(wᵢ; μᵢ, σᵢ²) - log p(wᵢ)`, shape `[]`, with `log p` from `mixtureTerms`.
    public func mixtureKL(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior) throws -> Tensor {
        let w = values(sample), m = values(mu), r = values(rho)
        let mixture = MixtureLogDensity(prior)
        let total = Parallel.deterministicSum(sample.count, costPerItem: 100) { range in
            var partial = 0.0
            for i in range {
                let z = (w[i] - m[i]) / ScalarMath.softplus(r[i])
                let logQ = -ScalarMath.logSqrtTwoPi - ScalarMath.logSoftplus(r[i]) - 0.5 * z * z
                partial += Double(logQ - mixture.logDensity(w[i]))
            }
            return partial
        }
        return generate(.scalar, costPerItem: 1) { _ in Float(total) }
    }

    /// `∂/∂w = g·(-(w-μ)/σ² + w·(r₁/σ₁² + r₂/σ₂²))`, `∂/∂μ = g·(w-μ)/σ²`,
    /// `∂/∂ρ = g·((w-μ)²/σ³ - 1/σ)·sigmoid(ρ)`, with `r₁ = sigmoid(a₁ - a₂)`, `r₂ = sigmoid(a₂ - a₁)`
    /// the responsibilities from the weighted component log-densities `a`.
    public func mixtureKLBackward(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior,
                                  _ gradOutput: Tensor) throws -> (sample: Tensor, mu: Tensor, rho: Tensor) {
        let w = values(sample), m = values(mu), r = values(rho), g = scalarValue(gradOutput)
        let mixture = MixtureLogDensity(prior)
        let (gradSample, outSample) = makeTensor(sample.shape)
        let (gradMu, outMu) = makeTensor(sample.shape)
        let (gradRho, outRho) = makeTensor(sample.shape)
        Parallel.forEachChunk(sample.count, costPerItem: 120) { range in
            for i in range {
                let sigma = ScalarMath.softplus(r[i])
                let z = (w[i] - m[i]) / sigma
                let (a1, a2) = mixture.weightedLogDensities(w[i])
                let priorPrecision = ScalarMath.sigmoid(a1 - a2) * mixture.precision1 + ScalarMath.sigmoid(a2 - a1) * mixture.precision2
                outMu[i] = g * z / sigma
                outSample[i] = g * (w[i] * priorPrecision - z / sigma)
                outRho[i] = g * (z * z - 1) / sigma * ScalarMath.sigmoid(r[i])
            }
        }
        return (gradSample, gradMu, gradRho)
    }

    /// `k[r] = -½ Σ_d (1 + λ - μ² - e^λ)`, shape `[N]`, each row summed in order in `Float`.
    public func klStandardNormal(_ mean: Tensor, _ logVariance: Tensor) throws -> Tensor {
        let m = values(mean), l = values(logVariance)
        let columns = mean.shape[1]
        return generate([mean.shape[0]], costPerItem: columns * 20) { row in
            var total: Float = 0
            for i in (row * columns)..<((row + 1) * columns) { total += 1 + l[i] - m[i] * m[i] - Foundation.exp(l[i]) }
            return -0.5 * total
        }
    }

    /// `∂/∂μ = g[r]·μ`, `∂/∂λ = g[r]·½(e^λ - 1)`.
    public func klStandardNormalBackward(_ mean: Tensor, _ logVariance: Tensor, _ gradOutput: Tensor) throws -> (mean: Tensor, logVariance: Tensor) {
        let m = values(mean), l = values(logVariance), g = values(gradOutput)
        let columns = mean.shape[1]
        let gradMean = generate(mean.shape, costPerItem: 2) { i in g[i / columns] * m[i] }
        let gradLogVariance = generate(mean.shape, costPerItem: 20) { i in g[i / columns] * 0.5 * (Foundation.exp(l[i]) - 1) }
        return (gradMean, gradLogVariance)
    }
}
