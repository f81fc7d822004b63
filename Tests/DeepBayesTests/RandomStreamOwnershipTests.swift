import DeepBayesBackendConformance
import DeepBayesBackends
import DeepBayesCPU
import DeepBayesNN
import DeepBayesTraining
import Testing

/// No two draws of a run share a random stream: over model initialization and two training
/// steps of every model, the streams of the initializer's host draws and of every device draw
/// (seen through `DefaultsOnlyBackend`, whose fused kernels all draw through the two random
/// primitives) are distinct. Before `RandomPass` owned the numbering, a GAN's first
/// discriminator step drew its fake-image noise from the generator's first initial-weight stream.
@Suite struct RandomStreamOwnershipTests {
    static let models: [(String, ModelSpec)] = [
        ("bnn", .defaults(for: .bnn)), ("mcdropout", .defaults(for: .mcdropout)), ("vae", .defaults(for: .vae)),
        ("gan mlp", .defaults(for: .gan)), ("gan dcgan", .defaults(for: .gan, architecture: "dcgan")),
    ]

    @Test(arguments: 0..<5)
    func everyDrawHasItsOwnStream(modelIndex: Int) throws {
        let (name, spec) = Self.models[modelIndex]
        let backend = DefaultsOnlyBackend(CPUBackend())
        var draws: [RandomStream] = []
        backend.observeDraw = { draws.append($0) }
        let initializer = ParameterInitializer(backend: backend, seed: spec.seed)
        let model = try TrainableModel(spec, initializer: initializer)
        var random = HostRandom(seed: 71)
        let images = try backend.tensor(random.array(4 * 784, 0, 1), shape: [4, 784])
        let labels = try backend.tensor((0..<4).map { _ in Float(random.next() % 10) }, shape: [4])
        let step = TrainingStep(model, learningRate: 1e-3, seed: spec.seed, on: backend)
        for pass in 0..<2 { _ = try step(images: images, labels: labels, pass: UInt64(pass), batches: 10) }
        let all = initializer.drawnStreams + draws
        var seen: [RandomStream: Int] = [:]
        for (index, stream) in all.enumerated() {
            #expect(seen[stream] == nil, "\(name): draw \(index) reuses the stream of draw \(seen[stream] ?? -1): \(stream)")
            seen[stream] = index
        }
        #expect(!draws.isEmpty, "\(name) made no device draws")
        #expect(initializer.drawnStreams.count >= 2)
    }
}
