import DeepBayesCore
import Foundation

/// The log-density of a `ScaleMixturePrior` on 16 weights at once, evaluated by log-sum-exp so
/// it is finite for any finite `w` and any positive scales (for example `|w| = 1e3` with
/// `σ₂ = e⁻⁸`).
struct MixtureLogDensity {
    /// `log π - log σ₁ - ½ log 2π` and `log(1 - π) - log σ₂ - ½ log 2π`.
    let offset1, offset2: Float
    /// `1 / σ₁` and `1 / σ₂`.
    let inverseSigma1, inverseSigma2: Float
    /// `1 / σ₁²` and `1 / σ₂²`.
    let precision1, precision2: Float

    init(_ prior: ScaleMixturePrior) {
        let logSqrtTwoPi = Double(ScalarMath.logSqrtTwoPi)
        offset1 = Float(Foundation.log(Double(prior.pi)) - Foundation.log(Double(prior.sigma1)) - logSqrtTwoPi)
        offset2 = Float(Foundation.log1p(-Double(prior.pi)) - Foundation.log(Double(prior.sigma2)) - logSqrtTwoPi)
        inverseSigma1 = 1 / prior.sigma1
        inverseSigma2 = 1 / prior.sigma2
        precision1 = inverseSigma1 * inverseSigma1
        precision2 = inverseSigma2 * inverseSigma2
    }

    /// `(a₁, a₂)` with `aₖ = log(weightₖ · N(w; 0, σₖ²))`; the squares are taken of `w/σₖ`, so
    /// they overflow only when `|w|/σₖ` exceeds about 1.8e19.
    @_transparent
    func weightedLogDensities(_ w: FloatVector) -> (FloatVector, FloatVector) {
        let z1 = w * inverseSigma1, z2 = w * inverseSigma2
        return (offset1 - 0.5 * z1 * z1, offset2 - 0.5 * z2 * z2)
    }

    /// `r₁/σ₁² + r₂/σ₂²` with the responsibilities `r₁ = sigmoid(a₁ - a₂)`, `r₂ = 1 - r₁`, as
    /// `(P + e·Q) / (1 + e)` where `e = e^{-|a₁ - a₂|}`, `P` is the precision of the likelier
    /// component and `Q` the other's: one exponential and one division, no cancellation.
    @_transparent
    func precision(_ w: FloatVector) -> FloatVector {
        let (a1, a2) = weightedLogDensities(w)
        let e = VectorMath.expOfNonPositive(-(a1 - a2).magnitude)
        let first = a1 .>= a2
        let likelier = FloatVector(repeating: precision2).replacing(with: precision1, where: first)
        let other = FloatVector(repeating: precision1).replacing(with: precision2, where: first)
        return likelier.addingProduct(e, other) / (1 + e)
    }

    /// `log p(w) = logAddExp(a₁, a₂)`.
    @_transparent
    func logDensity(_ w: FloatVector) -> FloatVector {
        let (a1, a2) = weightedLogDensities(w)
        return VectorMath.logAddExp(a1, a2)
    }
}
