import DeepBayesCore
import Foundation

/// Per-item losses on the tape. Each returns one loss per item (row or element); reduce with
/// `Tape.sum` or `Tape.mean` where the scaling is chosen (see `BayesianObjective`).
extension Tape {
    /// `ℓ[r] = -log softmax(logits[r])[label[r]]` for `[N, C]` logits and `[N]` class indices
    /// stored as floats. Shape `[N]`.
    public func crossEntropy(logits: Variable, labels: Tensor) throws -> Variable {
        let backend = self.backend
        let losses = try backend.crossEntropy(logits: logits.value, labels: labels)
        return record(losses, inputs: [logits]) { g in
            [try backend.crossEntropyBackward(logits: logits.value, labels: labels, gradOutput: g)]
        }
    }

    /// Elementwise `-t log σ(x) - (1-t) log(1-σ(x))` in its stable form, for targets in [0, 1].
    public func binaryCrossEntropy(logits: Variable, targets: Tensor) throws -> Variable {
        let backend = self.backend
        let losses = try backend.bceWithLogits(logits: logits.value, targets: targets)
        return record(losses, inputs: [logits]) { g in
            [try backend.bceWithLogitsBackward(logits: logits.value, targets: targets, gradOutput: g)]
        }
    }

    /// The heteroscedastic Gaussian negative log-likelihood, elementwise:
    /// `ℓ = ½ (λ + (y - μ)² e^{-λ} + log 2π)` for predicted mean `μ` and log-variance `λ`.
    /// Learning `λ` per input lets a regressor report noise that changes with the input.
    public func gaussianNLL(mean: Variable, logVariance: Variable, targets: Tensor) throws -> Variable {
        try requireShape(logVariance.value, mean.shape, "gaussianNLL", "logVariance")
        let residual = try subtract(mean, constant(targets))
        let precision = try apply(.exp, apply(.negate, logVariance))
        let weighted = try multiply(apply(.square, residual), precision)
        return try scaled(add(logVariance, weighted), by: 0.5, plus: Float(0.5 * log(2 * Double.pi)))
    }

    /// The VAE's `KL(N(μ, e^λ) ‖ N(0, I))` per row of `[N, D]` encoder outputs. Shape `[N]`.
    public func klStandardNormal(mean: Variable, logVariance: Variable) throws -> Variable {
        let backend = self.backend
        let kl = try backend.klStandardNormal(mean: mean.value, logVariance: logVariance.value)
        return record(kl, inputs: [mean, logVariance]) { g in
            let gradients = try backend.klStandardNormalBackward(mean: mean.value, logVariance: logVariance.value, gradOutput: g)
            return [gradients.mean, gradients.logVariance]
        }
    }
}
