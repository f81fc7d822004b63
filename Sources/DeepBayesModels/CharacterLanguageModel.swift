import DeepBayesCore
import DeepBayesNN
import Foundation

/// A character-level language model: each character, one-hot over the `V` characters of its
/// vocabulary (`[B, V]` per step, built on the host from the chunk's indices), goes through a
/// `RecurrentStack`, and a `SequenceProjection` turns every step's output into logits over the
/// next character; the loss of a step is its cross-entropy.
///
/// Three variants:
/// - `plain`: point weights, trained by maximum likelihood, with optional variational dropout
///   while training only;
/// - `bayesian`: Bayes by Backprop through time (Fortunato, Blundell & Vinyals 2017): a Gaussian
///   posterior over every recurrent **and** output weight, one sample of all of them per
///   forward pass (per truncated chunk of a minibatch), shared by every step of the chunk;
/// - `mcDropout`: variational dropout (one mask per sequence, Gal & Ghahramani 2016), kept on
///   at prediction.
///
/// The loss of chunk `k` of an epoch of `M` chunks (`lossTerms`) is, per character,
///
///     L_k = (π_k · KL + Σ_{b,t} NLL_{b,t}) / (B·T)
///
/// with `BayesianObjective(numberOfBatches: M)`: one epoch's chunks are the minibatches over
/// which the KL is spread (the paper's `B·C`, minibatches times truncated chunks), so that an
/// epoch sums to `KL + Σ NLL` over the training text, the negative ELBO; the division by the
/// characters of the chunk only rescales the learning rate. Bits per character are the NLL in
/// nats divided by ln 2.
public final class CharacterLanguageModel {
    /// How the network expresses uncertainty.
    public enum Variant: Sendable {
        /// Point weights; dropout `p` (0: none) while training only.
        case plain(dropout: Float)
        /// A Gaussian posterior over every weight against `prior`.
        case bayesian(prior: WeightPrior)
        /// Variational dropout of probability `p`, also at prediction.
        case mcDropout(p: Float)
    }

    public let cell: RecurrentCell
    public let vocabularySize: Int
    public let variant: Variant
    public let stack: RecurrentStack
    public let projection: SequenceProjection

    /// The checkpoint-name prefixes of the stack's and the projection's parameters.
    public static let recurrentName = "recurrent"
    public static let outputName = "output"

    /// A model over `vocabularySize` characters with recurrent layers of the `hidden` widths;
    /// Bayesian posterior scales start at `softplus(rhoInitial)`.
    public init(cell: RecurrentCell, vocabularySize: Int, hidden: [Int], variant: Variant, rhoInitial: Float = BayesDense.defaultRhoInitial,
                _ initializer: ParameterInitializer) throws {
        guard vocabularySize >= 2 else {
            throw DeepBayesError.invalidArgument(operation: "CharacterLanguageModel", reason: "a vocabulary of \(vocabularySize) characters; it needs at least 2")
        }
        self.cell = cell
        self.vocabularySize = vocabularySize
        self.variant = variant
        let prior: WeightPrior?, dropout: (p: Float, monteCarlo: Bool)
        switch variant {
        case let .plain(p): (prior, dropout) = (nil, (p, false))
        case let .bayesian(weightPrior): (prior, dropout) = (weightPrior, (0, false))
        case let .mcDropout(p): (prior, dropout) = (nil, (p, true))
        }
        stack = try RecurrentStack(cell: cell, inputs: vocabularySize, units: hidden, prior: prior, rhoInitial: rhoInitial,
                                   dropout: dropout.p, monteCarlo: dropout.monteCarlo, initializer)
        projection = try SequenceProjection(inputs: stack.outputWidth, outputs: vocabularySize, prior: prior, rhoInitial: rhoInitial, initializer)
    }

    /// Every parameter by its checkpoint name: `recurrent.0.input_weight…`, `output.weight…`.
    public var namedParameters: [NamedParameter] {
        stack.namedParameters.map { $0.prefixed(Self.recurrentName) } + projection.namedParameters.map { $0.prefixed(Self.outputName) }
    }

    /// The parameters an optimizer updates, in `namedParameters` order.
    public var trainableParameters: [Parameter] { namedParameters.map(\.parameter).filter(\.isTrainable) }

    /// Whether two passes predict differently (Bayesian weights or MC dropout).
    public var samplesPredictions: Bool {
        if case .plain = variant { return false }
        return true
    }

    /// Whether the model has a KL term (the Bayesian variant).
    public var isBayesian: Bool {
        if case .bayesian = variant { return true }
        return false
    }

    /// The logits `[B, V]` of every step of a `[B, T]` chunk of character indices (row-major,
    /// as `Float`s), from `initial` (one state per layer; zeros when nil), and the state after
    /// the chunk's last step.
    public func logits(indices: [Float], batch: Int, steps: Int, from initial: [RecurrentState]?, _ context: ForwardContext) throws
        -> (logits: [Variable], final: [RecurrentState]) {
        let inputs = try (0..<steps).map { t in
            try context.tape.constant(oneHot(column: t, of: indices, batch: batch, steps: steps, on: context.backend))
        }
        let (outputs, final) = try stack.run(inputs, from: initial, context)
        return (try projection(outputs, context), final)
    }

    /// `onehot[b, c] = 1` where `indices[b, t] = c`, uploaded as a `[B, V]` tensor.
    func oneHot(column t: Int, of indices: [Float], batch: Int, steps: Int, on backend: any Backend) throws -> Tensor {
        var values = [Float](repeating: 0, count: batch * vocabularySize)
        for b in 0..<batch {
            let index = Int(indices[b * steps + t])
            guard index >= 0, index < vocabularySize else {
                throw DeepBayesError.invalidArgument(operation: "CharacterLanguageModel", reason: "character index \(index) outside the \(vocabularySize)-character vocabulary")
            }
            values[b * vocabularySize + index] = 1
        }
        return try backend.tensor(values, shape: [batch, vocabularySize])
    }

    /// Column `t` of a `[B, T]` row-major chunk, uploaded as `[B]` class indices.
    static func column(_ t: Int, of values: [Float], batch: Int, steps: Int, on backend: any Backend) throws -> Tensor {
        try backend.tensor((0..<batch).map { values[$0 * steps + t] }, shape: [batch])
    }

    /// The per-character NLL of every step, each `[B]` (nats), and the final state.
    public func negativeLogLikelihoods(inputs: [Float], targets: [Float], batch: Int, steps: Int, from initial: [RecurrentState]?,
                                       _ context: ForwardContext) throws -> (nll: [Variable], final: [RecurrentState]) {
        let (logits, final) = try logits(indices: inputs, batch: batch, steps: steps, from: initial, context)
        let nll = try logits.enumerated().map { t, stepLogits in
            try context.tape.crossEntropy(logits: stepLogits, labels: Self.column(t, of: targets, batch: batch, steps: steps, on: context.backend))
        }
        return (nll, final)
    }

    /// The training loss of chunk `chunk` (from 0) of an epoch that `objective` describes, per
    /// character (see the type's documentation), with its two terms per character: the mean
    /// NLL `Σ NLL / (B·T)` and, for the Bayesian variant, `π_k · KL / (B·T)`; and the state
    /// after the chunk.
    public func lossTerms(inputs: [Float], targets: [Float], batch: Int, steps: Int, from initial: [RecurrentState]?,
                          objective: BayesianObjective, chunk: Int, _ context: ForwardContext) throws
        -> (loss: Variable, kl: Variable?, nll: Variable, final: [RecurrentState]) {
        let tape = context.tape
        let (perStep, final) = try negativeLogLikelihoods(inputs: inputs, targets: targets, batch: batch, steps: steps, from: initial, context)
        var total = try tape.sum(perStep[0])
        for step in perStep.dropFirst() { total = try tape.add(total, tape.sum(step)) }
        let characters = 1 / Float(batch * steps)
        let nll = try tape.scaled(total, by: characters)
        guard isBayesian else { return (nll, nil, nll, final) }
        let kl = try tape.scaled(context.totalKL(), by: objective.klWeight(batch: chunk) * characters)
        return (try tape.add(kl, nll), kl, nll, final)
    }

    /// Bits per character of `nats` nats per character: `nats / ln 2`.
    public static func bitsPerCharacter(nats: Double) -> Double { nats / Foundation.log(2) }
}
