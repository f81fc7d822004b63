import DeepBayesBackends
import DeepBayesFiles
import DeepBayesTraining
import Foundation
import Testing

/// Checkpoints rebuild the model they were saved from: kind, hyper-parameters and every value.
@Suite struct CheckpointTests {
    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-checkpoint-\(UUID().uuidString)-\(name)")
    }

    @Test(arguments: ModelKind.allCases)
    func saveThenLoadRestoresSpecAndValues(kind: ModelKind) throws {
        let backend = TestBackends.cpu
        var spec = ModelSpec.defaults(for: kind)
        spec.hidden = kind == .vae ? [16] : [8, 8]
        spec.latent = 3
        spec.seed = 5
        spec.prior = .gaussian(sigma: 0.7)
        let model = try TrainableModel(spec, on: backend)
        let url = Self.temporaryFile("model.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model, spec: spec, record: ["note": "test"], to: url)

        spec.seed = 6
        let (loadedSpec, loaded, metadata) = try Checkpoint.load(from: url, on: backend)
        spec.seed = 5
        // The description stores its kind's fields only; the others read back as the defaults.
        #expect(loadedSpec == spec.normalized)
        #expect(loadedSpec.latent == (kind == .vae ? 3 : 20) && loadedSpec.prior == (kind == .bnn ? .gaussian(sigma: 0.7) : .mixture()))
        let stored = try #require(metadata[Checkpoint.specKey])
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: Any]).keys.sorted()
        let expected: [ModelKind: [String]] = [.bnn: ["architecture", "estimator", "hidden", "kind", "prior", "rhoInitial", "seed"],
                                               .mcdropout: ["architecture", "dropout", "hidden", "kind", "seed"],
                                               .vae: ["architecture", "hidden", "kind", "latent", "seed"], .gan: ["architecture", "kind", "seed"]]
        #expect(keys == expected[kind])
        #expect(metadata["note"] == "test" && metadata[Checkpoint.kindKey] == kind.rawValue)
        let original = model.namedParameters, restored = loaded.namedParameters
        #expect(original.map(\.name) == restored.map(\.name))
        for (a, b) in zip(original, restored) {
            #expect(try a.parameter.value.toArray() == b.parameter.value.toArray(), "\(a.name) differs after loading")
        }
    }

    @Test func filesThatAreNotCheckpointsOfTheModelAreRejected() throws {
        let backend = TestBackends.cpu
        var spec = ModelSpec.defaults(for: .bnn)
        spec.hidden = [4]
        let model = try TrainableModel(spec, on: backend)
        let url = Self.temporaryFile("bad.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        func expectInvalidFile(_ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try Checkpoint.load(from: url, on: backend)
                Issue.record("expected invalidFile (\(reason))", sourceLocation: sourceLocation)
            } catch let DeepBayesError.invalidFile(path, message) {
                #expect(path == url.path && message.contains(reason), "\(message)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("expected invalidFile, got \(error)", sourceLocation: sourceLocation)
            }
        }
        try SafetensorsFile(tensors: [(name: "a", shape: [1], values: [1])]).write(to: url)
        expectInvalidFile("not a DeepBayes checkpoint")

        var tensors = try model.namedParameters.map { (name: $0.name, shape: $0.parameter.shape.dimensions, values: try $0.parameter.value.toArray()) }
        let metadata = [Checkpoint.specKey: try spec.json(), Checkpoint.kindKey: "bnn"]
        try SafetensorsFile(tensors: Array(tensors.dropLast()), metadata: metadata).write(to: url)
        expectInvalidFile("lacks tensor")

        tensors[0] = (name: tensors[0].name, shape: [tensors[0].values.count], values: tensors[0].values)
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: url)
        expectInvalidFile("has shape")

        try SafetensorsFile(tensors: [], metadata: [Checkpoint.specKey: "{\"kind\": \"bnn\""]).write(to: url)
        expectInvalidFile("model description")
    }
}
