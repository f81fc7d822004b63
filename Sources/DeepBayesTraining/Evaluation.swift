import DeepBayesCore
import DeepBayesData
import DeepBayesModels
import DeepBayesNN
import Foundation

/// What `Evaluation.classifier` measured: the metrics, and the per-image predictions of the
/// test set (with its labels) and of the out-of-distribution set that they were computed from.
public struct ClassifierEvaluation {
    /// The metrics by name, in the order `Evaluation.classifier` documents.
    public let metrics: [(String, Double)]
    /// The predictions of the test (or validation) images.
    public let test: ClassifierPrediction
    /// The labels of the test images, in the order of `test`.
    public let labels: [Int]
    /// The predictions of the out-of-distribution images, when there were any.
    public let outOfDistribution: ClassifierPrediction?
}

/// The test metrics of each model kind, computed over whole datasets in chunks of
/// `chunkSize` images so that memory stays bounded.
public enum Evaluation {
    public static let chunkSize = 1000
    /// The most sampled passes one prediction may average (`--samples`): far beyond the 10-100
    /// that the papers use, where the estimate has long stopped changing; more only takes hours.
    public static let maximumSamples = 1000

    /// Uploads images `range` of `dataset` as `[n, 784]`, optionally mapped to [-1, 1].
    static func images(_ dataset: Dataset, _ range: Range<Int>, on backend: any Backend, signed: Bool = false) throws -> Tensor {
        let pixels = dataset.pixelsPerImage
        let values = Array(dataset.images[range.lowerBound * pixels..<range.upperBound * pixels])
        let tensor = try backend.tensor(values, shape: Shape.validated([range.count, pixels], for: "images"))
        return signed ? try backend.scaled(tensor, by: 2, plus: -1) : tensor
    }

    /// Chunks of `0..<count`.
    static func chunks(_ count: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: chunkSize).map { $0..<min($0 + chunkSize, count) }
    }

    /// `ClassifierPrediction`s of `dataset`, chunk by chunk, stitched together.
    static func predict(_ model: ClassifierModel, _ dataset: Dataset, samples: Int, seed: UInt64, on backend: any Backend,
                        chunkDone: () -> Void = {}) throws -> ClassifierPrediction {
        var probabilities: [Float] = [], predictive: [Float] = [], expected: [Float] = [], information: [Float] = [], variance: [Float]?
        for (index, range) in chunks(dataset.count).enumerated() {
            let part = try model.predict(images: images(dataset, range, on: backend), samples: samples, seed: seed &+ UInt64(index))
            chunkDone()
            probabilities += part.meanProbabilities
            predictive += part.predictiveEntropy
            expected += part.expectedEntropy
            information += part.mutualInformation
            if let logitVariance = part.logitVariance { variance = (variance ?? []) + logitVariance }
        }
        var prediction = ClassifierPrediction(classes: MNISTFamily.classCount, meanProbabilities: probabilities, predictiveEntropy: predictive,
                                              expectedEntropy: expected, mutualInformation: information)
        prediction.logitVariance = variance
        return prediction
    }

    /// `test_error`, `nll`, `ece` on `test`, and with `outOfDistribution` also `ood_auroc`
    /// (predictive entropy) and `ood_auroc_mi` (mutual information), the OOD set being positive;
    /// with the predictions they come from. `progress` is told after every chunk how many of all
    /// the chunks are done (the work is `samples` passes per chunk: minutes for hundreds of samples).
    public static func classifier(_ model: ClassifierModel, test: Dataset, outOfDistribution: Dataset?, samples: Int, seed: UInt64,
                                  on backend: any Backend, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> ClassifierEvaluation {
        let total = chunks(test.count).count + (outOfDistribution.map { chunks($0.count).count } ?? 0)
        var done = 0
        let chunkDone = { done += 1; progress(done, total) }
        let prediction = try predict(model, test, samples: samples, seed: seed, on: backend, chunkDone: chunkDone)
        let labels = test.labels.map { Int($0) }, classes = MNISTFamily.classCount
        var metrics = [
            ("test_error", ClassificationMetrics.errorRate(probabilities: prediction.meanProbabilities, labels: labels, classes: classes)),
            ("nll", ClassificationMetrics.negativeLogLikelihood(probabilities: prediction.meanProbabilities, labels: labels, classes: classes)),
            ("ece", ClassificationMetrics.expectedCalibrationError(probabilities: prediction.meanProbabilities, labels: labels, classes: classes)),
        ]
        var outOfDistributionPrediction: ClassifierPrediction?
        if let outOfDistribution {
            let ood = try predict(model, outOfDistribution, samples: samples, seed: seed ^ 0x00D, on: backend, chunkDone: chunkDone)
            metrics.append(("ood_auroc", ClassificationMetrics.areaUnderROC(positives: ood.predictiveEntropy, negatives: prediction.predictiveEntropy)))
            metrics.append(("ood_auroc_mi", ClassificationMetrics.areaUnderROC(positives: ood.mutualInformation, negatives: prediction.mutualInformation)))
            outOfDistributionPrediction = ood
        }
        return ClassifierEvaluation(metrics: metrics, test: prediction, labels: labels, outOfDistribution: outOfDistributionPrediction)
    }

    /// `test_nelbo`: the mean negative ELBO of the test images in nats (one latent sample each).
    public static func vae(_ model: VAEModel, test: Dataset, seed: UInt64, on backend: any Backend) throws -> [(String, Double)] {
        var total = 0.0
        for (index, range) in chunks(test.count).enumerated() {
            let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .inference, seed: seed, pass: RandomPass(.evaluation, index: UInt64(index)))
            let nelbo = try model.negativeELBO(images: images(test, range, on: backend), context)
            total += Double(try backend.sum(nelbo.value, keepingAxis: nil).scalar())
        }
        return [("test_nelbo", total / Double(test.count))]
    }

    /// `mnist_score` and `frechet_distance` of `count` generated images, measured with the
    /// `scorer` classifier: its predicted class probabilities (for the score) and its
    /// penultimate features (for the Fréchet distance against the features of `test`).
    public static func gan(_ model: GANModel, scorer: ClassifierModel, test: Dataset, count: Int, seed: UInt64,
                           on backend: any Backend) throws -> [(String, Double)] {
        var probabilities: [Float] = [], generatedFeatures: [Float] = [], testFeatures: [Float] = []
        var dimension = 0
        for (index, range) in chunks(count).enumerated() {
            let samples = try model.sample(count: range.count, seed: seed &+ UInt64(index), on: backend)
            let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .inference, seed: seed, pass: RandomPass(.evaluation, index: 0))
            let features = try scorer.features(images: samples, context)
            dimension = features.shape[1]
            generatedFeatures += try features.toArray()
            probabilities += try backend.softmax(of: scorer.network.layers.last!(context.tape.constant(features), context).value).toArray()
        }
        for range in chunks(min(count, test.count)) {
            let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .inference, seed: seed, pass: RandomPass(.evaluation, index: 0))
            testFeatures += try scorer.features(images: images(test, range, on: backend), context).toArray()
        }
        return [("mnist_score", GenerativeMetrics.mnistScore(probabilities: probabilities, classes: MNISTFamily.classCount)),
                ("frechet_distance", try GenerativeMetrics.frechetDistance(generatedFeatures, testFeatures, dimension: dimension))]
    }
}
