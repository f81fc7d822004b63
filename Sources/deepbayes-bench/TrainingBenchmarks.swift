import DeepBayesBackends
import DeepBayesData
import DeepBayesTraining

/// One training step of each model the CLI trains, with its default sizes, on the first 128
/// MNIST training images: the step `deepbayes train` runs (forward, backward, optimizer; for
/// GANs a discriminator and a generator step), timed as items per second. The step's losses
/// are what validation compares: from the same initial weights and seed, the first step on
/// every backend must give the same losses.
enum TrainingBenchmarks {
    static let batchSize = 128

    /// The models as `deepbayes train` builds them by default, and their labels.
    static func specs(quick: Bool) -> [(String, ModelSpec)] {
        func spec(_ kind: ModelKind, _ architecture: String = "mlp") -> ModelSpec {
            var spec = ModelSpec.defaults(for: kind)
            spec.architecture = architecture
            return spec
        }
        let all = [("bnn mlp 784-400-400-10", spec(.bnn)), ("bnn conv", spec(.bnn, "conv")),
                   ("mcdropout mlp 784-400-400-10", spec(.mcdropout)), ("vae 784-400-20", spec(.vae)),
                   ("gan mlp", spec(.gan)), ("gan dcgan", spec(.gan, "dcgan"))]
        return quick ? all.filter { !$0.0.contains("conv") && !$0.0.contains("dcgan") } : all
    }

    static func all(quick: Bool) throws -> [Benchmark] {
        let batch = try Batches(DataSource(root: nil).mnist(.train).prefix(batchSize), batchSize: batchSize)[0]
        return specs(quick: quick).map { label, spec in
            Benchmark(kernel: "train step", shape: "\(label), batch \(batchSize)", work: .items(Double(batchSize)),
                      yardstick: .otherBackend) { backend in
                let model = try TrainableModel(spec, on: backend)
                let step = TrainingStep(model, learningRate: spec.kind.defaultLearningRate, seed: spec.seed, on: backend)
                let images = try backend.tensor(batch.images, shape: batch.imageShape)
                let labels = try backend.tensor(batch.labels, shape: batch.labelShape)
                var pass: UInt64 = 0
                return {
                    let losses = try step(images: images, labels: labels, pass: pass, batches: 469)
                    pass += 1
                    return [try CPUReference.backend.tensor(losses.map(\.value), shape: [losses.count])]
                }
            }
        }
    }
}
