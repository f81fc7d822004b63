import DeepBayesBackendConformance
import DeepBayesBackends
import DeepBayesModels
import DeepBayesNN
import DeepBayesTraining
import Foundation
import Testing

/// The model library: metrics on hand-computed cases, SNR pruning, and each model's loss and
/// step on every backend.
@Suite struct ModelTests {
    /// Four rows, two classes, confidences exactly representable: with 4 bins, bin 3 holds
    /// 0.875 (right) and 0.75 (wrong), bin 2 holds 0.625 (wrong) and 0.5625 (right), so
    /// ECE = ½·|½ - 0.8125| + ½·|½ - 0.59375| = 0.203125.
    @Test func classificationMetricsOnAHandCase() {
        let p: [Float] = [0.875, 0.125, 0.375, 0.625, 0.75, 0.25, 0.4375, 0.5625]
        let labels = [0, 0, 1, 1]
        #expect(ClassificationMetrics.errorRate(probabilities: p, labels: labels, classes: 2) == 0.5)
        let nll = -(log(0.875) + log(0.375) + log(0.25) + log(0.5625)) / 4
        #expect(abs(ClassificationMetrics.negativeLogLikelihood(probabilities: p, labels: labels, classes: 2) - nll) < 1e-7)
        #expect(abs(ClassificationMetrics.expectedCalibrationError(probabilities: p, labels: labels, classes: 2, bins: 4) - 0.203125) < 1e-9)
        // 9 pairs: 0.9 and 0.8 beat all three negatives, 0.4 beats 0.1, ties 0.4, loses to 0.5.
        #expect(abs(ClassificationMetrics.areaUnderROC(positives: [0.9, 0.8, 0.4], negatives: [0.1, 0.4, 0.5]) - 7.5 / 9) < 1e-12)
        #expect(ClassificationMetrics.areaUnderROC(positives: [2, 3], negatives: [0, 1]) == 1)
    }

    /// Weights with |μ|/σ = 0.1, 0.2, …, 1.2 (σ = softplus(0)): pruning half zeroes the six
    /// lowest, leaves the others and the biases untouched.
    @Test(arguments: TestBackends.names)
    func pruningRemovesTheLowestSignalToNoise(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let layer = try BayesDense(inputs: 4, outputs: 3, prior: .gaussian(sigma: 1), rhoInitial: 0, ParameterInitializer(backend: backend, seed: 1))
        let sigma = Float(log(2.0))
        let order = [5, 0, 11, 3, 8, 1, 10, 2, 7, 4, 9, 6]
        var mu = [Float](repeating: 0, count: 12)
        for (rank, index) in order.enumerated() {
            let sign: Float = rank % 2 == 0 ? 1 : -1
            mu[index] = sign * Float(rank + 1) * 0.1 * sigma
        }
        layer.weight.mu.value = try backend.tensor(mu, shape: [4, 3])
        let network = Sequential([layer])
        #expect(try SignalToNoisePruning.prune(network, fraction: 0.5) == 6)
        let prunedMu = try layer.weight.mu.value.toArray(), prunedRho = try layer.weight.rho.value.toArray()
        for (rank, index) in order.enumerated() {
            let expectedMu: Float = rank < 6 ? 0 : mu[index]
            let expectedRho: Float = rank < 6 ? SignalToNoisePruning.prunedRho : 0
            #expect(prunedMu[index] == expectedMu, "weight \(index) (rank \(rank))")
            #expect(prunedRho[index] == expectedRho, "weight \(index) (rank \(rank))")
        }
        #expect(try layer.bias.rho.value.toArray() == [0, 0, 0])
        #expect(throws: DeepBayesError.self) { try SignalToNoisePruning.prune(network, fraction: 1.5) }
    }

    /// Both architectures and both kinds map `[B, 784]` to `[B, 10]`; MC dropout predictions
    /// disagree between passes (positive mutual information).
    @Test(arguments: TestBackends.names)
    func classifiersHaveTenOutputsAndUncertainty(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        var random = HostRandom(seed: 2)
        let images = try backend.tensor(random.array(3 * 784, 0, 1), shape: [3, 784])
        let mixture = try ScaleMixturePrior(pi: 0.5, sigma1: 1, sigma2: exp(-6))
        for architecture in ClassifierArchitecture.allCases {
            for kind in [ClassifierModel.Kind.bayesian(prior: .scaleMixture(mixture), estimator: .localReparameterization), .mcDropout(p: 0.5)] {
                let model = try ClassifierModel(architecture: architecture, hidden: [32], kind: kind, ParameterInitializer(backend: backend, seed: 3))
                let prediction = try model.predict(images: images, samples: 4, seed: 4)
                #expect(prediction.classes == 10 && prediction.count == 3)
                #expect(prediction.mutualInformation.max()! > 0, "\(architecture) \(kind): sampled passes should disagree")
                let context = ForwardContext(tape: Tape(backend: backend), mode: .training, seed: 5, pass: 0)
                let loss = try model.loss(images: images, labels: backend.tensor([1, 2, 3], shape: [3]), objective: BayesianObjective(numberOfBatches: 10), context)
                #expect(try loss.value.scalar().isFinite)
            }
        }
    }

    /// Forty Adam steps on one batch lower the VAE's mean negative ELBO, which is positive.
    @Test(arguments: TestBackends.names)
    func vaeLearnsABatch(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let model = try VAEModel(hidden: 64, latent: 4, ParameterInitializer(backend: backend, seed: 6))
        var random = HostRandom(seed: 7)
        let images = try backend.tensor(random.array(16 * 784, 0, 1).map { $0 > 0.7 ? 1 : 0 }, shape: [16, 784])
        let optimizer = Adam(AdamConfiguration(learningRate: 3e-3))
        var losses: [Float] = []
        for step in 0..<40 {
            let tape = Tape(backend: backend)
            let loss = try model.loss(images: images, ForwardContext(tape: tape, mode: .training, seed: 8, pass: UInt64(step)))
            try tape.backward(from: loss)
            try optimizer.step(model.namedParameters.map(\.parameter))
            losses.append(try loss.value.scalar())
        }
        #expect(losses.allSatisfy { $0 > 0 && $0.isFinite })
        let first: Float = losses.prefix(5).reduce(0, +), last: Float = losses.suffix(5).reduce(0, +)
        #expect(last < 0.8 * first, "the last five losses sum to \(last), the first five to \(first)")
    }

    /// One discriminator and one generator step of each architecture: finite losses, the
    /// discriminator step leaves the generator without gradients, the generator step leaves the
    /// discriminator's gradients as they were (it is frozen), and samples lie in [0, 1].
    @Test(arguments: TestBackends.names, GANArchitecture.allCases)
    func ganStepsRun(backendName: String, architecture: GANArchitecture) throws {
        let backend = TestBackends.backend(backendName)
        let model = try GANModel(architecture: architecture, ParameterInitializer(backend: backend, seed: 9))
        var random = HostRandom(seed: 10)
        let real = try backend.tensor(random.array(4 * 784, -1, 1), shape: [4, 784])
        let dTape = Tape(backend: backend)
        let dLoss = try model.discriminatorLoss(real: real, ForwardContext(tape: dTape, mode: .training, seed: 11, pass: 0))
        try dTape.backward(from: dLoss)
        #expect(model.generator.parameters.allSatisfy { $0.gradient == nil })
        #expect(model.discriminator.trainableParameters.allSatisfy { $0.gradient != nil })
        let discriminatorGradients = try model.discriminator.trainableParameters.map { try $0.gradient?.toArray() }
        let gTape = Tape(backend: backend)
        let gLoss = try model.generatorLoss(batch: 4, ForwardContext(tape: gTape, mode: .training, seed: 11, pass: 1))
        try gTape.backward(from: gLoss)
        #expect(model.generator.trainableParameters.allSatisfy { $0.gradient != nil })
        #expect(try model.discriminator.trainableParameters.map { try $0.gradient?.toArray() } == discriminatorGradients)
        #expect(try dLoss.value.scalar().isFinite && gLoss.value.scalar().isFinite)
        let samples = try model.sample(count: 3, seed: 12, on: backend)
        #expect(samples.shape == [3, 784])
        #expect(try samples.toArray().allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    /// The averaged generator starts equal to the generator; after one training step it holds
    /// `0.1·initial + 0.9·trained` (the first warm-up weight); checkpoints name one averaged
    /// tensor per generator tensor.
    @Test(arguments: TestBackends.names)
    func ganAverageFollowsTheGenerator(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let model = try GANModel(architecture: .mlp, ParameterInitializer(backend: backend, seed: 9))
        let initial = try model.generator.parameters.map { try $0.value.toArray() }
        #expect(try model.averagedGenerator.parameters.map { try $0.value.toArray() } == initial)
        var random = HostRandom(seed: 10)
        let images = try backend.tensor(random.array(4 * 784, 0, 1), shape: [4, 784])
        _ = try TrainingStep(.gan(model), learningRate: 1e-3, seed: 3, on: backend)(images: images, labels: backend.zeros([4]), pass: 0, batches: 1)
        for (index, (trained, averaged)) in zip(model.generator.parameters, model.averagedGenerator.parameters).enumerated() {
            let now = try trained.value.toArray(), mean = try averaged.value.toArray()
            #expect(now != initial[index], "parameter \(index) did not train")
            let worst = zip(zip(initial[index], now), mean).map { abs(0.1 * $0.0 + 0.9 * $0.1 - $1) }.max()!
            #expect(worst <= 1e-6, "parameter \(index): averaged value off by \(worst)")
        }
        #expect(model.namedParameters.filter { $0.name.hasPrefix("averaged_generator.") }.count == model.generator.namedParameters.count)
    }

    /// After recalibration the averaged DCGAN generator's batch-norm statistics fit its weights:
    /// inference-mode samples (running statistics) agree with training-mode samples (the
    /// batch's own statistics, 512 codes) to 0.05 in mean absolute difference, where the
    /// initial statistics (mean 0, variance 1) are far off.
    @Test(arguments: TestBackends.names)
    func recalibratedStatisticsFitTheAveragedGenerator(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let model = try GANModel(architecture: .dcgan, ParameterInitializer(backend: backend, seed: 9))
        func gap() throws -> Float {
            func images(_ mode: ForwardMode) throws -> [Float] {
                let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: mode, seed: 5, pass: 1)
                let codes = try context.tape.constant(model.noise(count: 512, context))
                return try model.averagedGenerator(codes, context).value.toArray()
            }
            let inference = try images(.inference), training = try images(.training)
            return zip(inference, training).map { abs($0 - $1) }.reduce(0, +) / Float(inference.count)
        }
        let before = try gap()
        try model.recalibrateAveragedGenerator(seed: 4, on: backend)
        let after = try gap()
        #expect(after < 0.05 && after < before / 4, "mean |inference − training| \(before) before, \(after) after recalibration")
    }
}
