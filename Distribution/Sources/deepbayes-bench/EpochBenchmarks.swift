import DeepBayesBackends
import DeepBayesData
import DeepBayesTraining

/// Whole training epochs of the models that `Scripts/pytorch-reference.py` mirrors in PyTorch:
/// every minibatch of the 60,000 MNIST training images, shuffled and assembled by `Batches` as
/// `Trainer` does for epoch `e` (the same seed, epoch and step numbers), each uploaded and run
/// through the `TrainingStep` that `deepbayes train` runs, with the model's default sizes and
/// learning rate; no evaluation. Timed as items (images) per second, median of `runs` epochs
/// after the first, which is validated: from the same initial weights and seed every backend's
/// first epoch starts with the same step, so its losses are what validation compares.
enum EpochBenchmarks {
    /// The models, labelled as the PyTorch script labels them: Bayes by Backprop with either
    /// estimator (`local`: local reparameterization, the default; `reparam`: sampled weights,
    /// `--estimator reparameterization`), MC dropout, the VAE and the MLP GAN.
    static func specs() -> [(String, ModelSpec)] {
        var sampledWeights = ModelSpec.defaults(for: .bnn)
        sampledWeights.estimator = "reparameterization"
        return [("bnn mlp 784-400-400-10 local", .defaults(for: .bnn)), ("bnn mlp 784-400-400-10 reparam", sampledWeights),
                ("mcdropout mlp 784-400-400-10", .defaults(for: .mcdropout)), ("vae 784-400-20", .defaults(for: .vae)),
                ("gan mlp", .defaults(for: .gan))]
    }

    /// One "train epoch" benchmark per model, each timed as the median of `runs` epochs.
    static func all(runs: Int) throws -> [Benchmark] {
        let train = try DataSource(root: nil).mnist(.train)
        let batchSize = TrainingBenchmarks.batchSize
        return specs().map { label, spec in
            Benchmark(kernel: "train epoch", shape: "\(label), batch \(batchSize)", work: .items(Double(train.count)),
                      yardstick: .otherBackend, schedule: .long(runs: runs)) { backend in
                let model = try TrainableModel(spec, on: backend)
                let step = TrainingStep(model, learningRate: spec.kind.defaultLearningRate, seed: spec.seed, on: backend)
                var epoch = 0
                return {
                    let batches = try Batches(train, batchSize: batchSize, shuffleSeed: spec.seed, epoch: epoch)
                    var first: TrainingStep.Losses = []
                    for (index, batch) in batches.enumerated() {
                        let images = try backend.tensor(batch.images, shape: batch.imageShape)
                        let labels = try backend.tensor(batch.labels, shape: batch.labelShape)
                        let losses = try step(images: images, labels: labels, pass: UInt64(epoch * batches.count + index), batches: batches.count)
                        if index == 0 { first = losses }
                    }
                    epoch += 1
                    return [try CPUReference.backend.tensor(first.map(\.value), shape: [first.count])]
                }
            }
        }
    }
}
