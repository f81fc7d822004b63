import DeepBayesCore
import DeepBayesModels

extension ModelSpec {
    /// The model's sizes, after checking every number of the description that sizes it (they
    /// come from the command line or from a checkpoint's metadata): a known architecture, hidden
    /// widths and the latent size of at least 1 (the VAE: exactly one hidden layer), a dropout
    /// probability in [0, 1), a positive finite input scale. Nothing is built; `invalidArgument`
    /// names the field.
    public func checkedSize() throws -> ModelSize {
        func invalid(_ reason: String) -> DeepBayesError { .invalidArgument(operation: "model", reason: reason) }
        if let width = hidden.first(where: { $0 < 1 }) { throw invalid("hidden width \(width) must be at least 1") }
        switch kind {
        case .bnn, .mcdropout, .mlp:
            guard let architecture = ClassifierArchitecture(rawValue: architecture) else {
                throw invalid("unknown architecture '\(architecture)' for \(kind.rawValue) (\(ClassifierArchitecture.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if kind != .bnn, !(dropout >= 0 && dropout < 1) { throw invalid("dropout \(dropout) must lie in [0, 1)") }
            guard inputScale > 0, inputScale.isFinite else { throw invalid("input scale \(inputScale) must be a positive finite number") }
            return ClassifierModel.size(architecture: architecture, hidden: hidden, bayesian: kind == .bnn,
                                        dropout: kind != .bnn && dropout > 0, scaled: inputScaling != 1, logitVariance: logitVariance)
        case .vae:
            guard architecture == "mlp", hidden.count == 1 else {
                throw invalid("the VAE is an mlp with one hidden layer, got \(architecture) \(hidden)")
            }
            guard latent >= 1 else { throw invalid("latent size \(latent) must be at least 1") }
            return VAEModel.size(hidden: hidden[0], latent: latent)
        case .gan:
            guard let architecture = GANArchitecture(rawValue: architecture) else {
                throw invalid("unknown architecture '\(architecture)' for gan (mlp or dcgan)")
            }
            let (generator, discriminator) = GANModel.size(architecture: architecture)
            var size = generator
            size.append(discriminator)
            size.append(generator)  // the averaged generator
            return size
        }
    }

    /// The numbers that size the model, for messages: "bnn mlp, hidden [400, 400]", "mlp, hidden
    /// [400, 400]", "vae, hidden [400], latent 20", "gan dcgan".
    public var sizeSummary: String {
        switch kind {
        case .mlp where architecture == "mlp": return "mlp, hidden \(hidden)" + (logitVariance ? ", logit variance" : "")
        case .bnn, .mcdropout, .mlp: return "\(kind.rawValue) \(architecture), hidden \(hidden)" + (logitVariance ? ", logit variance" : "")
        case .vae: return "vae, hidden \(hidden), latent \(latent)"
        case .gan: return "gan \(architecture)"
        }
    }

    /// What training with minibatches of `batchSize` holds on the device, estimated from the
    /// description alone: every parameter four times (its value, its gradient and Adam's two
    /// moments; a GAN's averaged generator, which has neither, counts so too: an overestimate
    /// of a fifth of the GAN's parameters), and per item the input and the activations
    /// three times (forward values, their gradients and one temporary of the same size).
    public func trainingMemory(batchSize: Int) throws -> MemoryBudget {
        let size = try checkedSize()
        let parameters = 4 * size.parameters
        let perItem = 784 + 3 * size.activationsPerItem
        return MemoryBudget(device: MemoryBudget.floats(parameters + Double(batchSize) * perItem),
                            largestTensor: MemoryBudget.floats(max(size.largestParameter, Double(batchSize) * size.largestActivationPerItem)))
    }

    /// What a forward pass over `batchSize` items holds on the device (evaluation, sampling):
    /// the parameters and, per item, the input and the activations twice (a GAN's: those of
    /// its generator, the network that evaluation and sampling run).
    public func inferenceMemory(batchSize: Int) throws -> MemoryBudget {
        let size = try checkedSize()
        var activations = size.activationsPerItem
        if kind == .gan, let architecture = GANArchitecture(rawValue: architecture) {
            activations = GANModel.size(architecture: architecture).generator.activationsPerItem
        }
        let perItem = 784 + 2 * activations
        return MemoryBudget(device: MemoryBudget.floats(size.parameters + Double(batchSize) * perItem),
                            largestTensor: MemoryBudget.floats(max(size.largestParameter, Double(batchSize) * size.largestActivationPerItem)))
    }
}
