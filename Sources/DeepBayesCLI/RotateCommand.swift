import ArgumentParser
import DeepBayesBackends
import DeepBayesData
import DeepBayesTraining
import Foundation

/// `deepbayes rotate --checkpoint A [--checkpoint B ...]`: the rotated-digit experiment, a
/// test digit turned step by step and each model's sampled predictions for every turn.
struct RotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Turn an MNIST test digit step by step and chart each classifier's sampled predictions and uncertainty.",
        discussion: """
            Writes into --out: rotated-digit.svg (for each checkpoint, every sampled pass's probability of the likely \
            classes against the angle with their mean, and the predictive entropy, mutual information and expected \
            entropy), rotated-digit.png (the rotated digits, one tile per angle), rotated-digit.csv (per model and \
            angle: mean probabilities and uncertainties) and rotated-digit-samples.csv (every pass's probabilities).
            """)

    @Option(help: "A bnn, mcdropout or mlp model.safetensors; repeat for several models (a row of the figure each).")
    var checkpoint: [String] = []

    @Option(help: "The test image to turn (from 0); default: the first test image of --digit.")
    var index: Int?

    @Option(help: "Without --index, turn the first test image of this class.")
    var digit = 1

    @Option(help: "The first angle, in degrees (counter-clockwise).")
    var from = 0.0

    @Option(help: "The last angle, in degrees.")
    var to = 180.0

    @Option(help: "Degrees between angles.")
    var step = 10.0

    @Option(help: "Sampled passes per angle (bnn, mcdropout).")
    var samples = 100

    @Option(help: "The folder to write the figure, the strip of digits and the tables into.")
    var out = "runs/rotated"

    @Option(help: "A directory laid out like the repository's Data/; default: the shipped data.")
    var data: String?

    @OptionGroup var deviceOption: DeviceOption

    @Option(help: "Seed of the sampled noise.")
    var seed: UInt64 = 7

    /// Refuses, at parse time: no checkpoint, `--samples` outside 1...`Evaluation.maximumSamples`,
    /// a `--digit` outside 0...9, a negative `--index`, angles that are not finite, a `--step`
    /// not positive, `--to` below `--from`, more than `RotatedDigit.maximumAngles` angles, and an
    /// `--out` that cannot be a folder.
    func validate() throws {
        try Validation.require(!checkpoint.isEmpty, "give at least one --checkpoint (a bnn, mcdropout or mlp model.safetensors)")
        try Validation.requireSamples(samples)
        try Validation.require((0..<MNISTFamily.classCount).contains(digit), "--digit \(digit) must lie in 0...\(MNISTFamily.classCount - 1)")
        if let index { try Validation.require(index >= 0, "--index \(index) must be at least 0") }
        do {
            _ = try RotatedDigit.angles(from: from, to: to, step: step)
        } catch let DeepBayesError.invalidArgument(_, reason) {
            throw ValidationError(reason)
        }
        try Validation.require(out != "", "--out is empty: give the folder to write into")
    }

    func run() throws {
        let backend = try deviceOption.makeBackend()
        try reportingErrors {
            try Validation.checkOutputFolder(out)
            let angles = try RotatedDigit.angles(from: from, to: to, step: step)
            let source = DataSource(root: data.map { URL(fileURLWithPath: $0) })
            try Validation.checkImageSizes(source, [("mnist", .test)])
            let chosen = try RotatedDigit.pick(from: source.mnist(.test), index: index, digit: digit)
            let images = try RotatedDigit.rotations(of: chosen.image, side: MNISTFamily.imageSize.rows, angles: angles)
            let loaded = try checkpoint.map { path in
                let (spec, model, _) = try Checkpoint.load(from: URL(fileURLWithPath: path), on: backend, workingBatch: angles.count)
                guard case let .classifier(classifier) = model else {
                    throw DeepBayesError.invalidFile(path: path, reason: "is a \(spec.kind.rawValue) model; rotate needs a classifier (bnn, mcdropout or mlp)")
                }
                return (kind: spec.kind.rawValue, path: path, model: classifier)
            }
            let kinds = loaded.map(\.kind)
            let measurements = try loaded.map { item in
                let label = kinds.filter { $0 == item.kind }.count > 1 ? "\(item.kind) (\(item.path))" : item.kind
                return try RotatedDigit.measure(item.model, label: label, images: images, angles: angles, samples: samples, seed: seed, on: backend)
            }
            let title = "Test digit \(chosen.index) (a \(chosen.label)) turned from \(String(format: "%g", from))° to \(String(format: "%g", to))° by \(String(format: "%g", step))°"
            for url in try RotatedDigit.write(measurements, images: images, title: title, to: URL(fileURLWithPath: out)) {
                print(url.path)
            }
        }
    }
}
