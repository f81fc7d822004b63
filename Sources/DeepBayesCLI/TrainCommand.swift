import ArgumentParser
import DeepBayesBackends
import DeepBayesData
import DeepBayesFiles
import DeepBayesNN
import DeepBayesTraining
import Foundation

extension ModelKind: ExpressibleByArgument {}
extension RecurrentCell: ExpressibleByArgument {}

/// `deepbayes train bnn|mcdropout|mlp|vae|gan|rnn`: trains a model on MNIST and writes
/// `metrics.jsonl`, `model.safetensors`, for generative models `samples.png`, and `report.html`.
/// `rnn --task rowmnist` is the classifier of that kind (`--bayesian`: bnn, `--mcdropout`,
/// else mlp) with the `--cell` architecture, reading each image row by row; `rnn --task text`
/// is the character language model (`TrainCommand+Text.swift`).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on MNIST: bnn (Bayes by Backprop), mcdropout, mlp (a plain network), vae, gan, or rnn (recurrent).")

    @Argument(help: "The model: \(TrainChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: TrainChoice

    @Option(help: "rnn: the task, rowmnist (MNIST read as 28 rows of 28 pixels) or text (a character language model of --text). Default rowmnist.")
    var task: SequenceTask?

    @OptionGroup var textOptions: TextTrainingOptions

    @Option(help: "rnn: the recurrent cell, lstm or gru. Default lstm.")
    var cell: RecurrentCell?

    @Flag(help: "rnn: Bayes by Backprop through time (a Gaussian posterior over every weight, one sample per minibatch).")
    var bayesian = false

    @Flag(help: "rnn: variational MC dropout (one mask per sequence for the inputs and the recurrent state, kept on at prediction).")
    var mcdropout = false

    @OptionGroup var deviceOption: DeviceOption

    @Option(help: "Passes over the training set.")
    var epochs = 10

    @Option(help: "Images per minibatch.")
    var batchSize = 128

    @Option(help: "Adam's learning rate (default 0.001; 0.0002 for gan).")
    var lr: Float?

    @Option(help: "Multiply the learning rate by this after every epoch.")
    var lrDecay: Float = 1

    @Option(help: "Seed of the initial weights, the shuffling and every sampled noise.")
    var seed: UInt64 = 1

    @Option(help: "A directory laid out like the repository's Data/ (mnist/, fashion-mnist/, scorer/); default: the shipped data.")
    var data: String?

    @Option(help: "Output directory (default runs/<model>).")
    var out: String?

    @Option(help: "Train on the first N training images only.")
    var trainLimit: Int?

    @Option(help: "Evaluate on the first N test images only.")
    var testLimit: Int?

    @Option(help: "Sampled passes per test prediction (bnn, mcdropout).")
    var samples = 10

    @Option(help: "Hold N training images out and evaluate on them after every epoch instead of the test set; best.safetensors keeps the best epoch.")
    var validation: Int?

    @Option(help: "What a pixel's byte value is multiplied by (classifiers): 1/255 (pixels in [0, 1]) or, as Blundell et al., 1/126.")
    var inputScale: InputScale = InputScale(ModelSpec.byteScale)

    @Option(help: "bnn: how the KL is spread over an epoch's minibatches: uniform (1/M each) or geometric (2^(M-i)/(2^M-1), Blundell et al.).")
    var klWeighting: KLWeightingChoice = .uniform

    @Option(help: "bnn: beta, the factor of the whole KL (1: the ELBO; below 1: a tempered posterior).")
    var klScale: Float = 1

    @Option(help: "Architecture: mlp, conv, lstm or gru (bnn, mcdropout, mlp); mlp or dcgan (gan); mlp (vae). Default mlp.")
    var arch: ArchitectureChoice?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Hidden layer widths, one value per layer (default 400 400 for classifiers, 128 for recurrent ones, 400 for the vae).", valueName: "width ..."))
    var hidden: [Int] = []

    @Option(help: "Latent dimensions of the vae.")
    var latent = 20

    @Option(help: "Prior of bnn: a scale mixture of two Gaussians, or one Gaussian.")
    var prior: PriorChoice = .mixture

    @Option(help: "Scale mixture: weight pi of the wide component.")
    var pi: Float = 0.5

    // These three take negative values: `.unconditional` reads `--rho-init -6` as a value, not as an option -6.
    @Option(parsing: .unconditional, help: "Scale mixture: -log sigma1 of the wide component.")
    var negLogSigma1: Float = 0

    @Option(parsing: .unconditional, help: "Scale mixture: -log sigma2 of the narrow component.")
    var negLogSigma2: Float = 6

    @Option(help: "Gaussian prior: its sigma.")
    var priorSigma: Float = 1

    @Option(help: "bnn estimator: local (local reparameterization), reparameterization or flipout.")
    var estimator: EstimatorChoice = .local

    @Option(parsing: .unconditional, help: "Initial rho of every posterior scale, sigma = softplus(rho).")
    var rhoInit: Float = -5

    @Option(help: "Dropout probability of mcdropout (default 0.5; \(RecurrentLayer.defaultMonteCarloDropout) for recurrent ones) and of mlp, while training only (default 0: none).")
    var dropout: Float?

    @Flag(help: "Classifiers: also learn a variance for each logit, the aleatoric uncertainty (Kendall and Gal 2017), trained with the sampled-softmax loss.")
    var aleatoric = false

    @Option(help: "Classifiers: corrupt this share of the training images with noise or blur of random strength, so that some are ambiguous (0: none).")
    var corrupt: Float = 0

    @Option(help: "Also write steps.jsonl: a line with the losses and the learning rate every N steps.")
    var logEvery: Int?

    @Flag(help: "Continue the run in --out from its last checkpoint, up to --epochs in all (the model and its training options come from the checkpoint).")
    var resume = false

    /// Refuses, at parse time, numbers that make no sense (NaN, infinity, out of range, a size
    /// below 1, more than `Evaluation.maximumSamples` samples) and an empty `--out`, naming the
    /// option and the value. Sizes too large for the device are refused in `run`, from the
    /// memory estimate, before anything is loaded or allocated.
    func validate() throws {
        if let lr { try Validation.require(lr.isFinite && lr > 0, "--lr \(lr) must be a positive finite number") }
        try Validation.require(lrDecay > 0 && lrDecay <= 1, "--lr-decay \(lrDecay) must lie in (0, 1]")
        try Validation.require(pi > 0 && pi < 1, "--pi \(pi) must lie in (0, 1)")
        for (option, value, sigma) in [("--neg-log-sigma1", negLogSigma1, "sigma1"), ("--neg-log-sigma2", negLogSigma2, "sigma2")] {
            // Float's normal range is about exp(-87.3)...exp(88.7).
            try Validation.require(value >= -88 && value <= 87, "\(option) \(value) must lie in [-88, 87], so that \(sigma) = exp(-x) is a positive finite number")
        }
        try Validation.require(klScale > 0 && klScale <= 1, "--kl-scale \(klScale) must lie in (0, 1]")
        try Validation.require(priorSigma.isFinite && priorSigma > 0, "--prior-sigma \(priorSigma) must be a positive finite number")
        try Validation.require(rhoInit.isFinite, "--rho-init \(rhoInit) must be a finite number")
        if let dropout { try Validation.require(dropout >= 0 && dropout < 1, "--dropout \(dropout) must lie in [0, 1)") }
        try Validation.require(corrupt >= 0 && corrupt <= 1, "--corrupt \(corrupt) must lie in [0, 1]")
        try Validation.require(kind.isClassifier || (!aleatoric && corrupt == 0), "--aleatoric and --corrupt are for the classifiers (bnn, mcdropout, mlp, rnn)")
        if model == .rnn {
            try Validation.require(arch == nil, "--arch is not an option of rnn: choose the cell with --cell lstm|gru")
            try Validation.require(!(bayesian && mcdropout), "--bayesian and --mcdropout exclude each other")
        } else {
            try Validation.require(task == nil && cell == nil && !bayesian && !mcdropout, "--task, --cell, --bayesian and --mcdropout are options of rnn")
        }
        try Validation.require(out != "", "--out is empty: give the folder the run writes into")
        for (option, value) in [("--epochs", epochs), ("--batch-size", batchSize), ("--latent", latent)] + hidden.map({ ("--hidden", $0) }) {
            try Validation.require(value >= 1, "\(option) \(value) must be at least 1")
        }
        for (option, value) in [("--train-limit", trainLimit), ("--test-limit", testLimit), ("--validation", validation)] {
            if let value { try Validation.require(value >= 1, "\(option) \(value) must be at least 1") }
        }
        try Validation.requireSamples(samples)
        if let logEvery { try Validation.require(logEvery >= 1, "--log-every \(logEvery) must be at least 1") }
        let architectures = ArchitectureChoice.allowed(for: kind)
        try Validation.require(architectures.contains(architecture),
                               "--arch \(architecture.rawValue) is not an architecture of \(kind.rawValue) (\(architectures.map(\.rawValue).joined(separator: ", ")))")
        try validateText()
    }

    /// The kind of model trained: `model`'s, or for `rnn` the classifier its flags choose.
    var kind: ModelKind {
        guard model == .rnn else { return model.kind! }
        return bayesian ? .bnn : mcdropout ? .mcdropout : .mlp
    }

    /// `--arch`, or for `rnn` its `--cell`.
    var architecture: ArchitectureChoice {
        guard model == .rnn else { return arch ?? .mlp }
        return cell == .gru ? .gru : .lstm
    }

    func run() throws {
        guard !trainsText else { return try runText() }
        let backend = try deviceOption.makeBackend()
        try reportingErrors {
            // Everything that can be checked without loading data is checked first.
            let output = out ?? "runs/\(model == .rnn ? "rnn-\(architecture.rawValue)" : model.rawValue)"
            try Validation.checkOutputFolder(output)
            let source = DataSource(root: data.map { URL(fileURLWithPath: $0) })
            let (spec, given) = try resume ? resumedRun(output: output, data: source) : newRun(output: output, data: source)
            var options = given
            options.logEvery = logEvery
            let sizes = "--batch-size \(options.batchSize) (\(spec.sizeSummary))"
            try spec.trainingMemory(batchSize: options.batchSize).check("training with \(sizes)", capabilities: backend.capabilities, backend: backend.name)
            try spec.inferenceMemory(batchSize: Evaluation.chunkSize).check("evaluating \(spec.sizeSummary)", capabilities: backend.capabilities,
                                                                            backend: backend.name)
            try Validation.checkImageSizes(source, [("mnist", .train), ("mnist", .test)] + (kind.isClassifier ? [("fashion-mnist", .test)] : []))
            let interrupts = InterruptHandler()
            defer { interrupts.uninstall() }
            do {
                try Trainer(spec: spec, options: options, backend: backend, interruption: interrupts.request).run()
            } catch let stop as TrainingInterrupted {
                FileHandle.standardError.write(Data(("\(stop.run): interrupted at \(stop.position); model.safetensors, optimizer.safetensors and the"
                    + " pictures are saved; continue with: deepbayes train \(kind.rawValue) --resume --out \(stop.run) --epochs \(options.epochs)\n").utf8))
                throw ExitCode(130)
            }
            FileHandle.standardError.write(Data("wrote \(options.output.path)/ (open report.html there in a browser)\n".utf8))
            if options.validation != nil {
                FileHandle.standardError.write(Data(("best.safetensors holds the epoch with the lowest \(ModelSelection.of(kind).metric); its test figures:"
                    + " deepbayes evaluate --checkpoint \(options.output.path)/best.safetensors\n").utf8))
            }
        }
    }

    /// The spec and options of a new run, from the options given.
    private func newRun(output: String, data source: DataSource) throws -> (ModelSpec, TrainingOptions) {
        var spec = ModelSpec.defaults(for: kind, architecture: architecture.rawValue)
        if !hidden.isEmpty { spec.hidden = hidden }
        spec.latent = latent
        spec.prior = priorSpec
        spec.estimator = estimator.rawValue
        spec.rhoInitial = rhoInit
        if let dropout { spec.dropout = dropout }
        spec.inputScale = inputScale.value
        spec.logitVariance = aleatoric
        spec.seed = seed
        var options = try TrainingOptions(epochs: epochs, batchSize: batchSize, learningRate: lr ?? kind.defaultLearningRate,
                                          trainLimit: trainLimit, testLimit: testLimit, evaluationSamples: samples,
                                          output: URL(fileURLWithPath: output), data: source)
        options.learningRateDecay = lrDecay
        options.validation = validation
        options.kl = KLTerm(weighting: klWeighting.weighting, scale: klScale)
        options.corruption = corrupt > 0 ? try CorruptionAugmentation(fraction: corrupt) : nil
        return (spec.normalized, options)
    }

    /// The spec and options of the run in `output`, from its checkpoint's metadata; only
    /// `--epochs` (the total), `--device` and `--data` come from the command line.
    private func resumedRun(output: String, data source: DataSource) throws -> (ModelSpec, TrainingOptions) {
        let checkpoint = RunFolder(URL(fileURLWithPath: output)).checkpoint
        try Checkpoint.requireRegularFile(checkpoint.path)
        let metadata = try SafetensorsFile.read(from: checkpoint).metadata
        guard let json = metadata[Checkpoint.specKey] else {
            throw DeepBayesError.invalidFile(path: checkpoint.path, reason: "not a DeepBayes checkpoint: the metadata has no '\(Checkpoint.specKey)'")
        }
        let spec = try ModelSpec.parse(json, path: checkpoint.path)
        guard spec.kind == kind else {
            throw DeepBayesError.invalidFile(path: checkpoint.path, reason: "the run trained a \(spec.kind.rawValue), not a \(kind.rawValue)")
        }
        func number<T: LosslessStringConvertible>(_ key: String, _: T.Type) throws -> T? {
            guard let text = metadata["deepbayes." + key] else { return nil }
            guard let value = T(text) else { throw DeepBayesError.invalidFile(path: checkpoint.path, reason: "'deepbayes.\(key)' is not a number: \(text)") }
            return value
        }
        guard let batch = try number("batch_size", Int.self), let rate = try number("learning_rate", Float.self) else {
            throw DeepBayesError.invalidFile(path: checkpoint.path, reason: "holds no training record (batch size, learning rate) to resume from")
        }
        var options = try TrainingOptions(epochs: epochs, batchSize: batch, learningRate: rate, trainLimit: try number("train_limit", Int.self),
                                          testLimit: try number("test_limit", Int.self),
                                          evaluationSamples: try number("samples", Int.self) ?? samples,
                                          output: URL(fileURLWithPath: output), data: source)
        options.learningRateDecay = try number("learning_rate_decay", Float.self) ?? 1
        options.validation = try number("validation", Int.self)
        if let weighting = metadata["deepbayes.kl_weighting"] {
            guard let known = KLWeighting(rawValue: weighting) else {
                throw DeepBayesError.invalidFile(path: checkpoint.path, reason: "'deepbayes.kl_weighting' is not uniform or geometric: \(weighting)")
            }
            options.kl.weighting = known
        }
        options.kl.scale = try number("kl_scale", Float.self) ?? 1
        options.corruption = try number("corruption", Float.self).map { try CorruptionAugmentation(fraction: $0) }
        options.resume = true
        return (spec, options)
    }
}
