import ArgumentParser
import DeepBayesBackends
import DeepBayesData
import DeepBayesFiles
import DeepBayesTraining
import Foundation

/// `--invert` of `predict`.
extension DigitImage.Inversion: ExpressibleByArgument {}
/// `--framing` of `predict`.
extension DigitImage.Framing: ExpressibleByArgument {}
/// `--format` of `predict`.
extension PredictionRecords.Format: ExpressibleByArgument {}

/// `deepbayes predict --checkpoint FILE INPUT...`: a classifier's prediction and its
/// uncertainty for every image of PNG and IDX files, as JSON lines or CSV.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify PNG images and IDX image files with a classifier checkpoint (or predict numbers with a regressor's): one record per input, with its uncertainty.",
        discussion: """
            A PNG file (any size, grey or colour) is prepared as MNIST's digits are: turned grey, inverted when it is \
            a dark digit on light paper (--invert auto), its ink scaled into a 20x20 box and centred by its centre \
            of mass in 28x28 (--framing mnist; --framing fit scales the whole picture into 28x28 instead). An IDX file \
            (gzip or not, like MNIST's t10k-images-idx3-ubyte.gz) gives one record per 28x28 image, its index from 0. \
            Each record: file, index, predicted class, its probability, predictive entropy, expected entropy \
            (aleatoric), mutual information (epistemic), in nats, and the ten class probabilities. A regressor's \
            checkpoint (bnn.safetensors, ... of `deepbayes regression`) takes numbers and text files of numbers \
            instead: each record is x, the predictive mean, the epistemic, aleatoric and total variance.
            """)

    @Option(help: "A bnn, mcdropout or mlp model.safetensors written by `deepbayes train` or `deepbayes prune`.")
    var checkpoint: String

    @Option(help: "Sampled passes per prediction (bnn, mcdropout).")
    var samples = 50

    @Option(help: "The records' format.")
    var format: PredictionRecords.Format = .jsonl

    @Option(help: "Write the records to this file (replaced atomically) instead of standard output.")
    var output: String?

    @Option(help: "Invert PNG images to a light digit on black: auto (when the border is brighter than the inside), yes or no.")
    var invert: DigitImage.Inversion = .auto

    @Option(help: "How a PNG image is placed in 28x28: mnist (the ink's 20x20 box, centred by its centre of mass) or fit (the whole image).")
    var framing: DigitImage.Framing = .mnist

    @OptionGroup var deviceOption: DeviceOption

    @Option(help: "Seed of the sampled noise.")
    var seed: UInt64 = 7

    @Argument(help: "PNG files and IDX image files, in any mix; for a regressor of `deepbayes regression`, numbers and text files of numbers.")
    var inputs: [String]

    /// Refuses, at parse time, `--samples` outside 1...`Evaluation.maximumSamples`, no inputs
    /// and an empty `--output`.
    func validate() throws {
        try Validation.requireSamples(samples)
        try Validation.require(!inputs.isEmpty, "give at least one PNG or IDX image file to classify (or, for a regressor, a number or a file of numbers)")
        if let output { try Validation.require(output != "", "--output is empty: give the file to write, or leave it out for standard output") }
    }

    func run() throws {
        let backend = try deviceOption.makeBackend()
        try reportingErrors {
            try Checkpoint.requireRegularFile(checkpoint)
            let file = try SafetensorsFile.read(from: URL(fileURLWithPath: checkpoint))
            if file.metadata[RegressionCheckpoint.descriptionKey] != nil {
                return try predictRegression(file, on: backend)
            }
            let (spec, model, _) = try Checkpoint.load(file, path: checkpoint, on: backend)
            guard case let .classifier(classifier) = model else {
                throw DeepBayesError.invalidFile(path: checkpoint, reason: "is a \(spec.kind.rawValue) model; predict needs a classifier (bnn, mcdropout or mlp)")
            }
            let images = try ImageInputs.load(inputs, inversion: invert, framing: framing)
            let prediction = try PredictionRecords.predict(classifier, inputs: images, samples: samples, seed: seed, on: backend, source: checkpoint)
            try write(PredictionRecords.text(prediction, sources: images.sources, format: format))
        }
    }

    /// The records of a regressor (`deepbayes regression` writes them): its inputs are numbers
    /// and text files of numbers.
    private func predictRegression(_ file: SafetensorsFile, on backend: any Backend) throws {
        let (_, model) = try RegressionCheckpoint.load(file, path: checkpoint, on: backend, workingBatch: Evaluation.chunkSize)
        let values = try RegressionRecords.inputs(inputs)
        let prediction = try RegressionRecords.predict(model, inputs: values, samples: samples, seed: seed, on: backend, source: checkpoint)
        try write(RegressionRecords.text(prediction, inputs: values, format: format))
    }

    /// `text` to `--output` (atomically) or standard output.
    private func write(_ text: String) throws {
        if let output {
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
