import DeepBayesCore
import DeepBayesNN

extension ClassifierModel {
    /// The softmax probabilities of each sampled pass over `[N, 784]` images: element `t` holds
    /// pass `t`'s `[N, C]` probabilities, row-major.
    ///
    /// The passes are those `predict` averages (`BayesianPrediction.classify`): pass `t` runs
    /// in inference mode with noise `RandomPass(.evaluation, index: 0).advanced(by: t)` of
    /// `seed`, and `p_t = exp(logSoftmax(logits))` (with a `logitVarianceHead`: the softmax
    /// averaged over the pass's logit noise); so the mean of the returned passes is
    /// `predict(images:samples:seed:).meanProbabilities` (up to float rounding). A
    /// deterministic network gives one pass whatever `samples` is, as `predict` does.
    /// - Throws: `DeepBayesError.invalidArgument` for `samples` below 1; the backend's errors.
    public func sampledProbabilities(images: Tensor, samples: Int, seed: UInt64) throws -> [[Float]] {
        guard samples >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "sampledProbabilities", reason: "needs at least one sample, got \(samples)")
        }
        let backend = images.backend, firstPass = RandomPass(.evaluation, index: 0)
        return try (0..<(samplesPredictions ? samples : 1)).map { t in
            let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .inference,
                                         seed: seed, pass: firstPass.advanced(by: t))
            return try passProbabilities(images: images, context).probabilities.toArray()
        }
    }
}
