import DeepBayesCore
import Foundation

extension Tape {
    /// Kendall and Gal's (2017) loss for a classifier that also predicts how noisy its logits
    /// are: with logits `f` and log-variances `λ` (both `[N, C]`), the corrupted logits of
    /// sample `t` are `x̂_t = f + e^{λ/2} ⊙ ε_t`, `ε_t ~ N(0, I)` given as `noise[t]`, and
    ///
    ///     ℓ[r] = -log (1/T) Σ_t softmax(x̂_t[r])[label[r]]
    ///          = log T - logsumexp_t(-CE(x̂_t[r], label[r])),
    ///
    /// the negative log of the Monte Carlo estimate of the expected likelihood. Shape `[N]`.
    ///
    /// The log-sum-exp subtracts `m[r] = max_t(-CE_t[r])`, computed without the tape: the
    /// value of `m + log Σ_t exp(a_t - m)` does not depend on `m`, so treating it as a
    /// constant leaves the gradient exact. Everything is composed from taped operations, so it
    /// runs, and differentiates, on every backend.
    public func sampledSoftmaxCrossEntropy(logits: Variable, logVariance: Variable, labels: Tensor, noise: [Tensor]) throws -> Variable {
        try requireShape(logVariance.value, logits.shape, "sampledSoftmaxCrossEntropy", "logVariance")
        guard !noise.isEmpty else {
            throw DeepBayesError.invalidArgument(operation: "sampledSoftmaxCrossEntropy", reason: "needs at least one noise sample")
        }
        let scale = try apply(.exp, scaled(logVariance, by: 0.5))
        let logLikelihoods = try noise.map { epsilon in
            try requireShape(epsilon, logits.shape, "sampledSoftmaxCrossEntropy", "noise")
            return try scaled(crossEntropy(logits: add(logits, multiply(scale, constant(epsilon))), labels: labels), by: -1)
        }
        var maximum = logLikelihoods[0].value
        for value in logLikelihoods.dropFirst().map(\.value) {
            maximum = try backend.combine(.add, maximum, backend.apply(.relu, backend.combine(.subtract, value, maximum)))
        }
        let shift = constant(maximum)
        var sum = try apply(.exp, subtract(logLikelihoods[0], shift))
        for value in logLikelihoods.dropFirst() { sum = try add(sum, apply(.exp, subtract(value, shift))) }
        let logMean = try add(scaled(apply(.log, sum), by: 1, plus: -Float(Foundation.log(Double(noise.count)))), shift)
        return try scaled(logMean, by: -1)
    }
}
