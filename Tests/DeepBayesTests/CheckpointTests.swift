import DeepBayesBackends
import DeepBayesFiles
import DeepBayesNN
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
        let expected: [ModelKind: [String]] = [.bnn: ["architecture", "estimator", "hidden", "inputScale", "kind", "logitVariance", "prior", "rhoInitial", "seed"],
                                               .mcdropout: ["architecture", "dropout", "hidden", "inputScale", "kind", "logitVariance", "seed"],
                                               .mlp: ["architecture", "dropout", "hidden", "inputScale", "kind", "logitVariance", "seed"],
                                               .vae: ["architecture", "hidden", "kind", "latent", "seed"], .gan: ["architecture", "kind", "seed"]]
        #expect(keys == expected[kind])
        #expect(metadata["note"] == "test" && metadata[Checkpoint.kindKey] == kind.rawValue)
        let original = model.namedParameters, restored = loaded.namedParameters
        #expect(original.map(\.name) == restored.map(\.name))
        for (a, b) in zip(original, restored) {
            #expect(try a.parameter.value.toArray() == b.parameter.value.toArray(), "\(a.name) differs after loading")
        }
    }

    /// A classifier trained on pixels of another scale (Blundell et al.'s byte / 126) keeps the
    /// scale in its description and runs it as a `Scaling` layer in front; a description of
    /// version 1.1, which had no `inputScale`, reads back as byte / 255 with no such layer.
    @Test func theInputScaleIsStoredAndOlderDescriptionsReadAsPixelsInZeroOne() throws {
        var spec = ModelSpec.defaults(for: .mlp)
        spec.hidden = [5]
        spec.inputScale = 1 / 126
        guard case let .classifier(scaled) = try TrainableModel(spec, on: TestBackends.cpu) else { Issue.record("not a classifier"); return }
        let scaling = try #require(scaled.network.layers.first as? Scaling)
        #expect(abs(scaling.factor - 255 / 126) <= 1e-6)
        #expect(try ModelSpec.parse(spec.json(), path: "x").inputScale == 1 / 126)
        let older = #"{"architecture":"mlp","dropout":0.5,"hidden":[5],"kind":"mcdropout","seed":1}"#
        let parsed = try ModelSpec.parse(older, path: "older.safetensors")
        #expect(parsed.inputScale == ModelSpec.byteScale && parsed.inputScaling == 1)
        guard case let .classifier(plain) = try TrainableModel(parsed, on: TestBackends.cpu) else { Issue.record("not a classifier"); return }
        #expect(!(plain.network.layers.first is Scaling))
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
