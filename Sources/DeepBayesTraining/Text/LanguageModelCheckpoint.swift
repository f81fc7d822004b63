import DeepBayesCore
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import Foundation

/// Character language model checkpoints: safetensors files with one F32 tensor per parameter
/// (`CharacterLanguageModel.namedParameters`), the `LanguageModelDescription` as JSON under
/// `descriptionKey` and whatever training record the caller adds, written atomically. Every
/// value must be finite, as for `Checkpoint`.
public enum LanguageModelCheckpoint {
    /// The metadata key of the description; its presence is what marks a language model's checkpoint.
    public static let descriptionKey = "deepbayes.language_model"

    /// Whether `file` is a language model's checkpoint.
    public static func holdsLanguageModel(_ file: SafetensorsFile) -> Bool { file.metadata[descriptionKey] != nil }

    /// Saves the current values of `model` with `description` and `record`; a NaN or infinite
    /// value throws `diverged` and leaves the file as it was.
    public static func save(_ model: CharacterLanguageModel, description: LanguageModelDescription, record: [String: String] = [:],
                            to url: URL) throws {
        let tensors = try model.namedParameters.map { named in
            (name: named.name, shape: named.parameter.shape.dimensions, values: try named.parameter.value.toArray())
        }
        for tensor in tensors {
            try Checkpoint.requireFinite(tensor.values, tensor: tensor.name, path: url.path, saving: true)
        }
        var metadata = record
        metadata[descriptionKey] = try description.json()
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: url)
    }

    /// The model in the checkpoint at `url` (a regular file, checked before opening), on `backend`.
    public static func load(from url: URL, on backend: any Backend) throws
        -> (description: LanguageModelDescription, model: CharacterLanguageModel, metadata: [String: String]) {
        try Checkpoint.requireRegularFile(url.path)
        return try load(SafetensorsFile.read(from: url), path: url.path, on: backend)
    }

    /// The model in `file`, read from `path`: the description is parsed and its sizes checked
    /// (`LanguageModelDescription.parse`) before anything is built, then every parameter is set
    /// from the tensor of its name; before that, the memory the model needs to evaluate is
    /// checked against the backend (`exceedsMemory`), (`invalidFile` for a missing, misshapen or extra tensor,
    /// `diverged` for a value that is not finite).
    public static func load(_ file: SafetensorsFile, path: String, on backend: any Backend) throws
        -> (description: LanguageModelDescription, model: CharacterLanguageModel, metadata: [String: String]) {
        guard let json = file.metadata[descriptionKey] else {
            throw DeepBayesError.invalidFile(path: path, reason: "not a language model checkpoint: the metadata has no '\(descriptionKey)'")
        }
        let description = try LanguageModelDescription.parse(json, path: path)
        try description.inferenceMemory().check("\(path): its model (\(description.summary))", capabilities: backend.capabilities, backend: backend.name)
        let model = try description.makeModel(on: backend)
        try Checkpoint.assign(model.namedParameters, from: file, path: path, model: "a \(description.summary) language model", on: backend)
        return (description, model, file.metadata)
    }
}
