import DeepBayesCore
import DeepBayesNN

/// The layer stack of an MNIST classifier.
public enum ClassifierArchitecture: String, Sendable, CaseIterable {
    /// Fully connected: 784 → hidden → … → 10 with relu.
    case mlp
    /// Two stride-2 5×5 convolutions (1 → 16 → 32 channels, 28 → 14 → 7 pixels), then dense
    /// layers as for `mlp`.
    case conv
    /// Row by row: the image is a sequence of 28 steps of 28 pixels (`SequenceEncoder`) through
    /// stacked LSTM layers of the `hidden` widths, and the last step's output goes to the logits.
    case lstm
    /// As `lstm`, with GRU layers.
    case gru

    /// The cell of a recurrent architecture, nil for the others.
    public var recurrentCell: RecurrentCell? {
        switch self {
        case .mlp, .conv: return nil
        case .lstm: return .lstm
        case .gru: return .gru
        }
    }

    /// A row-by-row model's steps, and the pixels of each.
    public static let sequenceSteps = 28
    public static let sequenceStepWidth = 28
}

/// A classifier of 28×28 images into 10 classes: Bayes by Backprop (`bayesian`), the same
/// network with dropout kept on at prediction time (`mcDropout`), or a plain network
/// (`deterministic`, with dropout while training only, or none).
///
/// Any of them may also predict how noisy its logits are (`logitVarianceHead`, Kendall and Gal
/// 2017): a second last layer, beside the logits layer on the same penultimate features, gives
/// a log-variance `λ_c` per class; training then minimizes the sampled-softmax loss
/// (`Tape.sampledSoftmaxCrossEntropy`) over `logitNoiseSamples` draws of the corrupted logits
/// `f + e^{λ/2} ⊙ ε`, and prediction averages the softmax over as many draws per pass. The
/// entropy of that average is the aleatoric part the model learned from its data; the spread of
/// the passes stays the epistemic part.
public final class ClassifierModel {
    /// How the network expresses uncertainty.
    public enum Kind: Sendable {
        /// Every weight has a Gaussian posterior (Blundell et al. 2015).
        case bayesian(prior: WeightPrior, estimator: BayesianEstimator)
        /// Dropout with probability `p` after every hidden layer, also at prediction time.
        case mcDropout(p: Float)
        /// Point weights, trained by maximum likelihood with dropout of probability `p` after
        /// every hidden layer (0: none) and predicting with all units (Srivastava et al. 2014):
        /// the baselines of Blundell et al.'s Table 1. Its prediction is one pass.
        case deterministic(dropout: Float)
    }

    /// Input to logits.
    public let network: Sequential
    /// Penultimate features to the logits' log-variances `λ` (`[N, 10]`), when the model learns
    /// its aleatoric uncertainty; its parameters are named `logit_variance.…`.
    public let logitVarianceHead: (any Layer)?
    public let architecture: ClassifierArchitecture
    public let kind: Kind

    /// Draws of the logit noise per training step and per prediction pass of a model with a
    /// `logitVarianceHead`.
    public static let logitNoiseSamples = 10
    /// The checkpoint-name prefix of `logitVarianceHead`'s parameters.
    public static let logitVarianceName = "logit_variance"

    /// The network for `kind`; `inputScaling` multiplies the [0, 1] pixels before the first
    /// layer (a `Scaling` layer at index 0, present only when the factor is not 1);
    /// `learnsLogitVariance` adds the `logitVarianceHead` (of the same kind of layer as the logits').
    public init(architecture: ClassifierArchitecture, hidden: [Int] = [400, 400], kind: Kind,
                rhoInitial: Float = BayesDense.defaultRhoInitial, inputScaling: Float = 1, learnsLogitVariance: Bool = false,
                _ initializer: ParameterInitializer) throws {
        self.architecture = architecture
        self.kind = kind
        var layers: [any Layer] = inputScaling == 1 ? [] : [try Scaling(inputScaling)]
        let posterior: (prior: WeightPrior, estimator: BayesianEstimator)?
        if case let .bayesian(prior, estimator) = kind { posterior = (prior, estimator) } else { posterior = nil }
        func dense(_ inputs: Int, _ outputs: Int) throws -> any Layer {
            try DenseLayers.make(inputs: inputs, outputs: outputs, posterior: posterior, rhoInitial: rhoInitial, initializer)
        }
        func conv(_ inChannels: Int, _ outChannels: Int) throws -> any Layer {
            let window = ConvolutionWindow(size: 5, stride: 2, padding: 2)
            switch kind {
            case let .bayesian(prior, estimator):
                let convEstimator: BayesianEstimator = estimator == .flipout ? .reparameterization : estimator
                return try BayesConv2D(inChannels: inChannels, outChannels: outChannels, window: window, prior: prior,
                                       estimator: convEstimator, rhoInitial: rhoInitial, initializer)
            case .mcDropout, .deterministic:
                return try Conv2D(inChannels: inChannels, outChannels: outChannels, window: window, initializer)
            }
        }
        func regularize() throws {
            switch kind {
            case let .mcDropout(p): layers.append(try Dropout(p, monteCarlo: true))
            case let .deterministic(p) where p > 0: layers.append(try Dropout(p))
            default: break
            }
        }
        var width = 784
        if let cell = architecture.recurrentCell {
            let dropout: (p: Float, monteCarlo: Bool)
            switch kind {
            case .bayesian: dropout = (0, false)
            case let .mcDropout(p): dropout = (p, true)
            case let .deterministic(p): dropout = (p, false)
            }
            let stack = try RecurrentStack(cell: cell, inputs: ClassifierArchitecture.sequenceStepWidth, units: hidden, prior: posterior?.prior,
                                           rhoInitial: rhoInitial, dropout: dropout.p, monteCarlo: dropout.monteCarlo, initializer)
            layers.append(try SequenceEncoder(stack: stack, steps: ClassifierArchitecture.sequenceSteps, stepWidth: ClassifierArchitecture.sequenceStepWidth))
            try regularize()
            width = stack.outputWidth
        } else {
            if architecture == .conv {
                layers += [Reshape(itemShape: [1, 28, 28]), try conv(1, 16), try Activation(.relu), try conv(16, 32), try Activation(.relu), Reshape.flatten]
                width = 32 * 7 * 7
            }
            for units in hidden {
                layers += [try dense(width, units), try Activation(.relu)]
                try regularize()
                width = units
            }
        }
        layers.append(try dense(width, 10))
        network = Sequential(layers)
        logitVarianceHead = learnsLogitVariance ? try dense(width, 10) : nil
    }

    /// Every parameter by its checkpoint name: the network's, then the log-variance head's.
    public var namedParameters: [NamedParameter] {
        network.namedParameters + (logitVarianceHead?.namedParameters.map { $0.prefixed(Self.logitVarianceName) } ?? [])
    }

    /// The parameters an optimizer updates, in `namedParameters` order.
    public var trainableParameters: [Parameter] { namedParameters.map(\.parameter).filter(\.isTrainable) }

    /// The logits of `[N, 784]` images and, with a `logitVarianceHead`, their log-variances.
    public func outputs(_ images: Variable, _ context: ForwardContext) throws -> (logits: Variable, logVariance: Variable?) {
        guard let head = logitVarianceHead, let last = network.layers.last else { return (try network(images, context), nil) }
        let features = try Sequential(Array(network.layers.dropLast()))(images, context)
        return (try last(features, context), try head(features, context))
    }

    /// The sizes of the network `init` builds for `architecture` and `hidden` (Bayesian:
    /// every weight and bias has μ and ρ; `dropout`: a mask after every hidden layer;
    /// `scaled`: the `Scaling` layer's output), worked out without building it.
    public static func size(architecture: ClassifierArchitecture, hidden: [Int], bayesian: Bool, dropout: Bool, scaled: Bool = false,
                            logitVariance: Bool = false) -> ModelSize {
        let copies: Double = bayesian ? 2 : 1
        var size = ModelSize()
        var width: Double = 784
        if scaled { size.elementwise(width) }
        if let cell = architecture.recurrentCell {
            width = Double(ClassifierArchitecture.sequenceStepWidth)
            for units in hidden.map(Double.init) {
                size.recurrent(gates: Double(cell.gateCount), inputs: width, units: units, steps: Double(ClassifierArchitecture.sequenceSteps),
                               copies: copies, dropout: dropout)
                width = units
            }
            if dropout { size.elementwise(width) }
        } else {
            if architecture == .conv {
                size.convolution(1, 16, window: 5, outputPixels: 14 * 14, inputPixels: 28 * 28, copies: copies)
                size.elementwise(16 * 14 * 14)
                size.convolution(16, 32, window: 5, outputPixels: 7 * 7, inputPixels: 14 * 14, copies: copies)
                size.elementwise(32 * 7 * 7)
                width = 32 * 7 * 7
            }
            width = size.denseStack(from: width, hidden: hidden, copies: copies, dropout: dropout)
        }
        size.dense(width, 10, copies: copies)
        if logitVariance {
            size.dense(width, 10, copies: copies)
            size.elementwise(10 * Double(2 * logitNoiseSamples))
        }
        return size
    }

    /// The per-item training loss of a minibatch of `[B, 784]` images and `[B]` labels, minibatch
    /// `batch` (from 0) of an epoch that `objective` describes: `(πᵢ · KL + Σ NLL) / B` for the
    /// Bayesian model (the `BayesianObjective` scaling, divided by the batch size so that
    /// learning rates read as for a mean loss), the mean NLL for the others. The NLL is the
    /// cross-entropy, or with a `logitVarianceHead` the sampled-softmax loss.
    public func loss(images: Tensor, labels: Tensor, objective: BayesianObjective, batch: Int = 0, _ context: ForwardContext) throws -> Variable {
        try lossTerms(images: images, labels: labels, objective: objective, batch: batch, context).loss
    }

    /// `loss` and its two terms, per item: the mean NLL `Σ NLL / B` and, for the Bayesian
    /// model, the weighted KL `πᵢ · KL / B` (their sum is the loss); the others have no KL term.
    public func lossTerms(images: Tensor, labels: Tensor, objective: BayesianObjective, batch: Int = 0, _ context: ForwardContext) throws
        -> (loss: Variable, kl: Variable?, nll: Variable) {
        let tape = context.tape
        let nll = try negativeLogLikelihoods(images: tape.constant(images), labels: labels, context)
        let items = Float(images.shape[0])
        switch kind {
        case .bayesian:
            let kl = try context.totalKL()
            let loss = try tape.scaled(objective.minibatchLoss(kl: kl, negativeLogLikelihoods: nll, batch: batch, on: tape), by: 1 / items)
            return (loss, try tape.scaled(kl, by: objective.klWeight(batch: batch) / items), try tape.mean(nll))
        case .mcDropout, .deterministic:
            let mean = try tape.mean(nll)
            return (mean, nil, mean)
        }
    }

    /// The per-item NLL `[B]`: the cross-entropy of the logits, or with a `logitVarianceHead` the
    /// sampled-softmax loss over `logitNoiseSamples` noise draws from `context`'s streams.
    func negativeLogLikelihoods(images: Variable, labels: Tensor, _ context: ForwardContext) throws -> Variable {
        let (logits, logVariance) = try outputs(images, context)
        guard let logVariance else { return try context.tape.crossEntropy(logits: logits, labels: labels) }
        let noise = try (0..<Self.logitNoiseSamples).map { _ in try context.backend.randomNormal(logits.shape, context.nextRandomStream()) }
        return try context.tape.sampledSoftmaxCrossEntropy(logits: logits, logVariance: logVariance, labels: labels, noise: noise)
    }

    /// One prediction pass's class probabilities `[N, C]` and, with a `logitVarianceHead`, its
    /// logit variances `e^λ`: the softmax of the logits, or with the head the softmax of
    /// `f + e^{λ/2} ⊙ ε` averaged over `logitNoiseSamples` draws of `ε` from `context`'s streams.
    func passProbabilities(images: Tensor, _ context: ForwardContext) throws -> (probabilities: Tensor, logitVariance: Tensor?) {
        let backend = context.backend
        let (logits, logVariance) = try outputs(context.tape.constant(images), context)
        guard let logVariance else { return (try backend.apply(.exp, backend.logSoftmax(of: logits.value)), nil) }
        let variance = try backend.apply(.exp, logVariance.value)
        let scale = try backend.apply(.sqrt, variance)
        var sum: Tensor?
        for _ in 0..<Self.logitNoiseSamples {
            let noise = try backend.randomNormal(logits.shape, context.nextRandomStream())
            let probabilities = try backend.softmax(of: backend.combine(.add, logits.value, backend.combine(.multiply, scale, noise)))
            sum = try sum.map { try backend.combine(.add, $0, probabilities) } ?? probabilities
        }
        return (try backend.scaled(sum!, by: 1 / Float(Self.logitNoiseSamples)), variance)
    }

    /// Whether predictions vary from pass to pass (Bayesian weights or MC dropout): a
    /// deterministic network predicts in one pass, whatever number of samples is asked for.
    public var samplesPredictions: Bool {
        if case .deterministic = kind { return false }
        return true
    }

    /// The input of the last layer (the penultimate features) for `[N, 784]` images, one pass.
    public func features(images: Tensor, _ context: ForwardContext) throws -> Tensor {
        try Sequential(Array(network.layers.dropLast()))(context.tape.constant(images), context).value
    }

    /// `samples` sampled passes over `[N, 784]` images (see `BayesianPrediction.classify`); with
    /// a `logitVarianceHead` each pass's probabilities are the softmax averaged over
    /// `logitNoiseSamples` draws of its corrupted logits, and the prediction also holds the mean
    /// logit variance `(1/T) Σ_t (1/C) Σ_c e^{λ_c}` of each input.
    public func predict(images: Tensor, samples: Int, seed: UInt64) throws -> ClassifierPrediction {
        let passes = samplesPredictions ? samples : 1
        guard logitVarianceHead != nil else { return try BayesianPrediction.classify(network, input: images, samples: passes, seed: seed) }
        let backend = images.backend
        var varianceSum: Tensor?
        var prediction = try BayesianPrediction.classify(samples: passes, seed: seed, on: backend) { context in
            let (probabilities, variance) = try passProbabilities(images: images, context)
            varianceSum = try varianceSum.map { try backend.combine(.add, $0, variance!) } ?? variance
            return probabilities
        }
        let perInput = try backend.scaled(backend.sum(varianceSum!, keepingAxis: 0), by: 1 / Float(passes * prediction.classes)).toArray()
        prediction.logitVariance = perInput
        return prediction
    }
}
