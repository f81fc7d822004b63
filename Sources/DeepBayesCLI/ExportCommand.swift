import ArgumentParser
import DeepBayesBackends
import DeepBayesFiles
import DeepBayesTraining
import Foundation

/// The formats `export` writes.
enum ExportFormat: String, CaseIterable, ExpressibleByArgument {
    /// PyTorch's names and layouts, and a `model.py` that builds the module (see `TorchExport`).
    case torch
}

/// `deepbayes export --checkpoint FILE --format torch --out DIR`: the checkpoint in another
/// framework's conventions.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a checkpoint in PyTorch's conventions: DIR/model.safetensors and DIR/model.py, which builds the module.")

    @Option(help: "A model.safetensors written by `deepbayes train` or `deepbayes prune`.")
    var checkpoint: String

    @Option(help: "The conventions to write.")
    var format: ExportFormat = .torch

    @Option(help: "The folder to write model.safetensors and model.py into (created if missing).")
    var out: String

    /// Refuses an empty `--out` at parse time.
    func validate() throws {
        try Validation.require(out != "", "--out is empty: give the folder to write into")
    }

    func run() throws {
        let backend = try DeepBayesCLI.registry.makeBackend("cpu")
        try reportingErrors {
            try Validation.checkOutputFolder(out)
            let (spec, model, metadata) = try Checkpoint.load(from: URL(fileURLWithPath: checkpoint), on: backend, workingBatch: 1)
            let (tensors, python) = try TorchExport.export(model, spec: spec)
            let folder = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var exported = metadata
            exported["format"] = "pt"
            exported["deepbayes.layout"] = "torch"
            try SafetensorsFile(tensors: tensors, metadata: exported).write(to: folder.appendingPathComponent("model.safetensors"))
            try AtomicFile.write(Data(python.utf8), to: folder.appendingPathComponent("model.py"))
            FileHandle.standardError.write(Data("wrote \(folder.path)/model.safetensors and model.py\n".utf8))
        }
    }
}
