import DeepBayesCore
import DeepBayesData
import DeepBayesFiles
import DeepBayesModels
import Foundation

/// What one trained cell of Table 1 measured: its chosen epoch's validation error and that
/// epoch's test metrics (`samples` sampled passes per prediction, Fashion-MNIST as the OOD set).
public struct CellResult: Codable, Equatable, Sendable {
    public var cell: String
    /// The epochs trained, and the one chosen on the validation split.
    public var epochs: Int
    public var bestEpoch: Int
    public var validationError: Double
    public var testError: Double
    public var nll: Double
    public var ece: Double
    public var oodAUROC: Double
    public var samples: Int
    /// The training time of all epochs (from `metrics.jsonl`), in seconds.
    public var trainSeconds: Double
    /// The `deepbayes train` line that trains the cell alone.
    public var command: String
}

/// The test error of a pruned network, for Table 2.
public struct PruningResult: Codable, Equatable, Sendable {
    public var fraction: Double
    public var prunedWeights: Int
    public var testError: Double
    public var nll: Double
}

/// `deepbayes reproduce blundell2015`: trains the cells of Blundell et al.'s tables one after
/// another into `output` (`table1/<method>-<units>/`, each a `deepbayes train` run folder) and
/// evaluates each cell's chosen epoch on the test set once, writing `result.json` beside it.
///
/// The grid can stop at any point and be run again: a cell whose `result.json` records the
/// asked number of epochs and samples is not touched; one with a checkpoint but no result is
/// resumed from it (`train --resume`: the run continues exactly), then evaluated; the others
/// are trained from the start.
public final class ReproductionGrid {
    public let output: URL
    public let epochs: Int
    public let seed: UInt64
    public let validation: Int
    public let trainLimit: Int?
    public let testLimit: Int?
    /// Sampled passes per test prediction.
    public let samples: Int
    public let data: DataSource
    public let backend: any Backend
    let progress: ProgressReporter
    let interruption: InterruptionRequest?
    /// The test set and Fashion-MNIST's (after `testLimit`), read once for all the evaluations.
    private var testSets: (mnist: Dataset, fashion: Dataset)?

    public init(output: URL, epochs: Int, seed: UInt64, validation: Int, trainLimit: Int?, testLimit: Int?, samples: Int, data: DataSource,
                backend: any Backend, progress: ProgressReporter = ProgressReporter(), interruption: InterruptionRequest? = nil) {
        self.output = output
        self.epochs = epochs
        self.seed = seed
        self.validation = validation
        self.trainLimit = trainLimit
        self.testLimit = testLimit
        self.samples = samples
        self.data = data
        self.backend = backend
        self.progress = progress
        self.interruption = interruption
    }

    /// The run folder of `cell`.
    public func folder(_ cell: Blundell2015.Cell) -> URL {
        output.appendingPathComponent("table1", isDirectory: true).appendingPathComponent(cell.name, isDirectory: true)
    }

    /// `result.json` of `cell`.
    public func resultURL(_ cell: Blundell2015.Cell) -> URL { folder(cell).appendingPathComponent("result.json") }

    /// The finished result of `cell` for this grid's epochs and samples, or nil.
    public func finishedResult(_ cell: Blundell2015.Cell) -> CellResult? {
        guard let data = try? Data(contentsOf: resultURL(cell)), let result = try? JSONDecoder().decode(CellResult.self, from: data),
              result.epochs == epochs, result.samples == samples else { return nil }
        return result
    }

    /// Trains (or resumes) and evaluates `cell` unless it is finished; returns its result and
    /// whether it was trained now.
    @discardableResult
    public func run(_ cell: Blundell2015.Cell) throws -> (result: CellResult, trained: Bool) {
        if let done = finishedResult(cell) { return (done, false) }
        let folder = folder(cell)
        let spec = cell.spec(seed: seed)
        var options = try cell.options(epochs: epochs, validation: validation, trainLimit: trainLimit, testLimit: testLimit, output: folder, data: data)
        options.resume = FileManager.default.fileExists(atPath: RunFolder(folder).checkpoint.path)
        let trainer = Trainer(spec: spec, options: options, backend: backend, progress: progress, interruption: interruption)
        try trainer.run()
        guard case let .classifier(classifier) = try Checkpoint.load(from: trainer.bestURL, on: backend).model else {
            throw DeepBayesError.invalidFile(path: trainer.bestURL.path, reason: "is not a classifier")
        }
        let metrics = try testMetrics(classifier)
        let log = try MetricsLog(resuming: trainer.metricsURL, epochs: Int.max)
        let best = log.best(of: ModelSelection.of(spec.kind))
        let result = CellResult(
            cell: cell.name, epochs: epochs, bestEpoch: best?.epoch ?? 0, validationError: best?.value ?? .nan,
            testError: metrics["test_error"] ?? .nan, nll: metrics["nll"] ?? .nan, ece: metrics["ece"] ?? .nan, oodAUROC: metrics["ood_auroc"] ?? .nan,
            samples: samples, trainSeconds: log.numbers("seconds").map(\.value).reduce(0, +),
            command: cell.trainCommand(epochs: epochs, seed: seed, validation: validation, trainLimit: trainLimit, output: folder.path))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(result), to: resultURL(cell))
        return (result, true)
    }

    /// Table 2 for the scale-mixture network of `units` per layer (trained first if need be):
    /// its chosen epoch pruned by each of the paper's fractions and evaluated on the test set,
    /// written to `table2/mixture-<units>.json`, with the pictures of its weights
    /// (`PruningPlots`, the 98% threshold marked) beside it.
    public func pruningTable(units: Int) throws -> [PruningResult] {
        let cell = Blundell2015.Cell(method: .mixture, units: units)
        try run(cell)
        let folder = output.appendingPathComponent("table2", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let best = RunFolder(self.folder(cell)).best
        var results: [PruningResult] = []
        for (fraction, _) in Blundell2015.pruning {
            guard case let .classifier(classifier) = try Checkpoint.load(from: best, on: backend).model else {
                throw DeepBayesError.invalidFile(path: best.path, reason: "is not a classifier")
            }
            if fraction == Blundell2015.pruning.last?.fraction {
                try PruningPlots.write(classifier.network, fraction: fraction, to: folder, prefix: "\(cell.name)-")
            }
            let pruned = try SignalToNoisePruning.prune(classifier.network, fraction: fraction)
            let metrics = try testMetrics(classifier, outOfDistribution: false)
            results.append(PruningResult(fraction: fraction, prunedWeights: pruned, testError: metrics["test_error"] ?? .nan, nll: metrics["nll"] ?? .nan))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(results), to: folder.appendingPathComponent("\(cell.name).json"))
        return results
    }

    /// The test metrics of `classifier` (seed 7, as `deepbayes evaluate`), by name.
    private func testMetrics(_ classifier: ClassifierModel, outOfDistribution: Bool = true) throws -> [String: Double] {
        let limit = { (set: Dataset) in self.testLimit.map { set.prefix($0) } ?? set }
        let sets = try testSets ?? (limit(data.mnist(.test)), limit(data.fashionTest()))
        testSets = sets
        let metrics = try progress.evaluating { chunkDone in
            try Evaluation.classifier(classifier, test: sets.mnist, outOfDistribution: outOfDistribution ? sets.fashion : nil, samples: samples, seed: 7,
                                      on: backend, progress: chunkDone).metrics
        }
        return Dictionary(metrics, uniquingKeysWith: { first, _ in first })
    }
}
