import DeepBayesCore
import DeepBayesNN
import Foundation
import Testing

/// The quantiles of the predictive mixture `(1/T) Σ N(μ_t, σ_t²)` against closed forms.
@Suite struct GaussianMixtureTests {
    /// One component is a Gaussian: its quantiles are `μ + σ Φ⁻¹(p)`, with Φ⁻¹(0.975) =
    /// 1.959963984540054, Φ⁻¹(0.75) = 0.6744897501960817, Φ⁻¹(0.5) = 0.
    @Test func oneComponentGivesTheGaussianQuantiles() throws {
        let mixture = GaussianMixture(means: [1.5], variances: [4])
        for (p, z) in [(0.975, 1.959963984540054), (0.025, -1.959963984540054), (0.75, 0.6744897501960817), (0.25, -0.6744897501960817), (0.5, 0.0)] {
            #expect(abs(try mixture.quantile(p) - (1.5 + 2 * z)) <= 1e-9, "p = \(p)")
        }
    }

    /// Two mirrored components have their median at the centre; `F(quantile(p)) = p` for an
    /// uneven mixture; `T` copies of one Gaussian are that Gaussian.
    @Test func mixturesInvertTheirCDF() throws {
        #expect(abs(try GaussianMixture(means: [-1, 3], variances: [0.5, 0.5]).quantile(0.5) - 1) <= 1e-9)
        let uneven = GaussianMixture(means: [0, 0.3, 2], variances: [0.01, 1, 0.25])
        for p in [0.025, 0.25, 0.5, 0.75, 0.975] {
            #expect(abs(uneven.cdf(try uneven.quantile(p)) - p) <= 1e-12, "p = \(p)")
        }
        let copies = GaussianMixture(means: [Double](repeating: -2, count: 7), variances: [Double](repeating: 9, count: 7))
        #expect(abs(try copies.quantile(0.975) - (-2 + 3 * 1.959963984540054)) <= 1e-9)
    }

    /// Point masses (σ = 0) are the empirical distribution: the quantile is the smallest value
    /// whose share reaches `p`.
    @Test func pointMassesGiveTheEmpiricalQuantiles() throws {
        let masses = GaussianMixture(means: [4, 1, 3, 2], variances: [0, 0, 0, 0])
        #expect(try masses.quantile(0.5) == 2)
        #expect(try masses.quantile(0.51) == 3)
        #expect(try masses.quantile(0.1) == 1)
        #expect(try masses.quantile(0.975) == 4)
    }

    @Test func probabilitiesOutsideTheOpenIntervalAreRefused() {
        let mixture = GaussianMixture(means: [0], variances: [1])
        for p in [0, 1, -0.5, .nan] {
            #expect(throws: DeepBayesError.self) { try mixture.quantile(p) }
        }
        #expect(throws: DeepBayesError.self) { try GaussianMixture(means: [], variances: []).quantile(0.5) }
    }
}
