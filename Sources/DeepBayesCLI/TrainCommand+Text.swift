import ArgumentParser
import DeepBayesData
import DeepBayesNN
import DeepBayesTraining
import Foundation

/// The options only `train rnn --task text` takes.
struct TextTrainingOptions: ParsableArguments {
    @Option(help: "rnn --task text: the text to learn, <data>/text/NAME.txt (default \(CharacterCorpus.shippedTextName)).")
    var text: String?

    @Option(help: "rnn --task text: steps of truncated backpropagation through time (default 100).")
    var bptt: Int?

    @Option(help: "rnn --task text: the largest global gradient norm of a step (default \(LanguageModelTrainingOptions.defaultClipNorm)).")
    var clipNorm: Float?

    /// Whether none of them is given.
    var isEmpty: Bool { text == nil && bptt == nil && clipNorm == nil }

    /// The truncation when none is given.
    static let defaultBPTT = 100
}

/// `deepbayes train rnn --task text`: a character language model (`LanguageModelTrainer`)
/// on a text of `--data`, with `--cell`, `--hidden` (default one layer of 256), `--batch-size`
/// streams, `--bptt` steps, and `--bayesian` (the prior options of bnn) or `--mcdropout`.
extension TrainCommand {
    /// Whether the command trains the character language model.
    var trainsText: Bool { model == .rnn && task == .text }

    /// The hidden widths of the language model when `--hidden` is not given.
    static let defaultTextHidden = [256]

    /// Refuses, at parse time, the text options outside `--task text`, and the options that
    /// mean nothing for it, in one line each.
    func validateText() throws {
        guard trainsText else {
            try Validation.require(textOptions.isEmpty, "--text, --bptt and --clip-norm are options of rnn --task text")
            return
        }
        for (given, option) in [(aleatoric, "--aleatoric"), (corrupt != 0, "--corrupt"), (trainLimit != nil, "--train-limit"),
                                (testLimit != nil, "--test-limit"), (validation != nil, "--validation (the text's own validation part is used)"),
                                (logEvery != nil, "--log-every"), (resume, "--resume (a language model's run cannot be resumed)")] where given {
            throw ValidationError("\(option) is not an option of rnn --task text")
        }
        if let bptt = textOptions.bptt {
            try Validation.require((1...LanguageModelDescription.maximumBPTT).contains(bptt),
                                   "--bptt \(bptt) must lie in 1...\(LanguageModelDescription.maximumBPTT)")
        }
        if let clipNorm = textOptions.clipNorm { try Validation.require(clipNorm.isFinite && clipNorm > 0, "--clip-norm \(clipNorm) must be a positive finite number") }
        try Validation.require(batchSize <= LanguageModelDescription.maximumBatchSize,
                               "--batch-size \(batchSize) must be at most \(LanguageModelDescription.maximumBatchSize) streams")
    }

    /// The prior `--prior` and its options describe.
    var priorSpec: PriorSpec {
        switch prior {
        case .mixture: return .mixture(pi: pi, negativeLogSigma1: negLogSigma1, negativeLogSigma2: negLogSigma2)
        case .gaussian: return .gaussian(sigma: priorSigma)
        }
    }

    /// Trains the language model: everything that can be checked (the output folder, the text,
    /// the description, the memory) is checked before training starts.
    func runText() throws {
        let backend = try deviceOption.makeBackend()
        try reportingErrors {
            let output = out ?? "runs/lm-\(architecture.rawValue)"
            try Validation.checkOutputFolder(output)
            let source = DataSource(root: data.map { URL(fileURLWithPath: $0) })
            let name = textOptions.text ?? CharacterCorpus.shippedTextName
            let corpus = try CharacterCorpus.load(url: source.text(name))
            let variant: LanguageModelDescription.Variant = bayesian ? .bayesian : mcdropout ? .mcdropout : .plain
            let description = LanguageModelDescription(cell: cell ?? .lstm, hidden: hidden.isEmpty ? Self.defaultTextHidden : hidden, variant: variant,
                                                       prior: priorSpec, rhoInitial: rhoInit, dropout: dropout ?? (mcdropout ? RecurrentLayer.defaultMonteCarloDropout : 0),
                                                       vocabulary: corpus.vocabulary.stored, corpus: name, batchSize: batchSize,
                                                       bptt: textOptions.bptt ?? TextTrainingOptions.defaultBPTT, seed: seed)
            try description.validate()
            try description.trainingMemory().check("training \(description.summary) with --batch-size \(batchSize) --bptt \(description.bptt)",
                                                   capabilities: backend.capabilities, backend: backend.name)
            var options = try LanguageModelTrainingOptions(epochs: epochs, learningRate: lr ?? LanguageModelTrainingOptions.defaultLearningRate,
                                                           evaluationSamples: samples, output: URL(fileURLWithPath: output))
            options.learningRateDecay = lrDecay
            options.clipNorm = textOptions.clipNorm ?? LanguageModelTrainingOptions.defaultClipNorm
            options.kl = KLTerm(weighting: klWeighting.weighting, scale: klScale)
            let interrupts = InterruptHandler()
            defer { interrupts.uninstall() }
            do {
                try LanguageModelTrainer(description: description, corpus: corpus, options: options, backend: backend, interruption: interrupts.request).run()
            } catch let stop as LanguageModelInterrupted {
                FileHandle.standardError.write(Data("\(stop)\n".utf8))
                throw ExitCode(130)
            }
            FileHandle.standardError.write(Data(("wrote \(output)/; best.safetensors holds the epoch with the lowest validation_bpc; its test figures:"
                + " deepbayes evaluate --checkpoint \(output)/best.safetensors\n").utf8))
        }
    }
}
