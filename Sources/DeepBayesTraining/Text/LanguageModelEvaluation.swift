import DeepBayesCore
import DeepBayesData
import DeepBayesModels
import DeepBayesNN
import Foundation

/// Bits per character of a character language model on a split of its text.
///
/// The split is read as `SequenceBatches` of `streams` rows of `length` steps (fewer streams
/// when the split is too short for them: `⌊n / (length + 1)⌋`, at least 1, and at most `n − 1`
/// steps), the state carried from chunk to chunk. A model whose predictions vary (Bayesian
/// weights, MC dropout) is run `samples` times over the whole split, run `s` with one draw of
/// its weights and masks (`RandomPass(.evaluation, index: s)`, the same for every chunk of the
/// run, so each run is one network), and the predictive probability of each character is the
/// average of the runs' probabilities, `p̄ = (1/S) Σ_s p_s(x_t | x_<t)` (not of their
/// log-probabilities); the figure is `−(1/N) Σ log₂ p̄`.
public enum LanguageModelEvaluation {
    /// The predictive bits per character and, for the Bayesian variant, those of the
    /// posterior-mean weights (one run with `samplesWeights` off).
    public static func bitsPerCharacter(_ model: CharacterLanguageModel, on encoded: [Int], streams: Int, length: Int, samples: Int,
                                        seed: UInt64, on backend: any Backend) throws -> (predictive: Double, posteriorMean: Double?) {
        let batches = try layout(encoded, streams: streams, length: length)
        let runs = model.samplesPredictions ? samples : 1
        var probabilitySums: [Double] = []
        for run in 0..<runs {
            let probabilities = try characterProbabilities(model, batches, seed: seed, pass: RandomPass(.evaluation, index: UInt64(run)),
                                                           samplesWeights: true, on: backend)
            probabilitySums = probabilitySums.isEmpty ? probabilities : zip(probabilitySums, probabilities).map { $0 + $1 }
        }
        let predictive = bits(probabilitySums.map { $0 / Double(runs) })
        guard model.isBayesian else { return (predictive, nil) }
        let mean = try characterProbabilities(model, batches, seed: seed, pass: RandomPass(.evaluation, index: 0), samplesWeights: false, on: backend)
        return (predictive, bits(mean))
    }

    /// The chunks a split of `n` characters is evaluated in (see the type's documentation).
    public static func layout(_ encoded: [Int], streams: Int, length: Int) throws -> SequenceBatches {
        let steps = max(1, min(length, encoded.count - 1))
        return try SequenceBatches(encoded, streams: max(1, min(streams, encoded.count / (steps + 1))), length: steps)
    }

    /// `−mean log₂ p` of the probabilities.
    static func bits(_ probabilities: [Double]) -> Double {
        -probabilities.reduce(0) { $0 + Foundation.log2($1) } / Double(probabilities.count)
    }

    /// The probability one run of the model gives every target character of the chunks, in
    /// chunk, step, stream order.
    static func characterProbabilities(_ model: CharacterLanguageModel, _ batches: SequenceBatches, seed: UInt64, pass: RandomPass,
                                       samplesWeights: Bool, on backend: any Backend) throws -> [Double] {
        var state: [RecurrentState]?, probabilities: [Double] = []
        probabilities.reserveCapacity(batches.count * batches.streams * batches.length)
        for chunk in batches {
            let tape = Tape(backend: backend)
            let context = ForwardContext(tape: tape, mode: .inference, seed: seed, pass: pass, samplesWeights: samplesWeights)
            let (nll, final) = try model.negativeLogLikelihoods(inputs: chunk.inputs, targets: chunk.targets, batch: chunk.shape[0], steps: chunk.shape[1],
                                                                from: state?.map { $0.detached(on: tape) }, context)
            for step in nll { probabilities += try step.value.toArray().map { Foundation.exp(-Double($0)) } }
            state = final
        }
        return probabilities
    }
}
