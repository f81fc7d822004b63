/// The scale-mixture prior of Blundell et al. (2015): `p(w) = π N(w; 0, σ₁²) + (1 - π) N(w; 0, σ₂²)`,
/// usually with σ₁ large and σ₂ tiny. Its log-density is evaluated with log-sum-exp, so it
/// stays finite for any finite `w` and any positive scales.
public struct ScaleMixturePrior: Hashable, Sendable {
    /// Weight of the first component, in (0, 1).
    public let pi: Float
    public let sigma1: Float
    public let sigma2: Float

    /// Checks that `0 < pi < 1` and both scales are positive and finite.
    public init(pi: Float, sigma1: Float, sigma2: Float) throws {
        guard pi > 0, pi < 1, sigma1 > 0, sigma2 > 0, sigma1.isFinite, sigma2.isFinite else {
            throw DeepBayesError.invalidArgument(operation: "ScaleMixturePrior", reason: "need 0 < pi < 1 and positive finite sigmas, got pi=\(pi), sigma1=\(sigma1), sigma2=\(sigma2)")
        }
        self.pi = pi
        self.sigma1 = sigma1
        self.sigma2 = sigma2
    }
}
