import DeepBayesCore

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
public struct BayesianObjective: Sendable {
    public let numberOfBatches: Int

    /// Throws unless `numberOfBatches >= 1`.
    public init(numberOfBatches: Int) throws {
        guard numberOfBatches >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "BayesianObjective", reason: "number of batches \(numberOfBatches) must be at least 1")
        }
        self.numberOfBatches = numberOfBatches
    }

    /// `KL / M + Σ nll` for per-item negative log-likelihoods `nll` and the pass's total KL.
    public func minibatchLoss(kl: Variable, negativeLogLikelihoods nll: Variable, on tape: Tape) throws -> Variable {
        try tape.add(tape.scaled(kl, by: 1 / Float(numberOfBatches)), tape.sum(nll))
    }
}
