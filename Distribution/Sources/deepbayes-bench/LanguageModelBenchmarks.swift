import DeepBayesBackends
import DeepBayesData
import DeepBayesModels
import DeepBayesNN
import DeepBayesTraining

/// One training step of the character language model as `deepbayes train rnn --task text` runs
/// it by default (an LSTM of 256 units, 32 streams of 100 characters of the shipped text, Adam
/// with the gradient norm clipped at 5; the Bayesian one with the default scale-mixture prior): forward through the 100 steps, backward, update; plain
/// and Bayesian, timed as characters per second. Validated, like the other training steps, by
/// the first step's losses on every backend.
enum LanguageModelBenchmarks {
    static let (streams, length, units) = (32, 100, 256)

    static func all() throws -> [Benchmark] {
        let corpus = try CharacterCorpus.load(url: DataSource(root: nil).text(CharacterCorpus.shippedTextName))
        let batches = try SequenceBatches(corpus.training, streams: streams, length: length)
        let chunk = batches[0], vocabulary = corpus.vocabulary.count
        let variants: [(String, CharacterLanguageModel.Variant)] = [("lstm", .plain(dropout: 0)),
                                                                     ("bayesian lstm", .bayesian(prior: try PriorSpec.mixture().weightPrior()))]
        return variants.map { label, variant in
            Benchmark(kernel: "train step", shape: "text \(label) \(units), \(streams)x\(length) characters", work: .items(Double(streams * length)),
                      yardstick: .otherBackend) { backend in
                let model = try CharacterLanguageModel(cell: .lstm, vocabularySize: vocabulary, hidden: [units], variant: variant,
                                                       ParameterInitializer(backend: backend, seed: 1))
                let optimizer = Adam(AdamConfiguration(learningRate: LanguageModelTrainingOptions.defaultLearningRate),
                                     clipNorm: LanguageModelTrainingOptions.defaultClipNorm)
                let objective = try BayesianObjective(numberOfBatches: batches.count)
                var pass: UInt64 = 0
                return {
                    let tape = Tape(backend: backend)
                    let context = ForwardContext(tape: tape, mode: .training, seed: 1, pass: RandomPass(.training, index: pass))
                    let terms = try model.lossTerms(inputs: chunk.inputs, targets: chunk.targets, batch: streams, steps: length, from: nil,
                                                    objective: objective, chunk: 0, context)
                    try tape.backward(from: terms.loss)
                    try optimizer.step(model.trainableParameters)
                    pass += 1
                    return [try CPUReference.backend.tensor([try terms.loss.value.scalar()], shape: [1])]
                }
            }
        }
    }
}
