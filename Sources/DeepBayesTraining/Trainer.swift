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
    public var output: URL
    public var data: DataSource

    public init(epochs: Int, batchSize: Int, learningRate: Float, trainLimit: Int?, testLimit: Int?, evaluationSamples: Int,
                output: URL, data: DataSource) throws {
        for (name, value) in [("epochs", epochs), ("batch size", batchSize), ("samples", evaluationSamples),
                              ("train limit", trainLimit ?? 1), ("test limit", testLimit ?? 1)] where value < 1 {
            throw DeepBayesError.invalidArgument(operation: "train", reason: "\(name) must be at least 1, got \(value)")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw DeepBayesError.invalidArgument(operation: "train", reason: "learning rate \(learningRate) must be positive")
        }
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.trainLimit = trainLimit
        self.testLimit = testLimit
        self.evaluationSamples = evaluationSamples
        self.output = output
        self.data = data
    }
}

/// Trains one model on MNIST and writes `metrics.jsonl`, `model.safetensors` (after every
/// epoch, atomically) and, for generative models, `samples.png` (and `manifold.png` for a VAE
/// with a 2-D latent space) into the output directory.
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

    public init(spec: ModelSpec, options: TrainingOptions, backend: any Backend, progress: ProgressReporter = ProgressReporter()) {
        self.spec = spec
        self.options = options
        self.backend = backend
        self.progress = progress
    }

    /// `metrics.jsonl` in the output directory.
    public var metricsURL: URL { options.output.appendingPathComponent("metrics.jsonl") }
    /// `model.safetensors` in the output directory.
    public var checkpointURL: URL { options.output.appendingPathComponent("model.safetensors") }
    var samplesURL: URL { options.output.appendingPathComponent("samples.png") }
    var manifoldURL: URL { options.output.appendingPathComponent("manifold.png") }

    /// The files a run of this spec writes into the output directory.
    public var outputFiles: [URL] {
        switch spec.kind {
        case .bnn, .mcdropout: return [metricsURL, checkpointURL]
        case .gan: return [metricsURL, checkpointURL, samplesURL]
        case .vae: return [metricsURL, checkpointURL, samplesURL] + (spec.latent == 2 ? [manifoldURL] : [])
        }
    }

    /// Runs the whole training; returns the last epoch's metrics.
    ///
    /// Before writing anything it creates the output directory and removes the stale temporary
    /// files of `outputFiles` there. Each epoch then saves `model.safetensors` and only after
    /// that rewrites `metrics.jsonl` with the epoch's line (see the type's documentation).
    @discardableResult
    public func run() throws -> [(String, Double)] {
        let train = try options.trainLimit.map { try options.data.mnist(.train).prefix($0) } ?? options.data.mnist(.train)
        let fullTest = try options.data.mnist(.test)
        let test = options.testLimit.map { fullTest.prefix($0) } ?? fullTest
        try createOutputDirectory()
        let lock = try FolderLock(folder: options.output)
        defer { withExtendedLifetime(lock) {} }
        try AtomicFile.removeStaleTemporaryFiles(of: outputFiles)
        let model = try TrainableModel(spec, on: backend)
        let step = TrainingStep(model, learningRate: options.learningRate, seed: spec.seed, on: backend)
        let evaluate = try makeEvaluation(model, test: test)
        let log = MetricsLog(url: metricsURL)
        let divergence = DivergenceGuard(run: options.output.path)
        var last: [(String, Double)] = []
        for epoch in 1...options.epochs {
            let rate = options.learningRate * pow(options.learningRateDecay, Float(epoch - 1))
            for optimizer in step.optimizers { optimizer.configuration.learningRate = rate }
            let start = Date()
            let batches = try Batches(train, batchSize: options.batchSize, shuffleSeed: spec.seed, epoch: epoch - 1)
            var totals: [(String, Double)] = []
            for (index, batch) in batches.enumerated() {
                let images = try backend.tensor(batch.images, shape: batch.imageShape)
                let labels = try backend.tensor(batch.labels, shape: batch.labelShape)
                let pass = UInt64(epoch - 1) * UInt64(batches.count) + UInt64(index)
                let losses = try step(images: images, labels: labels, pass: pass, batches: batches.count)
                try divergence.checkStep(losses, epoch: epoch, batch: index + 1)
                totals = totals.isEmpty ? losses.map { ($0.0, Double($0.1) * Double(batch.count)) }
                    : zip(totals, losses).map { ($0.0, $0.1 + Double($1.1) * Double(batch.count)) }
                let seconds = Date().timeIntervalSince(start), done = Double(index + 1)
                progress.batch(epoch: epoch, epochs: options.epochs, index: index + 1, batches: batches.count, loss: losses[0].1,
                               itemsPerSecond: Double(batch.count) * done / seconds,
                               secondsLeft: seconds / done * Double(batches.count - index - 1))
            }
            let trainSeconds = Date().timeIntervalSince(start)
            let averages = totals.map { ($0.0, $0.1 / Double(train.count)) }
            if case let .gan(gan) = model { try gan.recalibrateAveragedGenerator(seed: spec.seed, on: backend) }
            last = try evaluate()
            try divergence.checkEvaluation(last, epoch: epoch)
            let record: [(String, Any)] = [("epoch", epoch), ("seconds", trainSeconds)] + averages.map { ($0.0, $0.1 as Any) } + last.map { ($0.0, $0.1 as Any) }
            // The checkpoint first: a metrics line must never name an epoch whose weights are not on disk.
            try Checkpoint.save(model, spec: spec, record: trainingRecord(epoch: epoch), to: checkpointURL)
            try log.append(record)
            progress.epoch(summary(epoch: epoch, seconds: trainSeconds, averages + last))
        }
        try writePictures(model)
        return last
    }

    private func createOutputDirectory() throws {
        do {
            try FileManager.default.createDirectory(at: options.output, withIntermediateDirectories: true)
        } catch {
            throw DeepBayesError.invalidFile(path: options.output.path, reason: "cannot create the output directory: \(error.localizedDescription)")
        }
    }

    private func makeEvaluation(_ model: TrainableModel, test: Dataset) throws -> () throws -> [(String, Double)] {
        let backend = self.backend, seed = spec.seed, samples = options.evaluationSamples
        switch model {
        case let .classifier(classifier):
            let fashion = try options.data.fashionTest()
            let ood = options.testLimit.map { fashion.prefix($0) } ?? fashion
            let progress = self.progress
            return {
                let start = Date()
                defer { progress.evaluationFinished() }
                return try Evaluation.classifier(classifier, test: test, outOfDistribution: ood, samples: samples, seed: seed, on: backend) { done, total in
                    progress.evaluation(done: done, total: total, since: start)
                }
            }
        case let .vae(vae):
            return { try Evaluation.vae(vae, test: test, seed: seed, on: backend) }
        case let .gan(gan):
            let scorer = try Self.loadScorer(options.data, on: backend)
            return { try Evaluation.gan(gan, scorer: scorer, test: test, count: test.count, seed: seed, on: backend) }
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

    private func trainingRecord(epoch: Int) -> [String: String] {
        ["deepbayes.epochs": String(epoch), "deepbayes.batch_size": String(options.batchSize),
         "deepbayes.learning_rate": String(options.learningRate), "deepbayes.learning_rate_decay": String(options.learningRateDecay),
         "deepbayes.device": backend.name]
    }

    private func summary(epoch: Int, seconds: Double, _ fields: [(String, Double)]) -> String {
        "epoch \(epoch)/\(options.epochs)  \(String(format: "%.1f", seconds)) s  " + fields.map { "\($0.0) \(String(format: "%.4f", $0.1))" }.joined(separator: "  ")
    }
}
