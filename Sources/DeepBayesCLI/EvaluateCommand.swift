import ArgumentParser
import DeepBayesBackends
import DeepBayesFiles
import DeepBayesTraining
import Foundation

/// `deepbayes evaluate --checkpoint FILE`: prints the model's test metrics as one JSON object
/// (a language model's: `EvaluateCommand+Text.swift`).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a checkpoint on the MNIST test set (a language model: on its text's validation and test parts) and print one JSON object.")

    @Option(help: "A model.safetensors written by `deepbayes train` or `deepbayes prune`.")
    var checkpoint: String

    @OptionGroup var deviceOption: DeviceOption

    @Option(help: "Sampled passes per prediction (bnn, mcdropout).")
    var samples = 50

    @Option(help: "A directory laid out like the repository's Data/; default: the shipped data.")
    var data: String?

    @Option(help: "Evaluate on the first N test images only.")
    var testLimit: Int?

    @Option(help: "Seed of the evaluation's sampled noise.")
    var seed: UInt64 = 7

    @Flag(help: "Classifiers: also measure the aleatoric and the epistemic uncertainty on the test images with heavy noise, with heavy blur, and on Fashion-MNIST, with the AUROC of each.")
    var shifts = false

    /// Refuses, at parse time, `--samples` outside 1...`Evaluation.maximumSamples` and a
    /// `--test-limit` below 1 (one above the test set's size means the whole set).
    func validate() throws {
        try Validation.requireSamples(samples)
        if let testLimit { try Validation.require(testLimit >= 1, "--test-limit \(testLimit) must be at least 1") }
    }

    func run() throws {
        let backend = try deviceOption.makeBackend()
        try reportingErrors {
            try Checkpoint.requireRegularFile(checkpoint)
            let file = try SafetensorsFile.read(from: URL(fileURLWithPath: checkpoint))
            guard !LanguageModelCheckpoint.holdsLanguageModel(file) else { return try evaluateLanguageModel(file, on: backend) }
            let source = DataSource(root: data.map { URL(fileURLWithPath: $0) })
            let (spec, model, _) = try Checkpoint.load(file, path: checkpoint, on: backend)
            guard !shifts || spec.kind.isClassifier else {
                throw DeepBayesError.invalidArgument(operation: "evaluate", reason: "--shifts measures classifiers; \(checkpoint) holds a \(spec.kind.rawValue)")
            }
            try Validation.checkImageSizes(source, [("mnist", .test)] + (spec.kind.isClassifier ? [("fashion-mnist", .test)] : []))
            let fullTest = try source.mnist(.test)
            let test = testLimit.map { fullTest.prefix($0) } ?? fullTest
            let metrics: [(String, Double)]
            switch model {
            case let .classifier(classifier):
                let fashion = try source.fashionTest()
                let ood = testLimit.map { fashion.prefix($0) } ?? fashion
                let standard = try ProgressReporter().evaluating { chunkDone in
                    try Evaluation.classifier(classifier, test: test, outOfDistribution: ood, samples: samples, seed: seed, on: backend, progress: chunkDone)
                }
                let rows = try shifts ? ShiftEvaluation.run(classifier, test: test, evaluated: standard, samples: samples, seed: seed, on: backend) : []
                metrics = standard.metrics + ShiftEvaluation.metrics(rows)
            case let .vae(vae):
                metrics = try Evaluation.vae(vae, test: test, seed: seed, on: backend)
            case let .gan(gan):
                let scorer = try Trainer.loadScorer(source, on: backend)
                metrics = try Evaluation.gan(gan, scorer: scorer, test: test, count: test.count, seed: seed, on: backend)
            }
            try Validation.requireFinite(metrics, source: checkpoint)
            print(try MetricsLog.jsonObject([("model", spec.kind.rawValue), ("device", backend.name)] + metrics.map { ($0.0, $0.1 as Any) }))
        }
    }
}
