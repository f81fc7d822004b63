import DeepBayesBackends
import DeepBayesData
import DeepBayesTraining

/// One training step of each model the CLI trains (the row-by-row recurrent classifiers
/// included), with its default sizes, on the first
/// minibatch of 128 MNIST training images (one of an epoch's 469, for the KL scaling): the step `deepbayes train` runs (forward, backward, optimizer; for
/// GANs a discriminator and a generator step), timed as items per second. The step's losses
/// are what validation compares: from the same initial weights and seed, the first step on
/// every backend must give the same losses.
enum TrainingBenchmarks {
    static let batchSize = 128

    /// The models as `deepbayes train` builds them by default, and their labels.
    static func specs(quick: Bool) -> [(String, ModelSpec)] {
        let all = [("bnn mlp 784-400-400-10", ModelSpec.defaults(for: .bnn)), ("bnn conv", .defaults(for: .bnn, architecture: "conv")),
                   ("mcdropout mlp 784-400-400-10", .defaults(for: .mcdropout)), ("vae 784-400-20", .defaults(for: .vae)),
                   ("gan mlp", .defaults(for: .gan)), ("gan dcgan", .defaults(for: .gan, architecture: "dcgan")),
                   ("mlp lstm 28x28-128-10", .defaults(for: .mlp, architecture: "lstm")), ("bnn lstm 28x28-128-10", .defaults(for: .bnn, architecture: "lstm")),
                   ("mlp gru 28x28-128-10", .defaults(for: .mlp, architecture: "gru"))]
        return quick ? all.filter { !$0.0.contains("conv") && !$0.0.contains("dcgan") } : all
    }

    static func all(quick: Bool) throws -> [Benchmark] {
        let batches = try Batches(DataSource(root: nil).mnist(.train), batchSize: batchSize)
        let batch = batches[0], batchesPerEpoch = batches.count
        return specs(quick: quick).map { label, spec in
            Benchmark(kernel: "train step", shape: "\(label), batch \(batchSize)", work: .items(Double(batchSize)),
                      yardstick: .otherBackend) { backend in
                let model = try TrainableModel(spec, on: backend)
                let step = TrainingStep(model, learningRate: spec.kind.defaultLearningRate, seed: spec.seed, on: backend)
                let images = try backend.tensor(batch.images, shape: batch.imageShape)
                let labels = try backend.tensor(batch.labels, shape: batch.labelShape)
                var pass: UInt64 = 0
                return {
                    let losses = try step(images: images, labels: labels, pass: pass, batches: batchesPerEpoch)
                    pass += 1
                    return [try CPUReference.backend.tensor(losses.map(\.value), shape: [losses.count])]
                }
            }
        }
    }
}
