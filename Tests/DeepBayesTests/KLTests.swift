import DeepBayesBackendConformance
import DeepBayesCore
import Foundation
import Testing

/// The KL kernels against Monte-Carlo estimates, and the scale-mixture density at extremes.
@Suite struct KLTests {
    /// Mean and standard error of `values`.
    static func meanAndStandardError(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, (variance / Double(values.count)).squareRoot())
    }

    /// Closed-form `KL(N(μ, σ²) ‖ N(0, s²))` against the average of `log q(w) - log p(w)` over
    /// 10⁵ backend samples `w = μ + σε`; the backend's own `mixtureKL` with σ₁ = σ₂ = s (the
    /// mixture then is `N(0, s²)`) gives the per-sample terms.
    @Test(arguments: TestBackends.names)
    func closedFormGaussianKLMatchesMonteCarlo(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let n = 100_000
        for (mu, rho, s) in [(Float(0.3), Float(-1.0), Float(1.0)), (-1.2, 0.5, 0.3), (0.05, -4, 0.1)] {
            let muT = try backend.filled([n], value: mu), rhoT = try backend.filled([n], value: rho)
            let (w, _) = try backend.sampleGaussian(mu: muT, rho: rhoT, seed: 77, stream: 1)
            let sigma = Reference.softplus(Double(rho))
            let terms = try w.toArray().map {
                Reference.logNormal(Double($0), mean: Double(mu), sigma: sigma) - Reference.logNormal(Double($0), mean: 0, sigma: Double(s))
            }
            let (estimate, standardError) = Self.meanAndStandardError(terms)
            let closedForm = try backend.klGaussian(mu: muT, rho: rhoT, priorSigma: s).scalar() / Float(n)
            #expect(abs(Double(closedForm) - estimate) < 4 * standardError, "closed form \(closedForm), Monte Carlo \(estimate) ± \(standardError)")
            let prior = try ScaleMixturePrior(pi: 0.5, sigma1: s, sigma2: s)
            let backendMC = try backend.mixtureKL(sample: w, mu: muT, rho: rhoT, prior: prior).scalar() / Float(n)
            #expect(abs(Double(backendMC) - estimate) <= 1e-3 * max(1, abs(estimate)), "mixtureKL term \(backendMC) vs \(estimate)")
        }
    }

    /// The VAE's KL against a Monte-Carlo estimate over 10⁵ samples of `z ~ N(μ, e^λ)`.
    @Test(arguments: TestBackends.names)
    func vaeKLMatchesMonteCarlo(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let n = 100_000
        let (mean, logVariance): (Float, Float) = (0.7, -1.3)
        let closedForm = try backend.klStandardNormal(mean: backend.tensor([mean], shape: [1, 1]), logVariance: backend.tensor([logVariance], shape: [1, 1])).scalar()
        let sigma = exp(0.5 * Double(logVariance))
        let eps = try backend.randomNormal([n], RandomStream(seed: 8, stream: 8)).toArray()
        let terms = eps.map { e -> Double in
            let z = Double(mean) + sigma * Double(e)
            return Reference.logNormal(z, mean: Double(mean), sigma: sigma) - Reference.logNormal(z, mean: 0, sigma: 1)
        }
        let (estimate, standardError) = Self.meanAndStandardError(terms)
        #expect(abs(Double(closedForm) - estimate) < 4 * standardError, "closed form \(closedForm), Monte Carlo \(estimate) ± \(standardError)")
    }

    /// `log p(w)` of the scale mixture stays finite for |w| up to 10³ and σ₂ down to e⁻⁸, and so
    /// do the KL term and its gradients, even for very small posterior scales.
    @Test(arguments: TestBackends.names)
    func scaleMixtureStaysFiniteAtExtremes(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let prior = try ScaleMixturePrior(pi: 0.5, sigma1: 1, sigma2: Float(exp(-8.0)))
        let w: [Float] = [-1000, -31.6, -1, -1e-3, 0, 1e-6, 0.5, 10, 1000]
        let mu = w.map { $0 * 0.99 }, rho = [Float](repeating: -20, count: w.count)
        let shape: Shape = [w.count]
        let (wT, muT, rhoT) = (try backend.tensor(w, shape: shape), try backend.tensor(mu, shape: shape), try backend.tensor(rho, shape: shape))
        let kl = try backend.mixtureKL(sample: wT, mu: muT, rho: rhoT, prior: prior).scalar()
        #expect(kl.isFinite, "mixtureKL = \(kl)")
        let grads = try backend.mixtureKLBackward(sample: wT, mu: muT, rho: rhoT, prior: prior, gradOutput: backend.tensor([1], shape: .scalar))
        for (name, gradient) in [("w", grads.sample), ("mu", grads.mu), ("rho", grads.rho)] {
            let values = try gradient.toArray()
            #expect(values.allSatisfy { $0.isFinite }, "∂/∂\(name) = \(values)")
        }
        // The prior alone: the sum of -log p(w) over these w, against the Double reference.
        let zeroRho = try backend.filled(shape, value: 0)
        let onlyPrior = try backend.mixtureKL(sample: wT, mu: wT, rho: zeroRho, prior: prior).scalar()
        let want = w.reduce(0.0) { $0 + Reference.logNormal(Double($1), mean: Double($1), sigma: Reference.softplus(0)) - Reference.logMixture(Double($1), prior) }
        #expect(abs(Double(onlyPrior) - want) <= 1e-5 * abs(want), "mixture log density sum \(onlyPrior) vs \(want)")
    }
}
