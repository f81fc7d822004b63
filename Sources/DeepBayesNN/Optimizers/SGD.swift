import DeepBayesCore

/// Stochastic gradient descent with momentum and optional weight decay
/// (`v ← m·v + g + λ·p`, `p ← p - η·v`, one fused kernel per parameter), with optional
/// global gradient-norm clipping before the update.
public final class SGD: Optimizer {
    public var configuration: SGDConfiguration
    public let clipNorm: Float?
    private let state = OptimizerState()

    public init(_ configuration: SGDConfiguration, clipNorm: Float? = nil) {
        self.configuration = configuration
        self.clipNorm = clipNorm
    }

    public func step(_ parameters: [Parameter]) throws {
        try update(parameters, clipNorm: clipNorm) { parameter, gradient in
            let velocity = try state.tensors(for: parameter, count: 1)[0]
            try parameter.value.backend.sgdStep(parameter: parameter.value, gradient: gradient, velocity: velocity, configuration: configuration)
        }
    }
}

/// Adam (Kingma & Ba 2015) with bias correction and optional L2 weight decay, one fused kernel
/// per parameter, with optional global gradient-norm clipping before the update.
public final class Adam: Optimizer {
    public var configuration: AdamConfiguration
    public let clipNorm: Float?
    /// Updates done so far (the `t` of the bias corrections).
    public private(set) var stepsTaken = 0
    private let state = OptimizerState()

    public init(_ configuration: AdamConfiguration = AdamConfiguration(), clipNorm: Float? = nil) {
        self.configuration = configuration
        self.clipNorm = clipNorm
    }

    public func step(_ parameters: [Parameter]) throws {
        stepsTaken += 1
        try update(parameters, clipNorm: clipNorm) { parameter, gradient in
            let moments = try state.tensors(for: parameter, count: 2)
            try parameter.value.backend.adamStep(parameter: parameter.value, gradient: gradient, firstMoment: moments[0],
                                                 secondMoment: moments[1], configuration: configuration, step: stepsTaken)
        }
    }
}
