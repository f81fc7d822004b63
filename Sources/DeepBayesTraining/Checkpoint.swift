import DeepBayesCore
import DeepBayesFiles
import Foundation

/// Model checkpoints as safetensors files: one F32 tensor per parameter or buffer under its
/// stable name, and in the metadata `deepbayes.kind` and `deepbayes.model` (the `ModelSpec` as
/// JSON), plus whatever training record the caller adds. Written atomically.
public enum Checkpoint {
    public static let kindKey = "deepbayes.kind"
    public static let specKey = "deepbayes.model"

    /// Saves the current values of `model` (read from its backend) with `spec` and `record`.
    public static func save(_ model: TrainableModel, spec: ModelSpec, record: [String: String] = [:], to url: URL) throws {
        let tensors = try model.namedParameters.map { named in
            (name: named.name, shape: named.parameter.shape.dimensions, values: try named.parameter.value.toArray())
        }
        var metadata = record
        metadata[kindKey] = spec.kind.rawValue
        metadata[specKey] = try spec.json()
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: url)
    }

    /// A model loaded onto `backend`: rebuilt from the spec in the metadata, then every
    /// parameter set from the tensor of the same name. A file that is not a DeepBayes checkpoint,
    /// lacks a tensor, has one too many, or has a shape that does not fit throws `invalidFile`.
    public static func load(from url: URL, on backend: any Backend) throws -> (spec: ModelSpec, model: TrainableModel, metadata: [String: String]) {
        let path = url.path
        let file = try SafetensorsFile.read(from: url)
        guard let json = file.metadata[specKey] else {
            throw DeepBayesError.invalidFile(path: path, reason: "not a DeepBayes checkpoint: the metadata has no '\(specKey)'")
        }
        let spec = try ModelSpec.parse(json, path: path)
        let model = try TrainableModel(spec, on: backend)
        let expected = model.namedParameters
        for named in expected {
            guard let stored = file.tensor(named: named.name) else {
                throw DeepBayesError.invalidFile(path: path, reason: "the checkpoint lacks tensor '\(named.name)'")
            }
            guard stored.shape == named.parameter.shape.dimensions else {
                throw DeepBayesError.invalidFile(path: path, reason: "tensor '\(named.name)' has shape \(stored.shape), the model needs \(named.parameter.shape)")
            }
            named.parameter.value = try backend.tensor(stored.values, shape: named.parameter.shape)
        }
        if let extra = file.tensors.first(where: { stored in !expected.contains { $0.name == stored.name } }) {
            throw DeepBayesError.invalidFile(path: path, reason: "unexpected tensor '\(extra.name)' for a \(spec.kind.rawValue) model")
        }
        return (spec, model, file.metadata)
    }
}
