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

    /// The first and second moments kept for `parameter` (nil before its first update): what a
    /// checkpoint of a run saves so that a resumed run continues exactly.
    public func moments(of parameter: Parameter) -> (first: Tensor, second: Tensor)? {
        state.existing(for: parameter).map { ($0[0], $0[1]) }
    }

    /// Restores a saved state: the step count `t` and the moments of each parameter.
    public func restore(stepsTaken: Int, moments: [(parameter: Parameter, first: Tensor, second: Tensor)]) {
        self.stepsTaken = stepsTaken
        for saved in moments { state.set([saved.first, saved.second], for: saved.parameter) }
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
