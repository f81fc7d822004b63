import DeepBayesCore
import DeepBayesFiles
import DeepBayesNN
import Foundation

/// Model checkpoints as safetensors files: one F32 tensor per parameter or buffer under its
/// stable name, and in the metadata `deepbayes.kind` and `deepbayes.model` (the `ModelSpec` as
/// JSON), plus whatever training record the caller adds. Written atomically.
///
/// Every value must be finite: a model whose weights have diverged (NaN or infinity) is neither
/// saved nor loaded, `DeepBayesError.diverged` naming the file and the tensor instead.
public enum Checkpoint {
    public static let kindKey = "deepbayes.kind"
    public static let specKey = "deepbayes.model"

    /// Saves the current values of `model` (read from its backend) with `spec` and `record`.
    /// A tensor with a NaN or infinite value throws `diverged` and leaves the file as it was
    /// (the previous epoch's checkpoint stays).
    public static func save(_ model: TrainableModel, spec: ModelSpec, record: [String: String] = [:], to url: URL) throws {
        let tensors = try model.namedParameters.map { named in
            (name: named.name, shape: named.parameter.shape.dimensions, values: try named.parameter.value.toArray())
        }
        for tensor in tensors {
            try requireFinite(tensor.values, tensor: tensor.name, path: url.path, saving: true)
        }
        var metadata = record
        metadata[kindKey] = spec.kind.rawValue
        metadata[specKey] = try spec.json()
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: url)
    }

    /// A model loaded onto `backend`: rebuilt from the spec in the metadata, then every
    /// parameter set from the tensor of the same name. Before anything is built, the spec's
    /// sizes are checked (`ModelSpec.checkedSize`: an invalid one throws `invalidFile`) and the
    /// memory of the model running on `workingBatch` items at a time is estimated against what
    /// the backend and this process can hold (`exceedsMemory` naming the file and the sizes);
    /// so a hostile description (hidden width 2⁶²) is refused, never allocated. A path that is not a regular file (a
    /// folder, a FIFO, a device: checked before opening, so nothing blocks), a file that is not
    /// a DeepBayes checkpoint, lacks a tensor, has one too many, or has a shape that does not
    /// fit throws `invalidFile`; a NaN or infinite value throws `diverged`.
    public static func load(from url: URL, on backend: any Backend, workingBatch: Int = Evaluation.chunkSize)
        throws -> (spec: ModelSpec, model: TrainableModel, metadata: [String: String]) {
        try requireRegularFile(url.path)
        return try load(SafetensorsFile.read(from: url), path: url.path, on: backend, workingBatch: workingBatch)
    }

    /// `load(from:on:workingBatch:)` for a file already read from `path`.
    public static func load(_ file: SafetensorsFile, path: String, on backend: any Backend, workingBatch: Int = Evaluation.chunkSize)
        throws -> (spec: ModelSpec, model: TrainableModel, metadata: [String: String]) {
        guard let json = file.metadata[specKey] else {
            throw DeepBayesError.invalidFile(path: path, reason: "not a DeepBayes checkpoint: the metadata has no '\(specKey)'")
        }
        let spec = try ModelSpec.parse(json, path: path)
        let memory: MemoryBudget
        do {
            memory = try spec.inferenceMemory(batchSize: workingBatch)
        } catch let DeepBayesError.invalidArgument(_, reason) {
            throw DeepBayesError.invalidFile(path: path, reason: "the model description is not valid: \(reason)")
        }
        try memory.check("\(path): its model (\(spec.sizeSummary))", capabilities: backend.capabilities, backend: backend.name)
        let model = try TrainableModel(spec, on: backend)
        try assign(model.namedParameters, from: file, path: path, model: "a \(spec.kind.rawValue) model", on: backend)
        return (spec, model, file.metadata)
    }

    /// Sets every parameter of `expected` from the tensor of `file` with its name: `invalidFile`
    /// for a missing tensor, a shape that does not fit, or a tensor `model` has no place for;
    /// `diverged` for a NaN or infinite value.
    static func assign(_ expected: [NamedParameter], from file: SafetensorsFile, path: String, model: String, on backend: any Backend) throws {
        for named in expected {
            guard let stored = file.tensor(named: named.name) else {
                throw DeepBayesError.invalidFile(path: path, reason: "the checkpoint lacks tensor '\(named.name)'")
            }
            guard stored.shape == named.parameter.shape.dimensions else {
                throw DeepBayesError.invalidFile(path: path, reason: "tensor '\(named.name)' has shape \(stored.shape), the model needs \(named.parameter.shape)")
            }
            try requireFinite(stored.values, tensor: named.name, path: path, saving: false)
            named.parameter.value = try backend.tensor(stored.values, shape: named.parameter.shape)
        }
        if let extra = file.tensors.first(where: { stored in !expected.contains { $0.name == stored.name } }) {
            throw DeepBayesError.invalidFile(path: path, reason: "unexpected tensor '\(extra.name)' for \(model)")
        }
    }

    /// `diverged` naming the tensor and how many of its values are NaN or infinite, if any are.
    static func requireFinite(_ values: [Float], tensor: String, path: String, saving: Bool) throws {
        let bad = values.lazy.filter { !$0.isFinite }.count
        guard bad == 0 else {
            let what = bad == 1 ? "1 value that is" : "\(bad) values that are"
            throw DeepBayesError.diverged(source: path, finding: (saving ? "not saved: " : "")
                                          + "tensor '\(tensor)' holds \(what) not finite (NaN or infinity)")
        }
    }

    /// Throws `invalidFile` unless `path` is a regular file (or a link to one): checked with
    /// `stat` before anything opens it, so a FIFO is refused instead of blocking the reader.
    public static func requireRegularFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            let reason: String
            switch code {
            case ENOENT: reason = "no such file"
            case ENOTDIR: reason = "no such file (a folder on its path is a file)"
            case EACCES: reason = "permission denied on a folder of its path"
            default: reason = "cannot be examined: \(String(cString: strerror(code)))"
            }
            throw DeepBayesError.invalidFile(path: path, reason: reason)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw DeepBayesError.invalidFile(path: path, reason: "is a folder, not a checkpoint file")
        default: throw DeepBayesError.invalidFile(path: path, reason: "is \(fileKind(info.st_mode)), not a regular file")
        }
    }

    /// "a named pipe (FIFO)", "a character device", ... for a `st_mode`.
    static func fileKind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "file type \(String(mode & S_IFMT, radix: 8))"
        }
    }
}
