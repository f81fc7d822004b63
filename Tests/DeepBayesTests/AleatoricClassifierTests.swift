import DeepBayesBackendConformance
import DeepBayesBackends
import DeepBayesData
import DeepBayesModels
import DeepBayesNN
import DeepBayesTraining
import Foundation
import Testing

/// Kendall and Gal's aleatoric classifier: the sampled-softmax loss against a reference computed
/// on the host in `Double` and its gradient against finite differences on every backend; the
/// model with a logit-variance head end to end; and the image corruptions it is trained and
/// shifted with.
@Suite struct AleatoricClassifierTests {
    /// `-log (1/T) Σ_t softmax(f + e^{λ/2} ε_t)[y]` per row, directly from the definition.
    static func referenceLoss(logits: [Float], logVariance: [Float], labels: [Int], noise: [[Float]], classes: Int) -> [Double] {
        labels.indices.map { row in
            let likelihoods = noise.map { epsilon -> Double in
                let corrupted = (0..<classes).map { c in
                    Double(logits[row * classes + c]) + exp(Double(logVariance[row * classes + c]) / 2) * Double(epsilon[row * classes + c])
                }
                let denominator = corrupted.reduce(0) { $0 + exp($1) }
                return exp(corrupted[labels[row]]) / denominator
            }
            return -log(likelihoods.reduce(0, +) / Double(noise.count))
        }
    }

    @Test(arguments: TestBackends.names)
    func sampledSoftmaxLossEqualsItsDefinition(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        var random = HostRandom(seed: 11)
        let rows = 5, classes = 4
        let logits = random.array(rows * classes, -3, 3), logVariance = random.array(rows * classes, -2, 2)
        let labels = (0..<rows).map { $0 % classes }
        let noise = (0..<6).map { _ in (0..<rows * classes).map { _ in random.normal() } }
        let tape = Tape(backend: backend, recordsGradients: false)
        let loss = try tape.sampledSoftmaxCrossEntropy(
            logits: tape.constant(backend.tensor(logits, shape: [rows, classes])), logVariance: tape.constant(backend.tensor(logVariance, shape: [rows, classes])),
            labels: backend.tensor(labels.map(Float.init), shape: [rows]), noise: noise.map { try backend.tensor($0, shape: [rows, classes]) })
        let expected = Self.referenceLoss(logits: logits, logVariance: logVariance, labels: labels, noise: noise, classes: classes)
        for (got, want) in zip(try loss.value.toArray(), expected) {
            #expect(abs(Double(got) - want) <= 1e-5 * max(1, abs(want)), "\(backendName): \(got) against \(want)")
        }
    }

    /// With logits far apart (a likelihood near e⁻⁶⁰ in one sample), the shifted log-sum-exp keeps
    /// the loss finite and exact, and a vanishing variance gives the plain cross-entropy.
    @Test(arguments: TestBackends.names)
    func sampledSoftmaxLossIsStableAndReducesToCrossEntropy(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let tape = Tape(backend: backend, recordsGradients: false)
        let logits: [Float] = [30, -30, 0, 1], labels: [Int] = [1, 0]
        let quiet = try tape.sampledSoftmaxCrossEntropy(
            logits: tape.constant(backend.tensor(logits, shape: [2, 2])), logVariance: tape.constant(backend.filled([2, 2], value: -40)),
            labels: backend.tensor([1, 0], shape: [2]), noise: [try backend.tensor([1, -1, 0.5, 2], shape: [2, 2])])
        let crossEntropy = try tape.crossEntropy(logits: tape.constant(backend.tensor(logits, shape: [2, 2])), labels: backend.tensor([1, 0], shape: [2]))
        for (a, b) in zip(try quiet.value.toArray(), try crossEntropy.value.toArray()) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b))) }
        let noise = [[Float]]([[0, 0, 0, 0], [3, -3, 0, 0]])
        let loud = try tape.sampledSoftmaxCrossEntropy(
            logits: tape.constant(backend.tensor(logits, shape: [2, 2])), logVariance: tape.constant(backend.filled([2, 2], value: 0)),
            labels: backend.tensor([1, 0], shape: [2]), noise: noise.map { try backend.tensor($0, shape: [2, 2]) })
        let expected = Self.referenceLoss(logits: logits, logVariance: [0, 0, 0, 0], labels: labels, noise: noise, classes: 2)
        for (got, want) in zip(try loud.value.toArray(), expected) {
            #expect(got.isFinite && abs(Double(got) - want) <= 1e-5 * want, "\(got) against \(want)")
        }
    }

    @Test(arguments: TestBackends.names)
    func sampledSoftmaxGradientMatchesFiniteDifferences(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        let backend = check.backend
        var random = HostRandom(seed: 12)
        let logits = try check.parameter([4, 3], &random, -2...2), logVariance = try check.parameter([4, 3], &random, -1...1)
        let labels = try backend.tensor([0, 2, 1, 2], shape: [4])
        let noise = try (0..<5).map { _ in try backend.tensor((0..<12).map { _ in random.normal() }, shape: [4, 3]) }
        try check.expectGradients([NamedParameter("logits", logits), NamedParameter("logVariance", logVariance)]) { context in
            [try context.tape.sampledSoftmaxCrossEntropy(logits: context.tape.watch(logits), logVariance: context.tape.watch(logVariance),
                                                         labels: labels, noise: noise)]
        }
    }

    /// A Bayesian classifier with a logit-variance head: its parameters have their own names and
    /// survive a checkpoint; its loss differentiates; its prediction carries the variance, with
    /// probabilities that sum to 1 and a mutual information that is the entropy difference.
    @Test(arguments: TestBackends.names)
    func theModelTrainsSavesAndPredictsItsLogitVariance(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        var spec = ModelSpec.defaults(for: .bnn)
        spec.hidden = [6]
        spec.logitVariance = true
        guard case let .classifier(model) = try TrainableModel(spec, on: backend) else { Issue.record("not a classifier"); return }
        #expect(model.namedParameters.contains { $0.name.hasPrefix("logit_variance.") })
        var random = HostRandom(seed: 13)
        let images = try backend.tensor(random.array(3 * 784, 0, 1), shape: [3, 784]), labels = try backend.tensor([1, 7, 3], shape: [3])

        let head = try #require(model.logitVarianceHead)
        let before = try head.parameters.map { try $0.value.toArray() }
        let step = TrainingStep(.classifier(model), learningRate: 1e-3, seed: 2, on: backend)
        let losses = try step(images: images, labels: labels, pass: 0, batches: 1)
        #expect(losses.map(\.name) == ["train_loss", "train_kl", "train_nll"] && losses.allSatisfy { $0.value.isFinite })
        #expect(try zip(before, head.parameters).allSatisfy { try $0.0 != $0.1.value.toArray() }, "a step left the log-variance head as it was")

        let prediction = try model.predict(images: images, samples: 4, seed: 3)
        let variance = try #require(prediction.logitVariance)
        #expect(variance.count == 3 && variance.allSatisfy { $0 > 0 && $0.isFinite })
        for row in 0..<3 {
            let total = prediction.meanProbabilities[row * 10..<(row + 1) * 10].reduce(0, +)
            #expect(abs(total - 1) <= 1e-5)
            #expect(abs(prediction.mutualInformation[row] - max(0, prediction.predictiveEntropy[row] - prediction.expectedEntropy[row])) <= 1e-6)
        }

        let url = CheckpointTests.temporaryFile("aleatoric.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(.classifier(model), spec: spec, to: url)
        let (loadedSpec, loaded, _) = try Checkpoint.load(from: url, on: backend)
        #expect(loadedSpec.logitVariance && loaded.namedParameters.map(\.name) == model.namedParameters.map(\.name))
        guard case let .classifier(reloaded) = loaded else { Issue.record("not a classifier"); return }
        #expect(try reloaded.predict(images: images, samples: 4, seed: 3).meanProbabilities == prediction.meanProbabilities)
    }

    @Test func blurKeepsTheInkAndSpreadsItSymmetrically() throws {
        var image = [Float](repeating: 0, count: 28 * 28)
        image[14 * 28 + 14] = 1
        ImageCorruption.blur(sigma: 1.5).apply(to: &image, offset: 0, side: 28, random: RandomStream(seed: 1, stream: 0))
        #expect(abs(image.reduce(0, +) - 1) <= 1e-5)
        #expect(image[14 * 28 + 14] < 0.1 && image[14 * 28 + 14] == image.max())
        #expect(abs(image[14 * 28 + 12] - image[14 * 28 + 16]) <= 1e-7 && abs(image[12 * 28 + 14] - image[14 * 28 + 12]) <= 1e-7)
        // Separable Gaussian: the centre holds g(0)², g the normalized 1-D kernel.
        let kernel = ImageCorruption.gaussianKernel(sigma: 1.5)
        #expect(abs(image[14 * 28 + 14] - kernel[kernel.count / 2] * kernel[kernel.count / 2]) <= 1e-6)
    }

    @Test func noiseHasTheStatedStandardDeviationAndIsReproducible() throws {
        let side = 64
        var image = [Float](repeating: 0.5, count: side * side)
        let random = RandomStream(seed: 3, stream: 9)
        ImageCorruption.noise(std: 0.1).apply(to: &image, offset: 0, side: side, random: random)
        let deviations = image.map { Double($0) - 0.5 }
        let std = (deviations.map { $0 * $0 }.reduce(0, +) / Double(deviations.count)).squareRoot()
        // 4096 draws: the sample std of N(0, 0.1²) lies within 5% of 0.1 with overwhelming probability.
        #expect(abs(std - 0.1) <= 0.005, "noise std \(std)")
        var again = [Float](repeating: 0.5, count: side * side)
        ImageCorruption.noise(std: 0.1).apply(to: &again, offset: 0, side: side, random: random)
        #expect(again == image)
        var clipped = [Float](repeating: 1, count: 16)
        ImageCorruption.noise(std: 5).apply(to: &clipped, offset: 0, side: 4, random: random)
        #expect(clipped.allSatisfy { (0...1).contains($0) })
    }

    @Test func augmentationCorruptsTheStatedShareAndTheSameImagesEveryTime() throws {
        let augmentation = try CorruptionAugmentation(fraction: 0.3)
        let chosen = (0..<4000).compactMap { augmentation.corruption(seed: 4, step: UInt64($0 / 100), image: $0 % 100) }
        // Binomial(4000, 0.3): standard deviation 29, so ±120 is four of them.
        #expect(abs(chosen.count - 1200) <= 120, "\(chosen.count) of 4000 corrupted")
        let blurred = chosen.filter { if case .blur = $0 { return true } else { return false } }.count
        #expect(abs(blurred - chosen.count / 2) <= 80)
        #expect(augmentation.corruption(seed: 4, step: 7, image: 3) == augmentation.corruption(seed: 4, step: 7, image: 3))
        #expect(throws: DeepBayesError.self) { try CorruptionAugmentation(fraction: 1.5) }
    }
}
