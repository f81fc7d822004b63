import DeepBayesCore
import Foundation

/// The Bayes-by-Backprop minibatch loss and its scaling.
///
/// For a dataset split into `M` minibatches `B₁ … B_M`, the loss of minibatch `b` is
///
///     L_b = KL(q ‖ p) / M  +  Σ_{i ∈ B_b} -log p(yᵢ | xᵢ, w_b)
///
/// with `KL` the sum over all layers (`ForwardContext.totalKL()`), and the NLL **summed**
/// (not averaged) over the minibatch. Summed over one epoch, `Σ_b L_b = KL + Σ_i NLL_i`: the
/// negative ELBO of the whole dataset (one weight sample per minibatch), which is the quantity
/// the weights minimize (Blundell et al. 2015, eq. 8). Averaging the NLL over the minibatch
/// instead would weight the KL `|B|` times too strongly; dividing the whole of `L_b` by the
/// dataset size gives a per-item loss with the same minimizer (`KL / N + mean NLL`), which
/// only rescales the learning rate. `numberOfBatches` is `M`, counting a last partial batch.
///
/// The `1 / M` above is the uniform `KLWeighting`; with the geometric one (Blundell et al.,
/// section 3.4) minibatch `i` weighs the KL by `πᵢ` instead, and any weights that sum to one
/// over the epoch keep the epoch's sum the negative ELBO. `KLTerm.scale` (β) multiplies the KL
/// besides: β = 1 is the ELBO, β < 1 a tempered one (an epoch then sums to `β·KL + Σ NLL`).
public struct BayesianObjective: Sendable {
    public let numberOfBatches: Int
    public let kl: KLTerm

    /// Throws unless `numberOfBatches >= 1`.
    public init(numberOfBatches: Int, kl: KLTerm = KLTerm()) throws {
        guard numberOfBatches >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "BayesianObjective", reason: "number of batches \(numberOfBatches) must be at least 1")
        }
        self.numberOfBatches = numberOfBatches
        self.kl = kl
    }

    /// The KL's factor `β · πᵢ` in minibatch `batch` (from 0) of the epoch.
    public func klWeight(batch: Int) -> Float {
        kl.scale * kl.weighting.weight(batch: batch, of: numberOfBatches)
    }

    /// `β · πᵢ · KL + Σ nll` for minibatch `batch` (from 0; `KL / M + Σ nll` with the uniform
    /// weighting and β = 1), per-item negative log-likelihoods `nll` and the pass's total KL.
    public func minibatchLoss(kl: Variable, negativeLogLikelihoods nll: Variable, batch: Int = 0, on tape: Tape) throws -> Variable {
        try tape.add(tape.scaled(kl, by: klWeight(batch: batch)), tape.sum(nll))
    }
}

/// How the KL enters the minibatch losses: spread over an epoch by `weighting`, times `scale`.
public struct KLTerm: Sendable, Equatable {
    /// How an epoch's minibatches share the KL.
    public var weighting: KLWeighting
    /// β, the factor of the whole KL: 1 (the ELBO) unless the posterior is tempered.
    public var scale: Float

    /// `scale` is meant to lie in (0, 1] (`deepbayes train --kl-scale` refuses others).
    public init(weighting: KLWeighting = .uniform, scale: Float = 1) {
        self.weighting = weighting
        self.scale = scale
    }
}

/// How the KL term of the ELBO is spread over the `M` minibatches of an epoch: minibatch `i`
/// (from 1) carries `πᵢ · KL`, with `Σᵢ πᵢ = 1` so that an epoch sums to the whole KL.
public enum KLWeighting: String, Sendable, CaseIterable, Codable {
    /// `πᵢ = 1 / M`: every minibatch carries the same share.
    case uniform
    /// `πᵢ = 2^(M−i) / (2^M − 1)` (Blundell et al. 2015, section 3.4): the first minibatches
    /// of an epoch carry most of the KL, the later ones are shaped by the data alone.
    case geometric

    /// `πᵢ` for minibatch `batch` (from 0, so `i = batch + 1`) of `count`. The geometric weight
    /// is computed as `2^(−i) / (1 − 2^(−M))`, which neither overflows for large `M` nor loses
    /// the first weights; those of minibatches past about 150 are below `Float`'s range and 0.
    public func weight(batch: Int, of count: Int) -> Float {
        switch self {
        case .uniform:
            return 1 / Float(count)
        case .geometric:
            return Float(Foundation.pow(2, -Double(batch + 1)) / (1 - Foundation.pow(2, -Double(count))))
        }
    }
}
