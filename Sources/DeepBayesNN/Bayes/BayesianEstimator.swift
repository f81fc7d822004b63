/// How a Bayesian layer turns its weight posterior into noisy outputs.
public enum BayesianEstimator: Sendable {
    /// The reparameterization trick: one weight sample `w = μ + σ·ε` per forward pass,
    /// shared by the minibatch.
    case reparameterization
    /// Local reparameterization (Kingma et al. 2015): the pre-activations' mean `x·μ` and
    /// variance `x²·σ²` are sampled directly, independently per item, which lowers the
    /// gradient variance. With a scale-mixture prior the KL still uses one weight sample.
    case localReparameterization
    /// Flipout (Wen et al. 2018), dense layers only: one weight perturbation `ΔW = σ·ε` per
    /// pass, decorrelated across the minibatch by random signs, `y = x·μ + ((x ⊙ s)·ΔW) ⊙ r`
    /// with `s ∈ {±1}^{N×in}`, `r ∈ {±1}^{N×out}`: each item sees its own weight sample.
    case flipout
}
