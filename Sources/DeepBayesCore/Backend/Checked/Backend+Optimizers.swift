import Foundation

/// Fused optimizer updates. They change `parameter` and the state tensors in place, which
/// must therefore not be shared with other live tensors.
extension Backend {
    /// One SGD-with-momentum update of `parameter` in place.
    public func sgdStep(parameter: Tensor, gradient: Tensor, velocity: Tensor, configuration: SGDConfiguration) throws {
        try checkOwnership("sgdStep", parameter, gradient, velocity)
        try requireShape(gradient, parameter.shape, "sgdStep", "gradient")
        try requireShape(velocity, parameter.shape, "sgdStep", "velocity")
        try _sgdStep(parameter, gradient, velocity, configuration)
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
        try _adamStep(parameter, gradient, firstMoment, secondMoment, configuration, biasCorrection1: c1, biasCorrection2: c2)
    }

    /// Moves `average` toward `source` in place: `a ← a + weight·(p - a)`, weight in [0, 1].
    public func movingAverageStep(average: Tensor, toward source: Tensor, weight: Float) throws {
        try checkOwnership("movingAverageStep", average, source)
        try requireShape(source, average.shape, "movingAverageStep", "source")
        guard weight >= 0, weight <= 1 else {
            throw DeepBayesError.invalidArgument(operation: "movingAverageStep", reason: "weight \(weight) must lie in [0, 1]")
        }
        try _movingAverageStep(average, source, weight: weight)
    }
}

extension Backend {
    /// Batch normalization's running statistics, in place, from one batch's per-feature mean
    /// and biased variance over `count` values: `r_μ ← r_μ + m·(μ - r_μ)` and
    /// `r_σ² ← r_σ² + m·(σ²·n/(n-1) - r_σ²)` (the unbiased variance; `n/(n-1)` is 1 when `n = 1`).
    public func updateRunningStatistics(mean: Tensor, variance: Tensor, batchMean: Tensor, batchVariance: Tensor,
                                        momentum: Float, count: Float) throws {
        try checkOwnership("updateRunningStatistics", mean, variance, batchMean, batchVariance)
        try requireShape(variance, mean.shape, "updateRunningStatistics", "variance")
        try requireShape(batchMean, mean.shape, "updateRunningStatistics", "batchMean")
        try requireShape(batchVariance, mean.shape, "updateRunningStatistics", "batchVariance")
        guard momentum >= 0, momentum <= 1, count >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "updateRunningStatistics", reason: "momentum \(momentum) must lie in [0, 1] and count \(count) be at least 1")
        }
        try _runningStatisticsUpdate(mean: mean, variance: variance, batchMean: batchMean, batchVariance: batchVariance,
                                     momentum: momentum, count: count)
    }
}
