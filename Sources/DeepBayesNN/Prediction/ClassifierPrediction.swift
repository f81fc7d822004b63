import DeepBayesCore
import Foundation

/// What T sampled forward passes of a classifier say about each input.
///
/// With `p_t` the softmax of pass `t` and `p̄ = (1/T) Σ_t p_t`:
/// - `predictiveEntropy` `H[p̄] = -Σ_c p̄_c log p̄_c`: the total uncertainty;
/// - `expectedEntropy` `(1/T) Σ_t H[p_t]`: the aleatoric part (noise the model expects);
/// - `mutualInformation` `H[p̄] - (1/T) Σ_t H[p_t]` ≥ 0: the epistemic part, how much the
///   sampled networks disagree (Houlsby et al. 2011; Gal 2016). All in nats.
public struct ClassifierPrediction {
    /// Number of classes `C`.
    public let classes: Int
    /// `p̄`, row-major `[N, C]`.
    public let meanProbabilities: [Float]
    public let predictiveEntropy: [Float]
    public let expectedEntropy: [Float]
    public let mutualInformation: [Float]
    /// The mean predicted logit variance of each input, for a model that learns it (Kendall and
    /// Gal's aleatoric measure); nil for the others.
    public var logitVariance: [Float]?

    public init(classes: Int, meanProbabilities: [Float], predictiveEntropy: [Float], expectedEntropy: [Float], mutualInformation: [Float]) {
        self.classes = classes
        self.meanProbabilities = meanProbabilities
        self.predictiveEntropy = predictiveEntropy
        self.expectedEntropy = expectedEntropy
        self.mutualInformation = mutualInformation
    }

    /// Number of inputs `N`.
    public var count: Int { predictiveEntropy.count }

    /// The class with the largest mean probability for input `index`.
    public func predictedClass(_ index: Int) -> Int {
        let row = meanProbabilities[index * classes..<(index + 1) * classes]
        return row.indices.max { row[$0] < row[$1] }! - index * classes
    }
}

/// Predictions of Bayesian models (BBB, MC dropout) by averaging sampled forward passes.
public enum BayesianPrediction {
    /// Runs `logits` `samples` times in inference mode, pass `firstPass.advanced(by: t)` of `seed` (so the
    /// noise differs from training passes that use other pass numbers), and summarizes the
    /// softmax outputs. `logits` must return `[N, C]`. The averaging runs on the device; only
    /// the summaries are read back.
    public static func classify(samples: Int, seed: UInt64, firstPass: RandomPass = RandomPass(.evaluation, index: 0), on backend: any Backend,
                                logits: (ForwardContext) throws -> Variable) throws -> ClassifierPrediction {
        try summarize(samples: samples, seed: seed, firstPass: firstPass, on: backend) { context in
            let output = try logits(context).value
            guard output.shape.rank == 2 else {
                throw DeepBayesError.shapeMismatch(operation: "classify", reason: "logits \(output.shape) must be [N, C]")
            }
            let logProbabilities = try backend.logSoftmax(of: output)
            return (try backend.apply(.exp, logProbabilities), logProbabilities)
        }
    }

    /// `classify` for passes that give class probabilities `[N, C]` directly (a softmax already
    /// averaged over logit noise); their logarithms are taken of `p + 10⁻³⁰`, so that a
    /// probability that underflowed to 0 adds 0 to the entropy.
    public static func classify(samples: Int, seed: UInt64, firstPass: RandomPass = RandomPass(.evaluation, index: 0), on backend: any Backend,
                                probabilities: (ForwardContext) throws -> Tensor) throws -> ClassifierPrediction {
        try summarize(samples: samples, seed: seed, firstPass: firstPass, on: backend) { context in
            let output = try probabilities(context)
            guard output.shape.rank == 2 else {
                throw DeepBayesError.shapeMismatch(operation: "classify", reason: "probabilities \(output.shape) must be [N, C]")
            }
            return (output, try backend.apply(.log, backend.scaled(output, by: 1, plus: 1e-30)))
        }
    }

    /// The passes' probabilities and log-probabilities, averaged and summarized on the device.
    private static func summarize(samples: Int, seed: UInt64, firstPass: RandomPass, on backend: any Backend,
                                  pass: (ForwardContext) throws -> (probabilities: Tensor, logProbabilities: Tensor)) throws -> ClassifierPrediction {
        guard samples >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "classify", reason: "needs at least one sample, got \(samples)")
        }
        var probabilitySum: Tensor?
        var entropySum: Tensor?
        for t in 0..<samples {
            let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .inference,
                                         seed: seed, pass: firstPass.advanced(by: t))
            let (probabilities, logProbabilities) = try pass(context)
            let entropy = try backend.scaled(backend.sum(backend.combine(.multiply, probabilities, logProbabilities), keepingAxis: 0), by: -1)
            probabilitySum = try probabilitySum.map { try backend.combine(.add, $0, probabilities) } ?? probabilities
            entropySum = try entropySum.map { try backend.combine(.add, $0, entropy) } ?? entropy
        }
        let classes = probabilitySum!.shape[1]
        let scale = 1 / Float(samples)
        let mean = try backend.scaled(probabilitySum!, by: scale).toArray()
        let expected = try backend.scaled(entropySum!, by: scale).toArray()
        let predictive = stride(from: 0, to: mean.count, by: classes).map { start in
            -mean[start..<start + classes].reduce(Float(0)) { $0 + ($1 > 0 ? $1 * Foundation.log($1) : 0) }
        }
        return ClassifierPrediction(classes: classes, meanProbabilities: mean, predictiveEntropy: predictive,
                                    expectedEntropy: expected, mutualInformation: zip(predictive, expected).map { max(0, $0 - $1) })
    }

    /// `classify` for a model that maps `input` to logits.
    public static func classify(_ model: any Layer, input: Tensor, samples: Int, seed: UInt64) throws -> ClassifierPrediction {
        try classify(samples: samples, seed: seed, on: input.backend) { context in
            try model(context.tape.constant(input), context)
        }
    }
}
