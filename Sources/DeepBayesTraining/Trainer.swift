import DeepBayesCore
import DeepBayesData
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import Foundation

/// How long and how a model trains, and where its files go.
public struct TrainingOptions: Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    /// Use only the first N training images (nil: all 60,000).
    public var trainLimit: Int?
    /// Evaluate on only the first N test images (nil: all 10,000).
    public var testLimit: Int?
    /// Sampled passes per test prediction of the classifiers.
    public var evaluationSamples: Int
    /// The learning rate of epoch `e` (from 1) is `learningRate · learningRateDecay^(e-1)`.
    public var learningRateDecay: Float = 1
    /// Continue the run in `output` (see `Trainer`) instead of starting one.
    public var resume = false
    /// Write a line of `steps.jsonl` every this many steps (nil: no step log).
    public var logEvery: Int?
    /// Hold this many training images out (`ValidationSplit`, under the model's seed) and
    /// evaluate on them after every epoch instead of on the test set, keeping the best epoch's
    /// weights as `best.safetensors` (`ModelSelection`). nil: no split; the test set is
    /// evaluated after every epoch, for watching only.
    public var validation: Int?
    /// How a Bayesian classifier's KL enters the minibatch losses (its spread over an epoch, β).
    public var kl = KLTerm()
    /// Noise and blur added to a share of the training images (classifiers; nil: none).
    public var corruption: CorruptionAugmentation?
    public var output: URL
    public var data: DataSource

    public init(epochs: Int, batchSize: Int, learningRate: Float, trainLimit: Int?, testLimit: Int?, evaluationSamples: Int,
                output: URL, data: DataSource) throws {
        try Self.check(counts: [("epochs", epochs), ("batch size", batchSize), ("samples", evaluationSamples),
                                ("train limit", trainLimit ?? 1), ("test limit", testLimit ?? 1)], learningRate: learningRate)
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.trainLimit = trainLimit
        self.testLimit = testLimit
        self.evaluationSamples = evaluationSamples
        self.output = output
        self.data = data
    }

    /// `invalidArgument` for a count below 1 (named) or a learning rate that is not positive
    /// and finite: the checks every model's training options make.
    static func check(counts: [(name: String, value: Int)], learningRate: Float) throws {
        for (name, value) in counts where value < 1 {
            throw DeepBayesError.invalidArgument(operation: "train", reason: "\(name) must be at least 1, got \(value)")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw DeepBayesError.invalidArgument(operation: "train", reason: "learning rate \(learningRate) must be positive")
        }
    }
}

/// Trains one model on MNIST and writes, after every epoch, `model.safetensors`,
/// `metrics.jsonl`, for generative models `samples.png` (and `manifold.png` for a VAE with a
/// 2-D latent space) and `report.html` (see `TrainingReport`) into the output directory; with
/// a validation split also `best.safetensors`, the weights of the epoch chosen on it.
///
/// Every file is written with `AtomicFile`, so a reader or a crash sees whole files only.
/// After every epoch the checkpoint is written before the metrics line: a line in
/// `metrics.jsonl` for epoch `e` means the weights after epoch `e` reached `model.safetensors`.
/// A failed (or interrupted) checkpoint write leaves no metrics line for that epoch; the
/// checkpoint can at most be one epoch ahead of the metrics, never behind.
///
/// A run whose losses or metrics leave the finite range (see `DivergenceGuard`) stops with
/// `DeepBayesError.diverged` before that epoch's checkpoint, so the last good one stays.
///
/// A run starts by removing the temporary files that a killed earlier run left beside the
/// files this run writes (`.model.safetensors.tmp-XXXXXX` and so on, see
/// `AtomicFile.removeStaleTemporaryFiles(of:)`), in the output directory only. So that this
/// never removes the files of a run still writing there, a run holds a `FolderLock` on its
/// output directory from before that cleanup to its end: a second run into the same folder is
/// refused, naming the first one's process id.
public final class Trainer {
    public let spec: ModelSpec
    public let options: TrainingOptions
    public let backend: any Backend
    let progress: ProgressReporter
    /// Asked after every step whether to stop (Ctrl-C): the run then saves where it is.
    let interruption: InterruptionRequest?

    public init(spec: ModelSpec, options: TrainingOptions, backend: any Backend, progress: ProgressReporter = ProgressReporter(),
                interruption: InterruptionRequest? = nil) {
        self.spec = spec
        self.options = options
        self.backend = backend
        self.progress = progress
        self.interruption = interruption
    }

    /// `metrics.jsonl` in the output directory.
    public var metricsURL: URL { RunFolder(options.output).metrics }
    /// `model.safetensors` in the output directory.
    public var checkpointURL: URL { RunFolder(options.output).checkpoint }
    var samplesURL: URL { options.output.appendingPathComponent("samples.png") }
    var manifoldURL: URL { options.output.appendingPathComponent("manifold.png") }
    /// `best.safetensors`: the weights of the best epoch on the validation split.
    public var bestURL: URL { RunFolder(options.output).best }

    /// The files a run of this spec writes into the output directory.
    public var outputFiles: [URL] {
        let always = [metricsURL, checkpointURL, stateURL, reportURL] + (options.logEvery == nil ? [] : [stepsURL])
            + (options.validation == nil ? [] : [bestURL])
        switch spec.kind {
        case .bnn, .mcdropout, .mlp: return always
        case .gan: return always + [samplesURL]
        case .vae: return always + [samplesURL] + (spec.latent == 2 ? [manifoldURL] : [])
        }
    }

    /// Runs the whole training; returns the last epoch's metrics.
    ///
    /// Before writing anything it creates the output directory and removes the stale temporary
    /// files of `outputFiles` there. Each epoch then saves `model.safetensors` and only after
    /// that rewrites `metrics.jsonl` with the epoch's line (see the type's documentation).
    @discardableResult
    public func run() throws -> [(String, Double)] {
        let (train, evaluated) = try datasets()
        let lock = try RunFolder(options.output).claim(writing: outputFiles)
        defer { withExtendedLifetime(lock) {} }
        let model: TrainableModel, step: TrainingStep, log: MetricsLog
        var position = TrainingPosition(epochs: 0, batches: 0), partial: [(String, Double)] = []
        if options.resume {
            (model, step, log, position, partial) = try resumed()
        } else {
            model = try TrainableModel(spec, on: backend)
            step = TrainingStep(model, learningRate: options.learningRate, seed: spec.seed, kl: options.kl, on: backend)
            log = MetricsLog(url: metricsURL)
        }
        let evaluate = try makeEvaluation(model, on: evaluated)
        let selection = ModelSelection.of(spec.kind)
        var best = log.best(of: selection)
        let divergence = DivergenceGuard(run: options.output.path)
        let batchesPerEpoch = Batches.count(items: train.count, batchSize: options.batchSize)
        let stepLog = try options.logEvery.map {
            try StepLog(url: stepsURL, every: $0, resumingAfter: position.epochs * batchesPerEpoch + position.batches)
        }
        var last: [(String, Double)] = [], predictions: ClassifierEvaluation?
        var evaluationSeconds = 0.0  // the last evaluation's, for the run's ETA
        for epoch in (position.epochs + 1)..<max(position.epochs + 1, options.epochs + 1) {
            let rate = options.learningRate * pow(options.learningRateDecay, Float(epoch - 1))
            for optimizer in step.optimizers { optimizer.configuration.learningRate = rate }
            let start = Date()
            let batches = try Batches(train, batchSize: options.batchSize, shuffleSeed: spec.seed, epoch: epoch - 1)
            let skipped = epoch == position.epochs + 1 ? position.batches : 0
            var totals = skipped > 0 ? partial : []
            for (index, batch) in batches.enumerated() where index >= skipped {
                let pass = UInt64(epoch - 1) * UInt64(batches.count) + UInt64(index)
                var pixels = batch.images
                options.corruption?.apply(to: &pixels, count: batch.count, side: train.rows, seed: spec.seed, step: pass)
                let images = try backend.tensor(pixels, shape: batch.imageShape)
                let labels = try backend.tensor(batch.labels, shape: batch.labelShape)
                let losses = try step(images: images, labels: labels, pass: pass, batches: batches.count)
                try divergence.checkStep(losses, epoch: epoch, batch: index + 1)
                try stepLog?.record(step: Int(pass) + 1, epoch: epoch, batch: index + 1, learningRate: rate, losses: losses)
                totals = totals.isEmpty ? losses.map { ($0.0, Double($0.1) * Double(batch.count)) }
                    : zip(totals, losses).map { ($0.0, $0.1 + Double($1.1) * Double(batch.count)) }
                let seconds = Date().timeIntervalSince(start), done = Double(index + 1 - skipped)
                let epochLeft = seconds / done * Double(batches.count - index - 1)
                let laterEpochs = Double(options.epochs - epoch) * (seconds / done * Double(batches.count) + evaluationSeconds)
                progress.batch(epoch: epoch, epochs: options.epochs, index: index + 1, batches: batches.count, loss: losses[0].1,
                               itemsPerSecond: Double(batch.count) * done / seconds, secondsLeft: epochLeft,
                               runSecondsLeft: epochLeft + evaluationSeconds + laterEpochs)
                if interruption?.isRequested == true {
                    let at = TrainingPosition(epochs: epoch - 1, batches: index + 1)
                    try saveState(model, step, at: at, partialTotals: totals)
                    try writePictures(model)
                    throw TrainingInterrupted(run: options.output.path, position: at)
                }
            }
            let trainSeconds = Date().timeIntervalSince(start)
            let averages = totals.map { ($0.0, $0.1 / Double(train.count)) }
            if case let .gan(gan) = model { try gan.recalibrateAveragedGenerator(seed: spec.seed, on: backend) }
            let evaluationStart = Date()
            (last, predictions) = try evaluate()
            evaluationSeconds = Date().timeIntervalSince(evaluationStart)
            try divergence.checkEvaluation(last, epoch: epoch)
            let record: [(String, Any)] = [("epoch", epoch), ("seconds", trainSeconds), ("learning_rate", MetricsLog.decimal(rate))]
                + averages.map { ($0.0, $0.1 as Any) } + last.map { ($0.0, $0.1 as Any) }
            // The checkpoint first: a metrics line must never name an epoch whose weights are not on disk.
            try saveState(model, step, at: TrainingPosition(epochs: epoch, batches: 0), partialTotals: [])
            if options.validation != nil, let value = last.first(where: { $0.0 == selection.metric })?.1, selection.improves(value, on: best?.value) {
                try Checkpoint.save(model, spec: spec, record: trainingRecord(position: TrainingPosition(epochs: epoch, batches: 0))
                                    .merging(["deepbayes.selected_by": "\(selection.metric) \(value)"]) { $1 }, to: bestURL)
                best = (epoch, value)
            }
            try log.append(record)
            try writePictures(model)
            try writeReport(epochs: epoch, finished: false, log: log, classifier: predictions)
            progress.epoch(summary(epoch: epoch, seconds: trainSeconds, averages + last))
        }
        if last.isEmpty { try writePictures(model) }  // no epoch ran (a finished run resumed): the checkpoint's pictures
        try writeReport(epochs: max(position.epochs, options.epochs), finished: true, log: log, classifier: predictions)
        return last
    }

    /// `steps.jsonl` in the output directory (see `StepLog`).
    public var stepsURL: URL { options.output.appendingPathComponent("steps.jsonl") }

    /// `optimizer.safetensors` in the output directory (see `TrainingState`).
    public var stateURL: URL { options.output.appendingPathComponent("optimizer.safetensors") }

    /// Writes the model checkpoint, then the optimizers' state, both at `position`.
    private func saveState(_ model: TrainableModel, _ step: TrainingStep, at position: TrainingPosition, partialTotals: [(String, Double)]) throws {
        try Checkpoint.save(model, spec: spec, record: trainingRecord(position: position), to: checkpointURL)
        try TrainingState.save(step, position: position, partialTotals: partialTotals, to: stateURL)
    }

    /// The model, its step and its metrics log as the run in the output directory left them:
    /// `model.safetensors` (whose description must be `spec`), `optimizer.safetensors` at the
    /// same position, and the lines of `metrics.jsonl` up to that position's last whole epoch.
    private func resumed() throws -> (TrainableModel, TrainingStep, MetricsLog, TrainingPosition, [(String, Double)]) {
        let (stored, model, metadata) = try Checkpoint.load(from: checkpointURL, on: backend)
        guard stored == spec else {
            throw DeepBayesError.invalidFile(path: checkpointURL.path, reason: "describes another model than the one to resume (\(stored.sizeSummary))")
        }
        let step = TrainingStep(model, learningRate: options.learningRate, seed: spec.seed, kl: options.kl, on: backend)
        let (position, partial) = try TrainingState.load(from: stateURL, into: step, on: backend)
        guard metadata[TrainingState.positionKey] == position.stored else {
            throw DeepBayesError.invalidFile(path: stateURL.path, reason: "is at \(position), model.safetensors at another position: the run stopped between"
                                             + " writing them and cannot be resumed exactly; train again")
        }
        let log = try MetricsLog(resuming: metricsURL, epochs: position.epochs)
        return (model, step, log, position, partial)
    }

    /// The images trained on and those evaluated after every epoch: with a validation split
    /// the two parts of the training set (after `trainLimit`), else the training and the test set.
    private func datasets() throws -> (train: Dataset, evaluated: Dataset) {
        let train = try options.trainLimit.map { try options.data.mnist(.train).prefix($0) } ?? options.data.mnist(.train)
        if let validation = options.validation {
            let parts = try ValidationSplit(items: train.count, holdingOut: validation, seed: spec.seed).apply(to: train)
            return (parts.training, parts.validation)
        }
        let fullTest = try options.data.mnist(.test)
        return (train, options.testLimit.map { fullTest.prefix($0) } ?? fullTest)
    }

    /// The metrics of an evaluation, and a classifier's predictions behind them (for the report).
    private typealias EpochEvaluation = (metrics: [(String, Double)], classifier: ClassifierEvaluation?)

    /// The evaluation run after every epoch on `evaluated`: the test metrics, the classifiers'
    /// with Fashion-MNIST as the OOD set; with a validation split the same metrics on the
    /// held-out images, renamed `validation_…`, and no OOD set (it is a test set too).
    private func makeEvaluation(_ model: TrainableModel, on evaluated: Dataset) throws -> () throws -> EpochEvaluation {
        let measure = try makeTestEvaluation(model, test: evaluated, outOfDistribution: options.validation == nil)
        guard options.validation != nil else { return measure }
        return {
            let evaluation = try measure()
            return (evaluation.metrics.map { (ModelSelection.validationKey($0.0), $0.1) }, evaluation.classifier)
        }
    }

    private func makeTestEvaluation(_ model: TrainableModel, test: Dataset, outOfDistribution: Bool) throws -> () throws -> EpochEvaluation {
        let backend = self.backend, seed = spec.seed, samples = options.evaluationSamples
        switch model {
        case let .classifier(classifier):
            let fashion = try outOfDistribution ? options.data.fashionTest() : nil
            let ood = fashion.map { fashion in options.testLimit.map { fashion.prefix($0) } ?? fashion }
            let progress = self.progress
            return {
                let evaluation = try progress.evaluating { chunkDone in
                    try Evaluation.classifier(classifier, test: test, outOfDistribution: ood, samples: samples, seed: seed, on: backend, progress: chunkDone)
                }
                return (evaluation.metrics, evaluation)
            }
        case let .vae(vae):
            return { (try Evaluation.vae(vae, test: test, seed: seed, on: backend), nil) }
        case let .gan(gan):
            let scorer = try Self.loadScorer(options.data, on: backend)
            return { (try Evaluation.gan(gan, scorer: scorer, test: test, count: test.count, seed: seed, on: backend), nil) }
        }
    }

    /// The classifier that scores GAN samples, shipped in `Data/scorer`.
    public static func loadScorer(_ data: DataSource, on backend: any Backend) throws -> ClassifierModel {
        let url = try data.scorerCheckpoint()
        guard case let .classifier(scorer) = try Checkpoint.load(from: url, on: backend).model else {
            throw DeepBayesError.invalidFile(path: url.path, reason: "the scorer must be a classifier checkpoint")
        }
        return scorer
    }

    private func writePictures(_ model: TrainableModel) throws {
        if case .classifier = model { return }
        let samples = try Sampling.images(model, count: 64, seed: spec.seed, on: backend)
        try Sampling.writeGrid(samples, count: 64, columns: 8, to: samplesURL)
        if case let .vae(vae) = model, vae.latent == 2 {
            try Sampling.writeGrid(Sampling.manifold(vae, on: backend), count: 400, columns: 20, to: manifoldURL)
        }
    }

    /// The training options as a checkpoint's metadata stores them (`deepbayes.batch_size`, ...), at `position`.
    func trainingRecord(position: TrainingPosition) -> [String: String] {
        var record = ["deepbayes.epochs": String(position.epochs), TrainingState.positionKey: position.stored,
                      "deepbayes.batch_size": String(options.batchSize), "deepbayes.learning_rate": String(options.learningRate),
                      "deepbayes.learning_rate_decay": String(options.learningRateDecay), "deepbayes.samples": String(options.evaluationSamples),
                      "deepbayes.device": backend.name]
        if let trainLimit = options.trainLimit { record["deepbayes.train_limit"] = String(trainLimit) }
        if let testLimit = options.testLimit { record["deepbayes.test_limit"] = String(testLimit) }
        if let validation = options.validation { record["deepbayes.validation"] = String(validation) }
        record["deepbayes.kl_weighting"] = options.kl.weighting.rawValue
        record["deepbayes.kl_scale"] = String(options.kl.scale)
        if let corruption = options.corruption { record["deepbayes.corruption"] = String(corruption.fraction) }
        return record
    }

    private func summary(epoch: Int, seconds: Double, _ fields: [(String, Double)]) -> String {
        "epoch \(epoch)/\(options.epochs)  \(String(format: "%.1f", seconds)) s  " + fields.map { "\($0.0) \(String(format: "%.4f", $0.1))" }.joined(separator: "  ")
    }
}
