/// The prior over each weight of a Bayesian layer (and the prior argument of the fused
/// `sampleWithKL` kernels).
public enum WeightPrior: Hashable, Sendable {
    /// `N(0, σ²)`: the KL is computed in closed form.
    case gaussian(sigma: Float)
    /// `π N(0, σ₁²) + (1-π) N(0, σ₂²)` (Blundell et al. 2015): the KL is the Monte-Carlo term
    /// `log q(w) - log p(w)` of the sampled weights, by log-sum-exp (finite for every `w`).
    case scaleMixture(ScaleMixturePrior)
}
