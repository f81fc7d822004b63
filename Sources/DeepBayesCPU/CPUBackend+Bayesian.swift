import DeepBayesCore
import Foundation

/// `BayesianKernels`: reparameterized sampling and the KL terms of Bayes by Backprop and the
/// VAE, and the two fused as one weight tensor's sample with its KL (`sampleWithKL`), 16
/// elements at a time with `VectorMath`. Posterior scales are `σ = softplus(ρ)`, with
/// `log σ` and `sigmoid(ρ)` from the same exponential (`Softplus`); `log σ` is finite however
/// negative `ρ` is. Sampling kernels write each tile of the sample right after drawing its
/// noise (`drawTiles`), while the noise is in L1. Scalar KL sums use
/// `Parallel.deterministicSum` over `VectorLoop.sum` (per-element terms in `Float`, `Float`
/// lane sums of at most 256 terms, accumulated in `Double`).
extension CPUBackend {
    /// The smallest variance added under the square root of `sampleLocal`.
    fileprivate static let varianceFloor: Float = 1e-8

    /// `w = μ + softplus(ρ)·ε`, `ε = randomNormal(μ.shape, random)`.
    public func _sampleGaussian(_ mu: Tensor, _ rho: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor) {
        let m = try values(mu), r = try values(rho)
        return try sampleWithNoise(mu.shape, random, costPerElement: 20) { GaussianSample(mu: m, rho: r, noise: $0) }
    }

    /// `∂L/∂ρ = g · ε · sigmoid(ρ)`.
    public func _sampleGaussianBackward(_ rho: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor {
        try generateVectors(rho.shape, costPerItem: 20, GaussianSampleGradient(rho: try values(rho), noise: try values(noise), grad: try values(gradSample)))
    }

    /// `b = m + s·ε` with `s = √(v + 1e-8)`, `ε = randomNormal(m.shape, random)`.
    public func _sampleLocal(_ mean: Tensor, _ variance: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor) {
        let m = try values(mean), v = try values(variance)
        return try sampleWithNoise(mean.shape, random, costPerElement: 4) { LocalSample(mean: m, variance: v, noise: $0) }
    }

    /// Draws `ε = randomNormal(shape, random)` into a new noise tensor and, tile by tile while
    /// the tile's noise is still in L1, writes the sample's elements of the tile as the terms of
    /// `makeSample(ε)`. `costPerElement` is the work of a term per element.
    private func sampleWithNoise<Sample: VectorTerm>(_ shape: Shape, _ random: RandomStream, costPerElement: Int,
                                                     _ makeSample: (UnsafePointer<Float>) -> Sample) throws -> (sample: Tensor, noise: Tensor) {
        let (noise, e) = try makeTensor(shape), (result, out) = try makeTensor(shape)
        let count = shape.count, sample = makeSample(e)
        Self.drawTiles(count: count, random, costPerGroup: Self.normalCostPerGroup + 64 * costPerElement) { groups, words in
            Self.storeNormals(groups, words, e, count: count)
            VectorLoop.store((64 * groups.lowerBound)..<min(count, 64 * groups.upperBound), into: out, sample)
        }
        return (result, noise)
    }

    /// `∂L/∂v = g · ε / (2s)` with `s = √(v + 1e-8)`.
    public func _sampleLocalBackward(_ variance: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor {
        try generateVectors(variance.shape, costPerItem: 6, LocalSampleGradient(variance: try values(variance), noise: try values(noise), grad: try values(gradSample)))
    }

    /// `Σᵢ log s - log σᵢ + (σᵢ² + μᵢ²) / (2s²) - ½`, shape `[]`; the division by `2s²` is a
    /// product with its rounded reciprocal (one more rounding).
    public func _klGaussian(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float) throws -> Tensor {
        let m = try values(mu), r = try values(rho)
        let logS = Foundation.log(s), halfPrecision = 1 / (2 * s * s)
        let total = Parallel.deterministicSum(mu.count, costPerItem: 40) { range in
            VectorLoop.sum(range, GaussianKLTerm(mu: m, rho: r, logPriorSigma: logS, halfPrecision: halfPrecision))
        }
        return try generate(.scalar, costPerItem: 1) { _ in Float(total) }
    }

    /// `∂/∂μ = g·μ/s²`, `∂/∂ρ = g·(σ/s² - 1/σ)·sigmoid(ρ)`, evaluated as `(g/s²)·μ` and
    /// `g·(σ²/s² - 1)·sigmoid(ρ)/σ` (one division).
    public func _klGaussianBackward(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float, _ gradOutput: Tensor) throws -> (mu: Tensor, rho: Tensor) {
        let m = try values(mu), r = try values(rho), g = try scalarValue(gradOutput)
        let precision = 1 / (s * s), gradPrecision = g * precision
        let gradMu = try generateVectors(mu.shape, costPerItem: 2, ScaledTerm(input: m, scale: gradPrecision))
        let gradRho = try generateVectors(rho.shape, costPerItem: 40, GaussianKLGradient(rho: r, grad: g, precision: precision))
        return (gradMu, gradRho)
    }

    /// `Σᵢ log N(wᵢ; μᵢ, σᵢ²) - log p(wᵢ)`, shape `[]`, with `log p` from `MixtureLogDensity`.
    public func _mixtureKL(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior) throws -> Tensor {
        let w = try values(sample), m = try values(mu), r = try values(rho)
        let mixture = MixtureLogDensity(prior)
        let term = MixtureKLTerm(sample: w, mu: m, rho: r, mixture: mixture)
        let total = Parallel.deterministicSum(sample.count, costPerItem: 100) { range in VectorLoop.sum(range, term) }
        return try generate(.scalar, costPerItem: 1) { _ in Float(total) }
    }

    /// `∂/∂w = g·(-(w-μ)/σ² + w·(r₁/σ₁² + r₂/σ₂²))`, `∂/∂μ = g·(w-μ)/σ²`,
    /// `∂/∂ρ = g·((w-μ)²/σ³ - 1/σ)·sigmoid(ρ)`, with `r₁ = sigmoid(a₁ - a₂)`, `r₂ = sigmoid(a₂ - a₁)`
    /// the responsibilities from the weighted component log-densities `a`
    /// (`MixtureLogDensity.precision`); `1/σ` is computed once and multiplied.
    public func _mixtureKLBackward(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior,
                                  _ gradOutput: Tensor) throws -> (sample: Tensor, mu: Tensor, rho: Tensor) {
        let w = try values(sample), m = try values(mu), r = try values(rho), g = try scalarValue(gradOutput)
        let mixture = MixtureLogDensity(prior)
        let (gradSample, outSample) = try makeTensor(sample.shape)
        let (gradMu, outMu) = try makeTensor(sample.shape)
        let (gradRho, outRho) = try makeTensor(sample.shape)
        let step = MixtureKLGradient(sample: w, mu: m, rho: r, grad: g, mixture: mixture, outSample: outSample, outMu: outMu, outRho: outRho)
        Parallel.forEachChunk(sample.count, costPerItem: 120) { range in VectorLoop.forEach(range, step) }
        return (gradSample, gradMu, gradRho)
    }

    /// `sampleGaussian`'s sample and noise and `klGaussian`'s or `mixtureKL`'s sum in one
    /// parallel pass (see `sampledKLSum`), each result equal to the unfused kernel's bit for bit.
    public func _sampleWithKL(_ mu: Tensor, _ rho: Tensor, prior: WeightPrior, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor, kl: Tensor) {
        let m = try values(mu), r = try values(rho)
        let (noise, e) = try makeTensor(mu.shape), (sample, out) = try makeTensor(mu.shape)
        let draw = GaussianSample(mu: m, rho: r, noise: e)
        let total: Double
        switch prior {
        case let .gaussian(s):
            let term = GaussianKLTerm(mu: m, rho: r, logPriorSigma: Foundation.log(s), halfPrecision: 1 / (2 * s * s))
            total = Self.sampledKLSum(mu.count, random, draw, into: out, noise: e, costPerElement: 60, term)
        case let .scaleMixture(mixture):
            let term = MixtureKLTerm(sample: out, mu: m, rho: r, mixture: MixtureLogDensity(mixture))
            total = Self.sampledKLSum(mu.count, random, draw, into: out, noise: e, costPerElement: 120, term)
        }
        return (sample, noise, try generate(.scalar, costPerItem: 1) { _ in Float(total) })
    }

    /// Draws the noise and writes the sample of every reduction block of `Parallel.deterministicSum`
    /// (its `Parallel.reductionBlock` elements are whole tiles of `drawTiles`), then sums the
    /// block's KL terms while they are in cache: the blocks, terms and order of the unfused
    /// kernels' sums, so the total is theirs exactly. `costPerElement` is the work of both.
    private static func sampledKLSum<Term: VectorTerm>(_ count: Int, _ random: RandomStream, _ draw: GaussianSample,
                                                       into out: UnsafeMutablePointer<Float>, noise e: UnsafeMutablePointer<Float>,
                                                       costPerElement: Int, _ term: Term) -> Double {
        let tileElements = 64 * tileGroups, groupCount = groupCount(count)
        precondition(Parallel.reductionBlock % tileElements == 0, "a reduction block must hold whole tiles")
        let tileCount = (groupCount + tileGroups - 1) / tileGroups
        return Parallel.deterministicSum(count, costPerItem: costPerElement + normalCostPerGroup / 64) { range in
            let first = range.lowerBound / tileElements
            drawTiles(first..<min(tileCount, first + Parallel.reductionBlock / tileElements), groupCount: groupCount, random) { groups, words in
                storeNormals(groups, words, e, count: count)
                VectorLoop.store((64 * groups.lowerBound)..<min(count, 64 * groups.upperBound), into: out, draw)
            }
            return VectorLoop.sum(range, term)
        }
    }

    /// `∂L/∂μ = g·μ/s² + ∂L/∂w` and `∂L/∂ρ = g·(σ²/s² - 1)·sigmoid(ρ)/σ + ∂L/∂w·ε·sigmoid(ρ)` for
    /// the Gaussian prior, each term the unfused kernels' expression, so the results equal the
    /// unfused tape's bit for bit. For the mixture `δw = g·w·(r₁/σ₁² + r₂/σ₂²) + ∂L/∂w`,
    /// `∂L/∂μ = δw`, `∂L/∂ρ = -g·sigmoid(ρ)/σ + δw·ε·sigmoid(ρ)` (the posterior terms cancelled
    /// exactly, see `FusedDefaults.sampleWithKLBackward`) at `w = μ + softplus(ρ)·ε` recomputed
    /// as the forward pass computed it.
    public func _sampleWithKLBackward(_ mu: Tensor, _ rho: Tensor, _ noise: Tensor, prior: WeightPrior,
                                      _ gradSample: Tensor, _ gradKL: Tensor) throws -> (mu: Tensor, rho: Tensor) {
        let m = try values(mu), r = try values(rho), e = try values(noise), gw = try values(gradSample), g = try scalarValue(gradKL)
        let (gradMu, outMu) = try makeTensor(mu.shape), (gradRho, outRho) = try makeTensor(mu.shape)
        switch prior {
        case let .gaussian(s):
            let precision = 1 / (s * s)
            let step = GaussianSampleKLGradient(mu: m, rho: r, noise: e, gradSample: gw, gradKL: g, precision: precision,
                                                gradPrecision: g * precision, outMu: outMu, outRho: outRho)
            Parallel.forEachChunk(mu.count, costPerItem: 50) { range in VectorLoop.forEach(range, step) }
        case let .scaleMixture(mixture):
            let step = MixtureSampleKLGradient(mu: m, rho: r, noise: e, gradSample: gw, gradKL: g, mixture: MixtureLogDensity(mixture),
                                               outMu: outMu, outRho: outRho)
            Parallel.forEachChunk(mu.count, costPerItem: 130) { range in VectorLoop.forEach(range, step) }
        }
        return (gradMu, gradRho)
    }

    /// `k[r] = -½ Σ_d (1 + λ - μ² - e^λ)`, shape `[N]`, each row summed by `VectorLoop.sum`.
    public func _klStandardNormal(_ mean: Tensor, _ logVariance: Tensor) throws -> Tensor {
        let m = try values(mean), l = try values(logVariance)
        let columns = mean.shape[1]
        let term = StandardNormalKLTerm(mean: m, logVariance: l)
        return try generate([mean.shape[0]], costPerItem: columns * 20) { row in
            Float(-0.5 * VectorLoop.sum((row * columns)..<((row + 1) * columns), term))
        }
    }

    /// `∂/∂μ = g[r]·μ`, `∂/∂λ = g[r]·½(e^λ - 1)`.
    public func _klStandardNormalBackward(_ mean: Tensor, _ logVariance: Tensor, _ gradOutput: Tensor) throws -> (mean: Tensor, logVariance: Tensor) {
        let m = try values(mean), l = try values(logVariance), g = try values(gradOutput)
        let columns = mean.shape[1]
        let gradMean = try generate(mean.shape, costPerItem: 2) { i in g[i / columns] * m[i] }
        let gradLogVariance = try mapRows(mean.shape) { start, columns, output in
            VectorLoop.store(0..<columns, into: output, StandardNormalKLGradient(logVariance: l + start, scale: 0.5 * g[start / columns]))
        }
        return (gradMean, gradLogVariance)
    }
}

/// The `sampleGaussian` formula on drawn noise `ε`: `w = μ + softplus(ρ)·ε`.
private struct GaussianSample: VectorTerm {
    let mu, rho, noise: UnsafePointer<Float>

    @inline(__always)
    func value(_ i: Int, _ n: Int) -> FloatVector {
        mu.vector(at: i, lanes: n).addingProduct(Softplus(rho.vector(at: i, lanes: n)).value, noise.vector(at: i, lanes: n))
    }
}

/// The `sampleGaussianBackward` terms `g · ε · sigmoid(ρ)`.
private struct GaussianSampleGradient: VectorTerm {
    let rho, noise, grad: UnsafePointer<Float>

    @inline(__always)
    func value(_ i: Int, _ n: Int) -> FloatVector {
        grad.vector(at: i, lanes: n) * noise.vector(at: i, lanes: n) * VectorMath.sigmoid(rho.vector(at: i, lanes: n))
    }
}

/// The `sampleLocal` formula on drawn noise `ε`: `b = m + √(v + 1e-8)·ε`.
private struct LocalSample: VectorTerm {
    let mean, variance, noise: UnsafePointer<Float>

    @inline(__always)
    func value(_ i: Int, _ n: Int) -> FloatVector {
        let scale = (variance.vector(at: i, lanes: n) + CPUBackend.varianceFloor).squareRoot()
        return mean.vector(at: i, lanes: n).addingProduct(scale, noise.vector(at: i, lanes: n))
    }
}

/// The `sampleLocalBackward` terms `g · ε / (2s)`, `s = √(v + 1e-8)`.
private struct LocalSampleGradient: VectorTerm {
    let variance, noise, grad: UnsafePointer<Float>

    @inline(__always)
    func value(_ i: Int, _ n: Int) -> FloatVector {
        grad.vector(at: i, lanes: n) * noise.vector(at: i, lanes: n) / (2 * (variance.vector(at: i, lanes: n) + CPUBackend.varianceFloor).squareRoot())
    }
}

/// The terms `scale · x` (`klGaussianBackward`'s `∂/∂μ`).
private struct ScaledTerm: VectorTerm {
    let input: UnsafePointer<Float>
    let scale: Float

    @inline(__always)
    func value(_ i: Int, _ n: Int) -> FloatVector { scale * input.vector(at: i, lanes: n) }
}

/// The `klGaussianBackward` terms `∂/∂ρ = g·(σ²/s² - 1)·sigmoid(ρ)/σ`.
private struct GaussianKLGradient: VectorTerm {
    let rho: UnsafePointer<Float>
    /// The upstream gradient and `1/s²`.
    let grad, precision: Float

    @inline(__always)
    func value(_ i: Int, _ n: Int) -> FloatVector {
        let softplus = Softplus(rho.vector(at: i, lanes: n))
        let sigma = softplus.value
        return grad * (sigma * sigma * precision - 1) * softplus.sigmoid / sigma
    }
}

/// The `mixtureKL` terms `log N(w; μ, σ²) - log p(w)`.
private struct MixtureKLTerm: VectorTerm {
    let sample, mu, rho: UnsafePointer<Float>
    let mixture: MixtureLogDensity

    @inline(__always)
    func value(_ i: Int, _ n: Int) -> FloatVector {
        let weight = sample.vector(at: i, lanes: n), softplus = Softplus(rho.vector(at: i, lanes: n))
        let z = (weight - mu.vector(at: i, lanes: n)) / softplus.value
        let logQ = -ScalarMath.logSqrtTwoPi - softplus.log - 0.5 * z * z
        return logQ - mixture.logDensity(weight)
    }
}

/// The three `mixtureKLBackward` gradients of 16 elements, written where they belong.
private struct MixtureKLGradient: VectorStep {
    let sample, mu, rho: UnsafePointer<Float>
    /// The upstream gradient.
    let grad: Float
    let mixture: MixtureLogDensity
    let outSample, outMu, outRho: UnsafeMutablePointer<Float>

    @inline(__always)
    func run(_ i: Int, _ n: Int) {
        let weight = sample.vector(at: i, lanes: n), softplus = Softplus(rho.vector(at: i, lanes: n))
        let inverseSigma = 1 / softplus.value
        let z = (weight - mu.vector(at: i, lanes: n)) * inverseSigma
        let zOverSigma = z * inverseSigma
        outMu.store(grad * zOverSigma, at: i, lanes: n)
        outSample.store(grad * (weight * mixture.precision(weight) - zOverSigma), at: i, lanes: n)
        outRho.store(grad * (z * z - 1) * inverseSigma * softplus.sigmoid, at: i, lanes: n)
    }
}

/// The two `sampleWithKLBackward` gradients of 16 elements for a Gaussian prior.
private struct GaussianSampleKLGradient: VectorStep {
    let mu, rho, noise, gradSample: UnsafePointer<Float>
    /// The upstream gradient of the KL, `1/s²` and their product.
    let gradKL, precision, gradPrecision: Float
    let outMu, outRho: UnsafeMutablePointer<Float>

    @inline(__always)
    func run(_ i: Int, _ n: Int) {
        let softplus = Softplus(rho.vector(at: i, lanes: n)), g = gradSample.vector(at: i, lanes: n)
        let sigma = softplus.value
        outMu.store(gradPrecision * mu.vector(at: i, lanes: n) + g, at: i, lanes: n)
        let klSlope = gradKL * (sigma * sigma * precision - 1) * softplus.sigmoid / sigma
        outRho.store(klSlope + g * noise.vector(at: i, lanes: n) * softplus.sigmoid, at: i, lanes: n)
    }
}

/// The two `sampleWithKLBackward` gradients of 16 elements for the scale-mixture prior.
private struct MixtureSampleKLGradient: VectorStep {
    let mu, rho, noise, gradSample: UnsafePointer<Float>
    /// The upstream gradient of the KL.
    let gradKL: Float
    let mixture: MixtureLogDensity
    let outMu, outRho: UnsafeMutablePointer<Float>

    @inline(__always)
    func run(_ i: Int, _ n: Int) {
        let softplus = Softplus(rho.vector(at: i, lanes: n)), e = noise.vector(at: i, lanes: n)
        let weight = mu.vector(at: i, lanes: n).addingProduct(softplus.value, e)
        let gradWeight = gradKL * (weight * mixture.precision(weight)) + gradSample.vector(at: i, lanes: n)
        outMu.store(gradWeight, at: i, lanes: n)
        outRho.store(-gradKL * (1 / softplus.value) * softplus.sigmoid + gradWeight * e * softplus.sigmoid, at: i, lanes: n)
    }
}

/// The `klStandardNormal` terms `1 + λ - μ² - e^λ`.
private struct StandardNormalKLTerm: VectorTerm {
    let mean, logVariance: UnsafePointer<Float>

    @inline(__always)
    func value(_ i: Int, _ n: Int) -> FloatVector {
        let lambda = logVariance.vector(at: i, lanes: n), muValue = mean.vector(at: i, lanes: n)
        return 1 + lambda - muValue * muValue - VectorMath.exp(lambda)
    }
}

/// The `klStandardNormalBackward` terms `∂/∂λ = scale·(e^λ - 1)` of one row (`scale = ½ g[r]`).
private struct StandardNormalKLGradient: VectorTerm {
    let logVariance: UnsafePointer<Float>
    let scale: Float

    @inline(__always)
    func value(_ c: Int, _ n: Int) -> FloatVector { scale * (VectorMath.exp(logVariance.vector(at: c, lanes: n)) - 1) }
}

/// The `klGaussian` terms `log s - log σ + (σ² + μ²)·halfPrecision - ½`.
private struct GaussianKLTerm: VectorTerm {
    let mu, rho: UnsafePointer<Float>
    let logPriorSigma, halfPrecision: Float

    @inline(__always)
    func value(_ i: Int, _ n: Int) -> FloatVector {
        let softplus = Softplus(rho.vector(at: i, lanes: n)), muValue = mu.vector(at: i, lanes: n)
        let sigma = softplus.value
        return (logPriorSigma - softplus.log) + (sigma * sigma + muValue * muValue) * halfPrecision - 0.5
    }
}
