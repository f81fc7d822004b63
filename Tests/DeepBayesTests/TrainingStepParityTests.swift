import DeepBayesBackends
import DeepBayesTraining
import Testing

/// `TrainingStep`, the step `deepbayes train` runs and `deepbayes-bench` times, gives the same
/// losses on every backend for the models `TrainingParityTests` does not cover: the GANs (both
/// steps, batch norm, transposed convolutions, dropout in the MLP discriminator), the VAE and
/// MC dropout. From the same initial weights and seed on 8 random images, every loss within
/// 1e-4 relative of the reference backend's: three steps, or one for the DCGAN (a step's
/// generator loss already follows the discriminator's Adam update, so the first step checks
/// both updates). Measured on PoCL: below 1e-6 relative for the others, 3.5e-6 for the
/// DCGAN's first step. Its second step differs by 1e-3: Adam's first update moves every parameter by ±lr
/// whatever the size of its gradient, and among the DCGAN's 13 million parameters the gradients
/// that batch norm over 8 items leaves near zero take their sign from rounding.
@Suite struct TrainingStepParityTests {
    /// The models and how many steps of each are compared.
    static let models: [(name: String, spec: ModelSpec, steps: Int)] = {
        var mcDropout = ModelSpec.defaults(for: .mcdropout)
        mcDropout.hidden = [32, 32]
        return [("gan mlp", .defaults(for: .gan), 3), ("gan dcgan", .defaults(for: .gan, architecture: "dcgan"), 1),
                ("vae", .defaults(for: .vae), 3), ("mcdropout mlp 32-32", mcDropout, 3)]
    }()

    static func losses(_ spec: ModelSpec, steps: Int, on backend: any Backend) throws -> [Float] {
        var random = HostRandom(seed: 61)
        let images = try backend.tensor(random.array(8 * 784, 0, 1), shape: [8, 784])
        let labels = try backend.tensor((0..<8).map { _ in Float(random.next() % 10) }, shape: [8])
        let step = TrainingStep(try TrainableModel(spec, on: backend), learningRate: 1e-3, seed: spec.seed, on: backend)
        return try (0..<steps).flatMap { pass in
            try step(images: images, labels: labels, pass: UInt64(pass), batches: 10).map(\.value)
        }
    }

    @Test(arguments: TestBackends.othersThanReference, 0..<4)
    func stepsMatchTheReference(backendName: String, modelIndex: Int) throws {
        let (name, spec, steps) = Self.models[modelIndex]
        let reference = try Self.losses(spec, steps: steps, on: TestBackends.reference)
        let other = try Self.losses(spec, steps: steps, on: TestBackends.backend(backendName))
        let finite = reference.allSatisfy { $0.isFinite }
        #expect(finite, "\(name): \(reference)")
        #expect(reference.count == other.count)
        for (a, b) in zip(reference, other) {
            #expect(abs(a - b) <= 1e-4 * abs(a), "\(name) on \(backendName): \(other) against \(reference)")
        }
    }
}
