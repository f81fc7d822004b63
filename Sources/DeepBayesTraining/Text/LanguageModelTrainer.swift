import DeepBayesCore
import DeepBayesData
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import Foundation

/// How long and how a character language model trains, and where its files go.
public struct LanguageModelTrainingOptions: Sendable {
    public var epochs: Int
    public var learningRate: Float
    /// The learning rate of epoch `e` (from 1) is `learningRate · learningRateDecay^(e-1)`.
    public var learningRateDecay: Float = 1
    /// The largest global gradient norm of a step (`GradientClipping`).
    public var clipNorm: Float = LanguageModelTrainingOptions.defaultClipNorm
    /// Sampled runs of the validation text per evaluation (Bayesian, MC dropout).
    public var evaluationSamples: Int
    /// How the Bayesian model's KL enters the chunks' losses (its spread over an epoch, β).
    public var kl = KLTerm()
    public var output: URL

    /// Adam's learning rate when none is given (on Paradise Lost, 128 LSTM units, 32 streams of
    /// 100 steps: 2.9 validation bits per character after 3 epochs, against 3.3 with 2e-3 and
    /// 2.6 with 1e-2, which may be too high for wider networks), and the clipping norm.
    public static let defaultLearningRate: Float = 5e-3
    public static let defaultClipNorm: Float = 5

    public init(epochs: Int, learningRate: Float, evaluationSamples: Int, output: URL) throws {
        try TrainingOptions.check(counts: [("epochs", epochs), ("samples", evaluationSamples)], learningRate: learningRate)
        self.epochs = epochs
        self.learningRate = learningRate
        self.evaluationSamples = evaluationSamples
        self.output = output
    }
}

/// Thrown by `LanguageModelTrainer.run` when an `InterruptionRequest` stopped it: the weights
/// after the last whole chunk are in `model.safetensors` (no metrics line names them).
public struct LanguageModelInterrupted: Error, CustomStringConvertible {
    /// The output folder.
    public let run: String
    public let epoch: Int
    public let chunk: Int

    public var description: String {
        "\(run): interrupted in epoch \(epoch) after chunk \(chunk); model.safetensors holds the weights at that point"
            + " (a language model's run cannot be resumed)"
    }
}

/// Trains a character language model by truncated backpropagation through time and writes,
/// after every epoch, `model.safetensors`, `best.safetensors` (the epoch with the lowest
/// validation bits per character so far) and `metrics.jsonl` (one line per epoch: `epoch`,
/// `seconds`, `learning_rate`, `train_loss`, `train_bpc`, for the Bayesian model `train_kl`
/// (the mean per-character KL term) and `validation_bpc_mean` (posterior-mean weights),
/// `validation_bpc`), in that order, every file atomically (`AtomicFile`), under a `FolderLock`
/// taken before the stale temporary files of a killed run are removed, as `Trainer` does.
///
/// An epoch reads the training text as `SequenceBatches` of `B` streams of `T` steps; chunk
/// `k` continues chunk `k − 1` in every stream, so the recurrent state after a chunk is the
/// next chunk's initial state, detached (`RecurrentState.detached`: gradients stop at the
/// chunk's start); each epoch starts from zeros. Every chunk is one Adam step on
/// `CharacterLanguageModel.lossTerms` (with `BayesianObjective(numberOfBatches:)` the chunks
/// per epoch), its gradients clipped to a global norm of `clipNorm`, under its own
/// `RandomPass(.training, index: step)`. A loss that leaves the finite range stops the run
/// (`DivergenceGuard`) before that epoch's checkpoint.
public final class LanguageModelTrainer {
    public let description: LanguageModelDescription
    public let corpus: CharacterCorpus
    public let options: LanguageModelTrainingOptions
    public let backend: any Backend
    let progress: ProgressReporter
    /// Asked after every chunk whether to stop (Ctrl-C).
    let interruption: InterruptionRequest?

    public init(description: LanguageModelDescription, corpus: CharacterCorpus, options: LanguageModelTrainingOptions, backend: any Backend,
                progress: ProgressReporter = ProgressReporter(), interruption: InterruptionRequest? = nil) {
        self.description = description
        self.corpus = corpus
        self.options = options
        self.backend = backend
        self.progress = progress
        self.interruption = interruption
    }

    public var metricsURL: URL { RunFolder(options.output).metrics }
    public var checkpointURL: URL { RunFolder(options.output).checkpoint }
    public var bestURL: URL { RunFolder(options.output).best }

    /// The metric `best.safetensors` is chosen on.
    public static let selection = ModelSelection(metric: "validation_bpc", lowerIsBetter: true)

    /// Runs the whole training; returns the trained model and the last epoch's metrics.
    @discardableResult
    public func run() throws -> (model: CharacterLanguageModel, metrics: [(String, Double)]) {
        guard try corpus.vocabulary == description.characterVocabulary() else {
            throw DeepBayesError.invalidArgument(operation: "train", reason: "the description's vocabulary is not the corpus's")
        }
        let batches = try SequenceBatches(corpus.training, streams: description.batchSize, length: description.bptt)
        let model = try description.makeModel(on: backend)
        let lock = try RunFolder(options.output).claim(writing: [metricsURL, checkpointURL, bestURL])
        defer { withExtendedLifetime(lock) {} }
        let log = MetricsLog(url: metricsURL)
        let optimizer = Adam(AdamConfiguration(learningRate: options.learningRate), clipNorm: options.clipNorm)
        let parameters = model.trainableParameters
        let objective = try BayesianObjective(numberOfBatches: batches.count, kl: options.kl)
        let divergence = DivergenceGuard(run: options.output.path)
        let characters = Double(batches.streams * batches.length)
        var best: Double?, last: [(String, Double)] = []
        for epoch in 1...options.epochs {
            let rate = options.learningRate * pow(options.learningRateDecay, Float(epoch - 1))
            optimizer.configuration.learningRate = rate
            let start = Date()
            var state: [RecurrentState]?, totals = (loss: 0.0, nll: 0.0, kl: 0.0)
            for (index, chunk) in batches.enumerated() {
                let step = UInt64(epoch - 1) * UInt64(batches.count) + UInt64(index)
                let tape = Tape(backend: backend)
                let context = ForwardContext(tape: tape, mode: .training, seed: description.seed, pass: RandomPass(.training, index: step))
                let terms = try model.lossTerms(inputs: chunk.inputs, targets: chunk.targets, batch: chunk.shape[0], steps: chunk.shape[1],
                                                from: state?.map { $0.detached(on: tape) }, objective: objective, chunk: index, context)
                try tape.backward(from: terms.loss)
                try optimizer.step(parameters)
                state = terms.final
                var losses: [(String, Float)] = [("train_loss", try terms.loss.value.scalar()), ("train_nll", try terms.nll.value.scalar())]
                if let kl = terms.kl { losses.append(("train_kl", try kl.value.scalar())) }
                try divergence.checkStep(losses, epoch: epoch, batch: index + 1)
                totals.loss += Double(losses[0].1)
                totals.nll += Double(losses[1].1)
                totals.kl += losses.count > 2 ? Double(losses[2].1) : 0
                let seconds = Date().timeIntervalSince(start), done = Double(index + 1)
                let epochLeft = seconds / done * Double(batches.count - index - 1)
                progress.batch(epoch: epoch, epochs: options.epochs, index: index + 1, batches: batches.count, loss: losses[0].1,
                               itemsPerSecond: characters * done / seconds, secondsLeft: epochLeft,
                               runSecondsLeft: epochLeft + Double(options.epochs - epoch) * seconds / done * Double(batches.count))
                if interruption?.isRequested == true {
                    try LanguageModelCheckpoint.save(model, description: description, record: record(epochs: epoch - 1), to: checkpointURL)
                    throw LanguageModelInterrupted(run: options.output.path, epoch: epoch, chunk: index + 1)
                }
            }
            let trainSeconds = Date().timeIntervalSince(start), chunks = Double(batches.count)
            let validation = try LanguageModelEvaluation.bitsPerCharacter(model, on: corpus.validation, streams: description.batchSize,
                                                                          length: description.bptt, samples: options.evaluationSamples,
                                                                          seed: description.seed, on: backend)
            var metrics: [(String, Double)] = [("train_loss", totals.loss / chunks),
                                               ("train_bpc", CharacterLanguageModel.bitsPerCharacter(nats: totals.nll / chunks))]
            if model.isBayesian { metrics.append(("train_kl", totals.kl / chunks)) }
            if let mean = validation.posteriorMean { metrics.append(("validation_bpc_mean", mean)) }
            metrics.append(("validation_bpc", validation.predictive))
            try divergence.checkEvaluation(metrics, epoch: epoch)
            // The checkpoints first: a metrics line must never name an epoch whose weights are not on disk.
            try LanguageModelCheckpoint.save(model, description: description, record: record(epochs: epoch), to: checkpointURL)
            if Self.selection.improves(validation.predictive, on: best) {
                try LanguageModelCheckpoint.save(model, description: description,
                                                 record: record(epochs: epoch).merging(["deepbayes.selected_by": "validation_bpc \(validation.predictive)"]) { $1 },
                                                 to: bestURL)
                best = validation.predictive
            }
            try log.append([("epoch", epoch), ("seconds", trainSeconds), ("learning_rate", MetricsLog.decimal(rate))] + metrics.map { ($0.0, $0.1 as Any) })
            last = metrics
            progress.epoch("epoch \(epoch)/\(options.epochs)  \(String(format: "%.1f", trainSeconds)) s  "
                           + metrics.map { "\($0.0) \(String(format: "%.4f", $0.1))" }.joined(separator: "  "))
        }
        return (model, last)
    }

    /// The training record a checkpoint's metadata stores beside the description, after `epochs` epochs.
    func record(epochs: Int) -> [String: String] {
        ["deepbayes.epochs": String(epochs), "deepbayes.learning_rate": String(options.learningRate),
         "deepbayes.learning_rate_decay": String(options.learningRateDecay), "deepbayes.clip_norm": String(options.clipNorm),
         "deepbayes.samples": String(options.evaluationSamples), "deepbayes.kl_weighting": options.kl.weighting.rawValue,
         "deepbayes.kl_scale": String(options.kl.scale), "deepbayes.device": backend.name]
    }
}
