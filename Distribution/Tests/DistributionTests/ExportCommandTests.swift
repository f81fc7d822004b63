import DeepBayesFiles
import Foundation
import Testing

/// `deepbayes export --format torch` end to end: the exported file reads back with PyTorch's
/// layout (dense weights `[out, in]`, the same values), keeps the metadata, and `model.py`
/// builds one module per layer.
@Suite(.timeLimit(.minutes(5))) struct ExportCommandTests {
    @Test func anExportReadsBackInPyTorchsLayout() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = directory.appendingPathComponent("run"), export = directory.appendingPathComponent("torch")
        let trained = try CommandLineTests.run(["train", "mcdropout", "--epochs", "1", "--batch-size", "64", "--train-limit", "64",
                                                "--test-limit", "20", "--samples", "1", "--hidden", "8", "--out", run.path])
        try #require(trained.status == 0, "\(trained.error)")
        let result = try CommandLineTests.run(["export", "--checkpoint", run.appendingPathComponent("model.safetensors").path,
                                               "--format", "torch", "--out", export.path])
        #expect(result.status == 0, "\(result.error)")
        let original = try SafetensorsFile.read(from: run.appendingPathComponent("model.safetensors"))
        let torch = try SafetensorsFile.read(from: export.appendingPathComponent("model.safetensors"))
        #expect(torch.tensors.map(\.name) == original.tensors.map(\.name))
        let weight = try #require(original.tensor(named: "0.weight")), exported = try #require(torch.tensor(named: "0.weight"))
        #expect(weight.shape == [784, 8] && exported.shape == [8, 784])
        for (i, o) in [(0, 0), (783, 7), (100, 3)] { #expect(exported.values[o * 784 + i] == weight.values[i * 8 + o]) }
        #expect(torch.tensor(named: "3.bias")?.values == original.tensor(named: "3.bias")?.values)
        #expect(torch.metadata["deepbayes.model"] == original.metadata["deepbayes.model"] && torch.metadata["format"] == "pt")
        let python = try String(contentsOf: export.appendingPathComponent("model.py"), encoding: .utf8)
        #expect(python.contains("nn.Linear(784, 8),\n        nn.ReLU(),\n        nn.Dropout(0.5),\n        nn.Linear(8, 10),"), "\(python)")
        let wrong = try CommandLineTests.run(["export", "--checkpoint", "x", "--format", "onnx", "--out", export.path])
        #expect(wrong.status == 64)
    }
}
