import DeepBayesCore
import DeepBayesModels
import DeepBayesNN
import DeepBayesTraining
import Foundation
import Testing

/// `TorchExport` writes every tensor of every model under PyTorch's name and layout, and a
/// `model.py` that is valid Python naming one module per DeepBayes layer.
@Suite struct TorchExportTests {
    static let specs: [ModelSpec] = {
        var small: [ModelSpec] = []
        for (kind, architecture) in [(ModelKind.bnn, "mlp"), (.bnn, "conv"), (.mcdropout, "mlp"), (.mlp, "mlp"), (.vae, "mlp"), (.gan, "dcgan")] {
            var spec = ModelSpec.defaults(for: kind, architecture: architecture)
            spec.hidden = kind == .vae ? [12] : [12, 7]
            if kind == .mlp { spec.inputScale = 1 / 126 }  // exported as a Scale module in front
            small.append(spec)
        }
        return small
    }()

    /// The PyTorch name of a DeepBayes tensor name.
    static func torchName(_ name: String) -> String {
        let renames = ["filter": "weight", "scale": "weight", "shift": "bias", "running_variance": "running_var"]
        var parts = name.split(separator: ".").map(String.init)
        parts[parts.count - 1] = renames[parts[parts.count - 1]] ?? parts[parts.count - 1]
        return parts.joined(separator: ".")
    }

    @Test(arguments: specs)
    func everyTensorIsExportedInPyTorchsLayout(spec: ModelSpec) throws {
        let model = try TrainableModel(spec, on: TestBackends.cpu)
        let (tensors, python) = try TorchExport.export(model, spec: spec)
        let exported = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0) })
        #expect(exported.count == model.namedParameters.count)
        for named in model.namedParameters {
            let values = try named.parameter.value.toArray(), shape = named.parameter.shape.dimensions
            let torch = try #require(exported[Self.torchName(named.name)], "\(named.name) not exported")
            if shape.count == 2 {
                // Dense weights: [in, out] → [out, in], element (i, o) at (o, i).
                #expect(torch.shape == [shape[1], shape[0]], "\(named.name)")
                for (i, o) in [(0, 0), (shape[0] - 1, 0), (0, shape[1] - 1), (shape[0] / 2, shape[1] / 3)] {
                    #expect(torch.values[o * shape[0] + i] == values[i * shape[1] + o], "\(named.name)[\(i), \(o)]")
                }
            } else {
                #expect(torch.shape == shape && torch.values == values, "\(named.name)")
            }
        }
        #expect(python.contains("def build():") && python.contains("def load("))
        #expect(python.contains("        Scale(") == (spec.inputScaling != 1))
        try Self.expectValidPython(python)
    }

    /// Parses `source` with Python's own parser (`python3`, which CI installs).
    static func expectValidPython(_ source: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString).py")
        try Data(source.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", file.path]
        let error = Pipe()
        process.standardError = error
        try process.run()
        let message = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "model.py is not valid Python: \(message)")
    }
}
