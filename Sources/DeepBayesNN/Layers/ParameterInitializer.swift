import DeepBayesCore

/// Draws initial parameter values on the host from Philox (the `k`-th tensor drawn from
/// `RandomPass(.initialization, index: k)`), then uploads them: a model built with the same seed starts from bit-identical
/// values on every backend.
public final class ParameterInitializer {
    public let backend: any Backend
    public let seed: UInt64
    /// The streams drawn so far, in order: one per random tensor.
    public private(set) var drawnStreams: [RandomStream] = []

    public init(backend: any Backend, seed: UInt64) {
        self.backend = backend
        self.seed = seed
    }

    /// Values uniform in `[-bound, bound)`.
    public func uniform(_ shape: Shape, bound: Float) throws -> Parameter {
        let stream = nextStream()
        let values = (0..<shape.count).map { i -> Float in
            let words = Philox.words(seed: seed, stream: stream, block: UInt64(i / 4))
            return bound * (2 * Philox.uniform(words[i % 4]) - 1)
        }
        return Parameter(try backend.tensor(values, shape: shape))
    }

    /// Values from `N(0, std²)`.
    public func normal(_ shape: Shape, std: Float) throws -> Parameter {
        let stream = nextStream()
        var values: [Float] = []
        values.reserveCapacity(shape.count + 3)
        for block in 0..<(shape.count + 3) / 4 {
            let normals = Philox.normals(Philox.words(seed: seed, stream: stream, block: UInt64(block)))
            for lane in 0..<4 { values.append(std * normals[lane]) }
        }
        return Parameter(try backend.tensor(Array(values.prefix(shape.count)), shape: shape))
    }

    /// Every element equal to `value`.
    public func constant(_ shape: Shape, _ value: Float, isTrainable: Bool = true) throws -> Parameter {
        Parameter(try backend.filled(shape, value: value), isTrainable: isTrainable)
    }

    private func nextStream() -> UInt64 {
        let random = RandomPass(.initialization, index: UInt64(drawnStreams.count)).randomStream(seed: seed, draw: 0)
        drawnStreams.append(random)
        return random.stream
    }
}

/// How a layer draws its initial weights from the fan-in (inputs per output unit).
public enum WeightInitialization: Sendable {
    /// `U(±√(6 / fanIn))` (He et al. 2015), for layers followed by relu-like activations.
    case heUniform
    /// `U(±1/√fanIn)`, the default of PyTorch's linear and convolution layers.
    case lecunUniform
    /// `N(0, std²)`, e.g. 0.02 for DCGAN.
    case normal(std: Float)

    func draw(_ shape: Shape, fanIn: Int, _ initializer: ParameterInitializer) throws -> Parameter {
        switch self {
        case .heUniform: return try initializer.uniform(shape, bound: (6 / Float(fanIn)).squareRoot())
        case .lecunUniform: return try initializer.uniform(shape, bound: 1 / Float(fanIn).squareRoot())
        case let .normal(std): return try initializer.normal(shape, std: std)
        }
    }
}
