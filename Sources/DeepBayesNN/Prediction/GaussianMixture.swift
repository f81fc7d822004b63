import DeepBayesCore
import Foundation

/// An equally weighted mixture of Gaussians, `p(y) = (1/T) Σ_t N(y; μ_t, σ_t²)`: the predictive
/// distribution of T sampled regression passes. A component with `σ_t = 0` is a point mass at
/// `μ_t`, so T point masses are the empirical distribution of the `μ_t`.
public struct GaussianMixture: Sendable {
    public let means: [Double]
    public let variances: [Double]

    /// The mixture of `N(means[t], variances[t])`; the two arrays must have the same, non-zero
    /// length and the variances must be at least 0 (a negative one is taken as 0).
    public init(means: [Double], variances: [Double]) {
        self.means = means
        self.variances = variances.map { max(0, $0) }
    }

    /// `F(y) = (1/T) Σ_t Φ((y − μ_t) / σ_t)` with `Φ(z) = ½ erfc(−z/√2)`; a point mass counts
    /// 1 once `y ≥ μ_t`.
    public func cdf(_ y: Double) -> Double {
        var total = 0.0
        for (mean, variance) in zip(means, variances) {
            if variance == 0 {
                total += y >= mean ? 1 : 0
            } else {
                total += 0.5 * erfc(-(y - mean) / (2 * variance).squareRoot())
            }
        }
        return total / Double(means.count)
    }

    /// The `p`-quantile, the smallest `y` with `F(y) ≥ p`, found by bisection on `F` between
    /// `min_t(μ_t − 10 σ_t)` and `max_t(μ_t + 10 σ_t)` (where `F` is below 10⁻²³ and above
    /// 1 − 10⁻²³) until the bracket is one `Double` step wide. For one component it is
    /// `μ + σ Φ⁻¹(p)`; for point masses, the sampled value where the empirical CDF reaches `p`.
    /// `invalidArgument` unless `0 < p < 1` and the mixture has a component.
    public func quantile(_ p: Double) throws -> Double {
        guard p > 0, p < 1 else {
            throw DeepBayesError.invalidArgument(operation: "GaussianMixture.quantile", reason: "probability \(p) must lie in (0, 1)")
        }
        guard !means.isEmpty, means.count == variances.count else {
            throw DeepBayesError.invalidArgument(operation: "GaussianMixture.quantile", reason: "needs as many variances as means, at least one (got \(means.count) and \(variances.count))")
        }
        let spreads = zip(means, variances).map { (low: $0 - 10 * $1.squareRoot(), high: $0 + 10 * $1.squareRoot()) }
        var low = spreads.map(\.low).min()!, high = spreads.map(\.high).max()!
        if cdf(low) >= p { return low }
        while true {
            let middle = low + (high - low) / 2
            guard middle > low, middle < high else { return high }
            if cdf(middle) >= p { high = middle } else { low = middle }
        }
    }
}
