import DeepBayesCore
import Foundation

extension KernelCases {
    /// The shapes of the `sampleWithKL` cases: one element, odd sizes below and near a thousand,
    /// and one that spans more than one block of the deterministic sums (4096 elements).
    public static let sampleWithKLShapes: [Shape] = [[1], [17, 3], [999], [67, 71]]

    /// `sampleWithKL` and its backward pass for both priors. Sample and noise are
    /// `sampleGaussian`'s (`Tolerance.transcendental`), the KL a sum (`Tolerance.reduction`), the
    /// gradients elementwise (`Tolerance.transcendental`). For the Gaussian prior `ρ` runs over
    /// -8…1 with the extremes -20 (σ ≈ 2·10⁻⁹) and 15 at the ends; the mixture's KL is evaluated
    /// at the float sample, whose `w - μ` loses the noise once `σ` falls below the ulp of `μ`, so
    /// its forward cases keep `ρ` within -3…1 (and 15), while its backward pass, which needs no
    /// `w - μ`, takes the extremes too.
    public static let sampleWithKL: [KernelCase] = {
        var cases: [KernelCase] = []
        var random = HostRandom(seed: 13)
        let stream = RandomStream(seed: 17, stream: 5), upstream: Float = 0.7
        for shape in sampleWithKLShapes {
            let n = shape.count
            var mu = random.array(n), wideRho = random.array(n, -8, 1), mildRho = random.array(n, -3, 1)
            let gradSample = random.array(n)
            wideRho[0] = -20
            if n > 1 { (wideRho[n - 1], mildRho[n - 1]) = (15, 15) }
            let eps = (0..<n).map { Reference.normal($0, stream) }
            // The mixture's responsibilities pass from the narrow component to the wide one at
            // |w| ≈ 0.004, where the slope of its gradient in w reaches about 10⁹: there the few
            // ulps by which a backend's float noise and scale differ from the reference's move
            // the gradient by more than the tolerance. Samples that land within 0.01 of 0 move away.
            for i in 0..<n where abs(Double(mu[i]) + Reference.softplus(Double(wideRho[i])) * eps[i]) < 0.01 { mu[i] += 0.02 }
            for (prior, name, rho) in [(WeightPrior.gaussian(sigma: 0.5), "gaussian", wideRho), (.scaleMixture(mixturePrior), "mixture", mildRho)] {
                let sigma = rho.map { Reference.softplus(Double($0)) }
                let sample = (0..<n).map { Double(mu[$0]) + sigma[$0] * eps[$0] }
                func forward(_ backend: any Backend) throws -> (sample: Tensor, noise: Tensor, kl: Tensor) {
                    try backend.sampleWithKL(mu: upload(backend, mu, shape), rho: upload(backend, rho, shape), prior: prior, random: stream)
                }
                cases.append(KernelCase(
                    name: "sampleWithKL \(name) \(shape): sample, noise", tolerance: Tolerance.transcendental,
                    run: { backend in let drawn = try forward(backend); return try drawn.sample.toArray() + drawn.noise.toArray() },
                    reference: { sample + eps }))
                cases.append(KernelCase(
                    name: "sampleWithKL \(name) \(shape): kl", tolerance: Tolerance.reduction(n),
                    run: { try forward($0).kl.toArray() },
                    reference: { [(0..<n).reduce(0.0) { $0 + klTerm(prior, w: sample[$1], mu: Double(mu[$1]), rho: Double(rho[$1])) }] }))
            }
            for (prior, name) in [(WeightPrior.gaussian(sigma: 0.5), "gaussian"), (.scaleMixture(mixturePrior), "mixture")] {
                cases.append(KernelCase(
                    name: "sampleWithKLBackward \(name) \(shape)", tolerance: Tolerance.transcendental,
                    run: { backend in
                        let grads = try backend.sampleWithKLBackward(mu: upload(backend, mu, shape), rho: upload(backend, wideRho, shape),
                                                                     noise: backend.randomNormal(shape, stream), prior: prior,
                                                                     gradSample: upload(backend, gradSample, shape),
                                                                     gradKL: upload(backend, [upstream], .scalar))
                        return try grads.mu.toArray() + grads.rho.toArray()
                    },
                    reference: { sampleWithKLGradients(prior, mu: mu, rho: wideRho, noise: eps, gradSample: gradSample, upstream: Double(upstream)) }))
            }
        }
        return cases
    }()

    /// One weight's KL term as `sampleWithKL` documents it, in `Double`: the closed form for a
    /// Gaussian prior, `log N(w; μ, σ²) - log p(w)` at the sample `w` for the mixture.
    static func klTerm(_ prior: WeightPrior, w: Double, mu: Double, rho: Double) -> Double {
        switch prior {
        case let .gaussian(s): return Reference.klGaussian(mu: mu, rho: rho, priorSigma: Double(s))
        case let .scaleMixture(p): return Reference.logNormal(w, mean: mu, sigma: Reference.softplus(rho)) - Reference.logMixture(w, p)
        }
    }

    /// The gradients of `sampleWithKLBackward` as documented, in `Double`: `∂L/∂μ` then `∂L/∂ρ`
    /// for the upstream `gradSample` of the sample and `upstream` of the KL.
    public static func sampleWithKLGradients(_ prior: WeightPrior, mu: [Float], rho: [Float], noise: [Double], gradSample: [Float],
                                             upstream u: Double) -> [Double] {
        var gradMu = [Double](), gradRho = [Double]()
        for i in mu.indices {
            let m = Double(mu[i]), r = Double(rho[i]), e = noise[i], g = Double(gradSample[i])
            let sigma = Reference.softplus(r), slope = Reference.sigmoid(r)
            switch prior {
            case let .gaussian(s):
                let s2 = Double(s) * Double(s)
                gradMu.append(u * m / s2 + g)
                gradRho.append(u * (sigma / s2 - 1 / sigma) * slope + g * e * slope)
            case let .scaleMixture(p):
                let w = m + sigma * e, s1 = Double(p.sigma1), s2 = Double(p.sigma2)
                let a = Foundation.log(Double(p.pi)) + Reference.logNormal(w, mean: 0, sigma: s1)
                let b = Foundation.log(1 - Double(p.pi)) + Reference.logNormal(w, mean: 0, sigma: s2)
                let r1 = 1 / (1 + Foundation.exp(b - a)), r2 = 1 - r1
                let gradWeight = u * w * (r1 / (s1 * s1) + r2 / (s2 * s2)) + g
                gradMu.append(gradWeight)
                gradRho.append(-u * slope / sigma + gradWeight * e * slope)
            }
        }
        return gradMu + gradRho
    }
}
