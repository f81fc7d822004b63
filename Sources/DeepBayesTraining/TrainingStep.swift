import DeepBayesCore
import DeepBayesNN

/// One optimizer step of a model on one minibatch, exactly as `Trainer` runs it: for
/// classifiers and the VAE one Adam step on the model's loss; for GANs a discriminator step
/// then a non-saturating generator step (Adam with β₁ = ½ for both) and an update of the
/// generator's moving average. The benchmark times it.
public final class TrainingStep {
    /// The losses of one step, named as `metrics.jsonl` names them; the first is `train_loss`
    /// (a Bayesian classifier's also its terms `train_kl`, KL/(M·B), and `train_nll`, the mean
    /// NLL; a GAN's also `generator_loss`).
    public typealias Losses = [(name: String, value: Float)]

    /// The optimizers whose learning rate an epoch schedule sets.
    public var optimizers: [Adam] { optimized.map(\.optimizer) }
    /// Each optimizer with the named parameters it updates (checkpoint names): what a resumable
    /// checkpoint saves of the optimizers' state.
    public let optimized: [(optimizer: Adam, parameters: [NamedParameter])]
    private let body: (_ images: Tensor, _ labels: Tensor, _ pass: UInt64, _ batches: Int) throws -> Losses

    /// A step for `model` on `backend`; every random stream of step `pass` derives from `seed`.
    /// A Bayesian classifier's KL enters each minibatch's loss as `kl` says.
    public init(_ model: TrainableModel, learningRate: Float, seed: UInt64, kl: KLTerm = KLTerm(), on backend: any Backend) {
        switch model {
        case let .classifier(classifier):
            let optimizer = Adam(AdamConfiguration(learningRate: learningRate))
            let parameters = classifier.trainableParameters
            optimized = [(optimizer, classifier.namedParameters.filter(\.parameter.isTrainable))]
            body = { images, labels, pass, batches in
                let tape = Tape(backend: backend)
                let objective = try BayesianObjective(numberOfBatches: batches, kl: kl)
                let terms = try classifier.lossTerms(images: images, labels: labels, objective: objective, batch: Int(pass % UInt64(batches)),
                                                     ForwardContext(tape: tape, mode: .training, seed: seed, pass: RandomPass(.training, index: pass)))
                try tape.backward(from: terms.loss)
                try optimizer.step(parameters)
                guard let kl = terms.kl else { return [("train_loss", try terms.loss.value.scalar())] }
                return [("train_loss", try terms.loss.value.scalar()), ("train_kl", try kl.value.scalar()), ("train_nll", try terms.nll.value.scalar())]
            }
        case let .vae(vae):
            let optimizer = Adam(AdamConfiguration(learningRate: learningRate))
            let parameters = vae.namedParameters.map(\.parameter)
            optimized = [(optimizer, vae.namedParameters)]
            body = { images, _, pass, _ in
                let tape = Tape(backend: backend)
                let loss = try vae.loss(images: images, ForwardContext(tape: tape, mode: .training, seed: seed, pass: RandomPass(.training, index: pass)))
                try tape.backward(from: loss)
                try optimizer.step(parameters)
                return [("train_loss", try loss.value.scalar())]
            }
        case let .gan(gan):
            let configuration = AdamConfiguration(learningRate: learningRate, beta1: 0.5)
            let discriminatorOptimizer = Adam(configuration), generatorOptimizer = Adam(configuration)
            let discriminatorParameters = gan.discriminator.trainableParameters, generatorParameters = gan.generator.trainableParameters
            let named = gan.namedParameters.filter(\.parameter.isTrainable)
            optimized = [(discriminatorOptimizer, named.filter { $0.name.hasPrefix("discriminator.") }),
                         (generatorOptimizer, named.filter { $0.name.hasPrefix("generator.") })]
            body = { images, _, pass, _ in
                let real = try backend.scaled(images, by: 2, plus: -1)
                let discriminatorTape = Tape(backend: backend)
                let discriminatorLoss = try gan.discriminatorLoss(real: real, ForwardContext(tape: discriminatorTape, mode: .training, seed: seed, pass: RandomPass(.training, index: pass, part: 0)))
                try discriminatorTape.backward(from: discriminatorLoss)
                try discriminatorOptimizer.step(discriminatorParameters)
                let generatorTape = Tape(backend: backend)
                let generatorLoss = try gan.generatorLoss(batch: images.shape[0], ForwardContext(tape: generatorTape, mode: .training, seed: seed, pass: RandomPass(.training, index: pass, part: 2)))
                try generatorTape.backward(from: generatorLoss)
                try generatorOptimizer.step(generatorParameters)
                try gan.updateAverage()
                return [("train_loss", try discriminatorLoss.value.scalar()), ("generator_loss", try generatorLoss.value.scalar())]
            }
        }
    }

    /// Runs step number `pass` (from 0 over the whole run) on a minibatch of `[B, 784]` images
    /// in [0, 1] and `[B]` labels, one of `batches` minibatches per epoch: minibatch
    /// `pass mod batches` of its epoch, which the KL weighting of Bayesian classifiers needs. Reads only the scalar losses back to the host.
    public func callAsFunction(images: Tensor, labels: Tensor, pass: UInt64, batches: Int) throws -> Losses {
        try body(images, labels, pass, batches)
    }
}
