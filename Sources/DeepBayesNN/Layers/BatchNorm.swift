import DeepBayesCore

/// Batch normalization (Ioffe & Szegedy 2015) over axis 1 of `[N, F]` or `[N, C, H, W]`:
/// `y = γ·(x - μ)/√(σ² + ε) + β`, with the batch's mean and (biased) variance per feature while
/// training (one fused kernel, `Tape.batchNormStatistics`), and running averages
/// `r ← (1-m)·r + m·batch` (unbiased variance) at inference. The shift `β` is the last step,
/// so an activation after the layer fuses with it.
public final class BatchNorm: BiasActivationLayer {
    public let scale: Parameter
    public let shift: Parameter
    public let runningMean: Parameter
    public let runningVariance: Parameter
    public let momentum: Float
    public let epsilon: Float

    public init(features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, _ initializer: ParameterInitializer) throws {
        scale = try initializer.constant(Shape.validated([features], for: "BatchNorm"), 1)
        shift = try initializer.constant([features], 0)
        runningMean = try initializer.constant([features], 0, isTrainable: false)
        runningVariance = try initializer.constant([features], 1, isTrainable: false)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public func callAsFunction(_ input: Variable, _ context: ForwardContext, activation: UnaryOp?) throws -> Variable {
        guard input.shape.rank >= 2, input.shape[1] == scale.shape[0] else {
            throw DeepBayesError.shapeMismatch(operation: "BatchNorm", reason: "input \(input.shape) must have \(scale.shape[0]) features on axis 1")
        }
        let tape = context.tape
        let normalized: Variable
        if context.mode == .training {
            let perFeature = Float(input.value.count / scale.shape[0])
            let (mean, variance) = try tape.batchNormStatistics(input)
            let centered = try tape.subtract(input, mean, alongAxis: 1)
            let deviation = try tape.apply(.sqrt, tape.scaled(variance, by: 1, plus: epsilon))
            normalized = try tape.combine(.divide, centered, deviation, alongAxis: 1)
            try updateRunningStatistics(mean: mean.value, variance: variance.value, count: perFeature, context.backend)
        } else {
            let backend = context.backend
            let deviation = try backend.apply(.sqrt, backend.scaled(runningVariance.value, by: 1, plus: epsilon))
            normalized = try tape.combine(.divide, tape.subtract(input, tape.constant(runningMean.value), alongAxis: 1),
                                          tape.constant(deviation), alongAxis: 1)
        }
        return try tape.addBias(tape.multiply(normalized, tape.watch(scale), alongAxis: 1), tape.watch(shift), activation: activation)
    }

    /// `r ← r + m·(batch - r)` for the mean and the unbiased variance, in place, one fused kernel.
    private func updateRunningStatistics(mean: Tensor, variance: Tensor, count: Float, _ backend: any Backend) throws {
        try backend.updateRunningStatistics(mean: runningMean.value, variance: runningVariance.value,
                                            batchMean: mean, batchVariance: variance, momentum: momentum, count: count)
    }

    public var namedParameters: [NamedParameter] {
        [NamedParameter("scale", scale), NamedParameter("shift", shift),
         NamedParameter("running_mean", runningMean), NamedParameter("running_variance", runningVariance)]
    }
}
