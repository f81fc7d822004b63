import DeepBayesBackendConformance
import DeepBayesBackends
import DeepBayesModels
import DeepBayesNN
import DeepBayesTraining
import Foundation
import Testing

/// Bayesian regression end to end with the library's `RegressionModel`: epistemic uncertainty
/// grows away from the data, and a heteroscedastic model recovers noise that changes with the input.
@Suite struct BayesianRegressionTests {
    /// A Bayes-by-Backprop regressor of one hidden relu layer, local reparameterization, prior `N(0, 1)`.
    static func bayesian(hidden: Int, noise: RegressionModel.Noise, seed: UInt64) throws -> RegressionModel {
        try RegressionModel(hidden: [hidden], kind: .bayesian(prior: .gaussian(sigma: 1), estimator: .localReparameterization), noise: noise,
                            ParameterInitializer(backend: TestBackends.cpu, seed: seed))
    }

    /// `y = x³ + N(0, 3²)` on 40 points of [-4, 4] (the toy problem of Hernández-Lobato & Adams
    /// 2015, targets scaled by 1/64), the noise known (a fixed log-variance): the epistemic
    /// standard deviation at x = ±6 must be at least 1.5 times the largest one on the interior
    /// points x = -3 … 3, where the predictive mean must also lie within three predictive
    /// standard deviations of x³.
    @Test func epistemicUncertaintyGrowsOutsideTheData() throws {
        let backend = TestBackends.cpu
        var random = HostRandom(seed: 31)
        let x = random.array(40, -4, 4)
        let noise: Float = 3, scale: Float = 64
        let y = x.map { ($0 * $0 * $0 + noise * random.normal()) / scale }
        let model = try Self.bayesian(hidden: 100, noise: .fixed(logVariance: 2 * log(noise / scale)), seed: 5)
        try model.fit(x: x, y: y, steps: 4000, learningRate: 0.01, seed: 6, on: backend)

        let interior: [Float] = [-3, -2, -1, 0, 1, 2, 3], outside: [Float] = [-6, 6]
        let grid = try backend.tensor(interior + outside, shape: [interior.count + outside.count, 1])
        let prediction = try model.predict(inputs: grid, samples: 200, seed: 7).moments
        let epistemic = prediction.epistemicVariance.map { $0.squareRoot() * scale }
        let insideWorst = epistemic.prefix(interior.count).max()!
        for (offset, point) in outside.enumerated() {
            let std = epistemic[interior.count + offset]
            #expect(std >= 1.5 * insideWorst, "epistemic std at x = \(point) is \(std), inside at most \(insideWorst)")
        }
        for (i, point) in interior.enumerated() {
            let total = (prediction.totalVariance[i].squareRoot() + 1e-3) * scale, mean = prediction.mean[i] * scale
            #expect(abs(mean - point * point * point) <= 3 * total, "mean \(mean) at x = \(point) vs \(point * point * point), std \(total)")
        }
    }

    /// `y = x/2 + σ(x)·ε` with `σ(x) = 0.2 + 0.15·(x + 4)` (0.2 … 1.4) on 2000 points of [-4, 4]:
    /// a model with a learned log-variance head recovers `σ(x)` within 20% at x = -3 … 3.
    @Test func heteroscedasticNoiseIsRecovered() throws {
        let backend = TestBackends.cpu
        var random = HostRandom(seed: 32)
        let x = random.array(2000, -4, 4)
        func sigma(_ x: Float) -> Float { 0.2 + 0.15 * (x + 4) }
        let y = x.map { 0.5 * $0 + sigma($0) * random.normal() }
        let model = try Self.bayesian(hidden: 50, noise: .learned, seed: 8)
        try model.fit(x: x, y: y, steps: 3000, learningRate: 0.01, seed: 9, on: backend)

        let points: [Float] = [-3, -2, -1, 0, 1, 2, 3]
        let grid = try backend.tensor(points, shape: [points.count, 1])
        let prediction = try model.predict(inputs: grid, samples: 100, seed: 10).moments
        for (i, point) in points.enumerated() {
            let recovered = prediction.aleatoricVariance[i].squareRoot()
            #expect(abs(recovered - sigma(point)) <= 0.2 * sigma(point), "noise std at x = \(point): recovered \(recovered), true \(sigma(point))")
        }
    }
}
