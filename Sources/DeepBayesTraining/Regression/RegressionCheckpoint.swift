import DeepBayesCore
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import Foundation

/// A trained regressor as a safetensors file: one F32 tensor per parameter under its
/// `RegressionModel.namedParameters` name, and in the metadata `deepbayes.regression`, the
/// model and its training as JSON (`Description`). Written atomically; a model with a NaN or
/// infinite value is not saved (`diverged`). `load` rebuilds the model for `deepbayes predict`.
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

    /// The model of `file` (read from `path`), on `backend`, with its description. Before anything is built the
    /// description is checked (a known model, prior and noise, widths of at least 1) and the
    /// model's memory, predicting `workingBatch` inputs at a time, is held against the
    /// backend's; then every parameter is set from its tensor (`Checkpoint`'s checks: a missing,
    /// misshapen or extra tensor is `invalidFile`, a NaN `diverged`).
    public static func load(_ file: SafetensorsFile, path: String, on backend: any Backend, workingBatch: Int) throws
        -> (description: Description, model: RegressionModel) {
        guard let json = file.metadata[descriptionKey] else {
            throw DeepBayesError.invalidFile(path: path, reason: "not a DeepBayes regression checkpoint: the metadata has no '\(descriptionKey)'")
        }
        let description: Description
        do {
            description = try JSONDecoder().decode(Description.self, from: Data(json.utf8))
        } catch {
            throw DeepBayesError.invalidFile(path: path, reason: "the regression description in the metadata is not valid")
        }
        func invalid(_ reason: String) -> DeepBayesError { .invalidFile(path: path, reason: "the regression description is not valid: \(reason)") }
        guard !description.hidden.isEmpty, description.hidden.allSatisfy({ $0 >= 1 }) else { throw invalid("hidden widths \(description.hidden)") }
        let noise: RegressionModel.Noise
        switch description.noise {
        case "learned": noise = .learned
        case "none": noise = .none
        default: throw invalid("noise '\(description.noise)' (learned or none)")
        }
        let kind: RegressionModel.Kind
        switch description.model {
        case "bnn":
            guard let prior = description.prior.flatMap(Self.prior) else { throw invalid("prior '\(description.prior ?? "none")'") }
            kind = .bayesian(prior: prior, estimator: .localReparameterization)
        case "mcdropout":
            guard let p = description.dropout, p >= 0, p < 1 else { throw invalid("dropout \(description.dropout.map { "\($0)" } ?? "none")") }
            kind = .mcDropout(p: p)
        case "mlp": kind = .deterministic
        default: throw invalid("model '\(description.model)' (bnn, mcdropout or mlp)")
        }
        let size = RegressionModel.size(hidden: description.hidden, kind: kind, noise: noise)
        try MemoryBudget(device: MemoryBudget.floats(size.parameters + Double(workingBatch) * 2 * size.activationsPerItem),
                         largestTensor: MemoryBudget.floats(max(size.largestParameter, Double(workingBatch) * size.largestActivationPerItem)))
            .check("\(path): its model (\(description.model), hidden \(description.hidden))", capabilities: backend.capabilities, backend: backend.name)
        let model = try RegressionModel(hidden: description.hidden, kind: kind, noise: noise, rhoInitial: description.rhoInitial ?? BayesDense.defaultRhoInitial,
                                        ParameterInitializer(backend: backend, seed: description.seed))
        try Checkpoint.assign(model.namedParameters, from: file, path: path, model: "a \(description.model) regressor", on: backend)
        return (description, model)
    }

    /// The prior `Description.prior` names: `gaussian(sigma: s)` or `mixture(pi: p, sigma1: a, sigma2: b)`.
    static func prior(_ text: String) -> WeightPrior? {
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { return nil }
        var numbers: [String: Float] = [:]
        for field in text[text.index(after: open)..<text.index(before: text.endIndex)].split(separator: ",") {
            let parts = field.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let value = Float(parts[1]), value.isFinite else { return nil }
            numbers[parts[0]] = value
        }
        let name = String(text[..<open])
        if name == "gaussian", numbers.count == 1, let sigma = numbers["sigma"], sigma > 0 { return .gaussian(sigma: sigma) }
        guard name == "mixture", numbers.count == 3, let pi = numbers["pi"], let sigma1 = numbers["sigma1"], let sigma2 = numbers["sigma2"],
              let mixture = try? ScaleMixturePrior(pi: pi, sigma1: sigma1, sigma2: sigma2) else { return nil }
        return .scaleMixture(mixture)
    }
}
