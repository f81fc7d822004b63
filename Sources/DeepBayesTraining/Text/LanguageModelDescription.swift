import DeepBayesCore
import DeepBayesData
import DeepBayesModels
import DeepBayesNN
import Foundation

/// Everything needed to rebuild a character language model and evaluate it as it was trained:
/// stored as JSON under `LanguageModelCheckpoint.descriptionKey` in its checkpoints.
public struct LanguageModelDescription: Codable, Equatable, Sendable {
    /// `plain`, `bayesian` or `mcdropout` (`CharacterLanguageModel.Variant`).
    public enum Variant: String, Codable, CaseIterable, Sendable {
        case plain, bayesian, mcdropout
    }

    public var cell: RecurrentCell
    /// The widths of the recurrent layers.
    public var hidden: [Int]
    public var variant: Variant
    /// The prior of the Bayesian variant (stored for the others too, unused).
    public var prior: PriorSpec
    /// Initial ρ of every posterior scale (Bayesian).
    public var rhoInitial: Float
    /// Dropout probability (mcdropout; plain, where 0 means none).
    public var dropout: Float
    /// The characters of the vocabulary (`CharacterVocabulary.stored`).
    public var vocabulary: String
    /// The text trained on (`DataSource.text(_:)`'s name).
    public var corpus: String
    /// The streams of a chunk (`B`) and its steps (`T`, the truncation of backpropagation).
    public var batchSize: Int
    public var bptt: Int
    /// The seed of the initial values and of every random stream of training.
    public var seed: UInt64

    /// The widest recurrent layer, the most layers, the most streams and steps a description
    /// may ask for, and the most parameters of a whole model (checked before anything is built).
    public static let maximumUnits = 8192
    public static let maximumLayers = 8
    public static let maximumBatchSize = 4096
    public static let maximumBPTT = 10_000
    public static let maximumParameters = 1 << 27

    public init(cell: RecurrentCell, hidden: [Int], variant: Variant, prior: PriorSpec = .mixture(), rhoInitial: Float = -5, dropout: Float,
                vocabulary: String, corpus: String, batchSize: Int, bptt: Int, seed: UInt64) {
        self.cell = cell
        self.hidden = hidden
        self.variant = variant
        self.prior = prior
        self.rhoInitial = rhoInitial
        self.dropout = dropout
        self.vocabulary = vocabulary
        self.corpus = corpus
        self.batchSize = batchSize
        self.bptt = bptt
        self.seed = seed
    }

    /// The model's sizes per stream of a chunk of `bptt` steps (`ModelSize`: a Bayesian
    /// model's μ and ρ both count): the one-hot inputs, the recurrent layers, and the output
    /// projection's logits and their softmax at every step. Only meaningful after `validate`'s
    /// range checks (which use it for the parameter bound).
    public var size: ModelSize {
        let copies: Double = variant == .bayesian ? 2 : 1, steps = Double(bptt), characters = Double(vocabulary.utf8.count)
        var size = ModelSize(), width = characters
        size.elementwise(characters * steps)
        for units in hidden.map(Double.init) {
            size.recurrent(gates: Double(cell.gateCount), inputs: width, units: units, steps: steps, copies: copies, dropout: dropout > 0)
            width = units
        }
        size.dense(width, characters, copies: copies)
        size.elementwise(characters * (2 * steps - 1))
        return size
    }

    /// What training holds on the device: every parameter four times (value, gradient, Adam's
    /// two moments) and every stream's activations three times (values, gradients, a temporary).
    public func trainingMemory() -> MemoryBudget {
        let size = self.size
        return MemoryBudget(device: MemoryBudget.floats(4 * size.parameters + Double(batchSize) * 3 * size.activationsPerItem),
                            largestTensor: MemoryBudget.floats(max(size.largestParameter, Double(batchSize) * size.largestActivationPerItem)))
    }

    /// What evaluation (chunks of `batchSize` streams) holds: the parameters and the activations twice.
    public func inferenceMemory() -> MemoryBudget {
        let size = self.size
        return MemoryBudget(device: MemoryBudget.floats(size.parameters + Double(batchSize) * 2 * size.activationsPerItem),
                            largestTensor: MemoryBudget.floats(max(size.largestParameter, Double(batchSize) * size.largestActivationPerItem)))
    }

    /// Throws `invalidArgument` naming the field for a size or number outside its range, an
    /// invalid vocabulary or prior: checked before a model is built, so that a hostile
    /// description (a hidden width of 2⁶²) is refused, never allocated.
    public func validate() throws {
        func refuse(_ reason: String) -> DeepBayesError { .invalidArgument(operation: "language model", reason: reason) }
        guard (1...Self.maximumLayers).contains(hidden.count) else { throw refuse("'hidden' has \(hidden.count) layers, expected 1...\(Self.maximumLayers)") }
        if let units = hidden.first(where: { !(1...Self.maximumUnits).contains($0) }) {
            throw refuse("'hidden' has a layer of \(units) units, expected 1...\(Self.maximumUnits)")
        }
        guard (1...Self.maximumBatchSize).contains(batchSize) else { throw refuse("'batchSize' \(batchSize) is outside 1...\(Self.maximumBatchSize)") }
        guard (1...Self.maximumBPTT).contains(bptt) else { throw refuse("'bptt' \(bptt) is outside 1...\(Self.maximumBPTT)") }
        guard dropout >= 0, dropout < 1 else { throw refuse("'dropout' \(dropout) is outside [0, 1)") }
        guard rhoInitial.isFinite else { throw refuse("'rhoInitial' \(rhoInitial) is not finite") }
        guard !corpus.isEmpty, !corpus.contains("/") else { throw refuse("'corpus' '\(corpus)' is not a text name") }
        let characters: Int
        do { characters = try CharacterVocabulary(stored: vocabulary).count } catch let DeepBayesError.invalidArgument(_, reason) {
            throw refuse("'vocabulary' is not valid: \(reason)")
        }
        guard characters >= 2 else { throw refuse("'vocabulary' has \(characters) character; a model needs at least 2") }
        if variant == .bayesian {
            do { _ = try prior.weightPrior() } catch let DeepBayesError.invalidArgument(_, reason) { throw refuse("'prior' is not valid: \(reason)") }
        }
        let parameters = size.parameters
        guard parameters <= Double(Self.maximumParameters) else {
            throw refuse("the model would have \(Int(parameters)) weights, more than \(Self.maximumParameters)")
        }
    }

    /// The vocabulary the model predicts over.
    public func characterVocabulary() throws -> CharacterVocabulary { try CharacterVocabulary(stored: vocabulary) }

    /// The model this describes, with initial weights from `seed`, on `backend` (after `validate`).
    public func makeModel(on backend: any Backend) throws -> CharacterLanguageModel {
        try validate()
        let kind: CharacterLanguageModel.Variant
        switch variant {
        case .plain: kind = .plain(dropout: dropout)
        case .bayesian: kind = .bayesian(prior: try prior.weightPrior())
        case .mcdropout: kind = .mcDropout(p: dropout)
        }
        return try CharacterLanguageModel(cell: cell, vocabularySize: try characterVocabulary().count, hidden: hidden, variant: kind,
                                          rhoInitial: rhoInitial, ParameterInitializer(backend: backend, seed: seed))
    }

    /// `lstm 256 bayesian`: the sizes errors name.
    public var summary: String { "\(cell.rawValue) \(hidden.map(String.init).joined(separator: "x")) \(variant.rawValue)" }

    /// The description as compact JSON with sorted keys (checkpoint metadata).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Parses `json()`'s output and validates it; `path` names the checkpoint in every error
    /// (`invalidFile`, naming the field: "the language model description lacks the field 'bptt'").
    public static func parse(_ json: String, path: String) throws -> LanguageModelDescription {
        let description = try DescriptionDecoding.decode(LanguageModelDescription.self, from: json, path: path,
                                                         description: "the language model description")
        do { try description.validate() } catch let DeepBayesError.invalidArgument(_, reason) {
            throw DeepBayesError.invalidFile(path: path, reason: "the language model description is not valid: \(reason)")
        }
        return description
    }
}
