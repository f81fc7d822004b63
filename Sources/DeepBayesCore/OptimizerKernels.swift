import Foundation

/// Hyper-parameters of SGD with momentum: `v ← m·v + (g + λ·p)`, `p ← p - η·v`.
public struct SGDConfiguration: Hashable, Sendable {
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float

    public init(learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }
}

/// Hyper-parameters of Adam (Kingma & Ba 2015) with L2 weight decay folded into the gradient.
public struct AdamConfiguration: Hashable, Sendable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }
}

/// Fused optimizer updates. They change `parameter` and the state tensors in place, which
/// must therefore not be shared with other live tensors.
public protocol OptimizerKernels {
    /// `v ← m·v + (g + λ·p)`, `p ← p - η·v`, elementwise, in place.
    func sgdStep(_ parameter: Tensor, _ gradient: Tensor, _ velocity: Tensor, _ configuration: SGDConfiguration) throws
    /// With `g' = g + λ·p`: `m ← β₁m + (1-β₁)g'`, `v ← β₂v + (1-β₂)g'²`,
    /// `p ← p - η·(m / c₁) / (√(v / c₂) + ε)` with bias corrections `c₁ = 1 - β₁ᵗ`, `c₂ = 1 - β₂ᵗ`
    /// for step `t ≥ 1` (computed on the host and passed in). In place.
    func adamStep(_ parameter: Tensor, _ gradient: Tensor, _ firstMoment: Tensor, _ secondMoment: Tensor,
                  _ configuration: AdamConfiguration, biasCorrection1: Float, biasCorrection2: Float) throws
    /// `a ← a + w·(p - a)`, elementwise, in place: one step of a moving average of `p`.
    func movingAverageStep(_ average: Tensor, _ source: Tensor, weight: Float) throws
}

extension OptimizerKernels where Self: TensorStorageKernels {
    /// One SGD-with-momentum update of `parameter` in place.
    public func sgdStep(parameter: Tensor, gradient: Tensor, velocity: Tensor, configuration: SGDConfiguration) throws {
        try checkOwnership("sgdStep", parameter, gradient, velocity)
        try requireShape(gradient, parameter.shape, "sgdStep", "gradient")
        try requireShape(velocity, parameter.shape, "sgdStep", "velocity")
        try sgdStep(parameter, gradient, velocity, configuration)
    }

    /// Adam update number `step` (counting from 1) of `parameter` in place.
    public func adamStep(parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor,
                         configuration: AdamConfiguration, step: Int) throws {
        try checkOwnership("adamStep", parameter, gradient, firstMoment, secondMoment)
        try requireShape(gradient, parameter.shape, "adamStep", "gradient")
        try requireShape(firstMoment, parameter.shape, "adamStep", "firstMoment")
        try requireShape(secondMoment, parameter.shape, "adamStep", "secondMoment")
        guard step >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "adamStep", reason: "step \(step) must count from 1")
        }
        let c1 = Float(1 - pow(Double(configuration.beta1), Double(step)))
        let c2 = Float(1 - pow(Double(configuration.beta2), Double(step)))
        try adamStep(parameter, gradient, firstMoment, secondMoment, configuration, biasCorrection1: c1, biasCorrection2: c2)
    }

    /// Moves `average` toward `source` in place: `a ← a + weight·(p - a)`, weight in [0, 1].
    public func movingAverageStep(average: Tensor, toward source: Tensor, weight: Float) throws {
        try checkOwnership("movingAverageStep", average, source)
        try requireShape(source, average.shape, "movingAverageStep", "source")
        guard weight >= 0, weight <= 1 else {
            throw DeepBayesError.invalidArgument(operation: "movingAverageStep", reason: "weight \(weight) must lie in [0, 1]")
        }
        try movingAverageStep(average, source, weight: weight)
    }
}
