import DeepBayesCore
import DeepBayesFiles
import DeepBayesModels
import Foundation

/// A trained regressor as a safetensors file: one F32 tensor per parameter under its
/// `RegressionModel.namedParameters` name, and in the metadata `deepbayes.regression`, the
/// model and its training as JSON (`Description`). Written atomically; a model with a NaN or
/// infinite value is not saved (`diverged`).
public enum RegressionCheckpoint {
    public static let descriptionKey = "deepbayes.regression"

    /// What the metadata records.
    public struct Description: Codable, Equatable, Sendable {
        public let model: String
        public let curve: String
        public let hidden: [Int]
        /// `learned` (a log-variance head), `fixed(logVariance: λ₀)` or `none`.
        public let noise: String
        public let prior: String?
        public let rhoInitial: Float?
        public let dropout: Float?
        public let points: Int
        public let steps: Int
        public let learningRate: Float
        /// The factor the learning rate decayed by over the steps (`RegressionModel.fit`).
        public let learningRateDecay: Float
        public let seed: UInt64
    }

    /// Writes the current values of `model` with `description` to `url`.
    public static func save(_ model: RegressionModel, description: Description, to url: URL) throws {
        let tensors = try model.namedParameters.map { named in
            (name: named.name, shape: named.parameter.shape.dimensions, values: try named.parameter.value.toArray())
        }
        for tensor in tensors { try Checkpoint.requireFinite(tensor.values, tensor: tensor.name, path: url.path, saving: true) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(description), as: UTF8.self)
        try SafetensorsFile(tensors: tensors, metadata: [descriptionKey: json]).write(to: url)
    }
}
