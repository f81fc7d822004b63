import DeepBayesCore

/// `OptimizerKernels`: fused SGD-with-momentum, Adam and moving-average updates in SIMD,
/// writing the parameter and state tensors' storage in place.
extension CPUBackend {
    /// `v ← m·v + (g + λ·p)`, `p ← p - η·v`.
    public func _sgdStep(_ parameter: Tensor, _ gradient: Tensor, _ velocity: Tensor, _ configuration: SGDConfiguration) throws {
        let p = try buffer(parameter).pointer, v = try buffer(velocity).pointer, g = try values(gradient)
        let momentum = FloatVector(repeating: configuration.momentum)
        let decay = FloatVector(repeating: configuration.weightDecay)
        let rate = FloatVector(repeating: configuration.learningRate)
        Parallel.forEachChunk(parameter.count, costPerItem: 6) { range in
            VectorLoop.forEach(range) { i, lanes in
                let weight = p.vector(at: i, lanes: lanes)
                let newVelocity = momentum * v.vector(at: i, lanes: lanes) + (g.vector(at: i, lanes: lanes) + decay * weight)
                v.store(newVelocity, at: i, lanes: lanes)
                p.store(weight - rate * newVelocity, at: i, lanes: lanes)
            }
        }
    }

    /// With `g' = g + λ·p`: `m ← β₁m + (1-β₁)g'`, `v ← β₂v + (1-β₂)g'²`,
    /// `p ← p - η·(m / c₁) / (√(v / c₂) + ε)`.
    public func _adamStep(_ parameter: Tensor, _ gradient: Tensor, _ firstMoment: Tensor, _ secondMoment: Tensor,
                         _ configuration: AdamConfiguration, biasCorrection1: Float, biasCorrection2: Float) throws {
        let p = try buffer(parameter).pointer, m = try buffer(firstMoment).pointer, v = try buffer(secondMoment).pointer
        let g = try values(gradient)
        let beta1 = FloatVector(repeating: configuration.beta1), beta2 = FloatVector(repeating: configuration.beta2)
        let oneMinusBeta1 = FloatVector(repeating: 1 - configuration.beta1)
        let oneMinusBeta2 = FloatVector(repeating: 1 - configuration.beta2)
        let decay = FloatVector(repeating: configuration.weightDecay)
        let rate = FloatVector(repeating: configuration.learningRate)
        let epsilon = FloatVector(repeating: configuration.epsilon)
        let c1 = FloatVector(repeating: biasCorrection1), c2 = FloatVector(repeating: biasCorrection2)
        Parallel.forEachChunk(parameter.count, costPerItem: 16) { range in
            VectorLoop.forEach(range) { i, lanes in
                let weight = p.vector(at: i, lanes: lanes)
                let grad = g.vector(at: i, lanes: lanes) + decay * weight
                let first = beta1 * m.vector(at: i, lanes: lanes) + oneMinusBeta1 * grad
                let second = beta2 * v.vector(at: i, lanes: lanes) + oneMinusBeta2 * grad * grad
                m.store(first, at: i, lanes: lanes)
                v.store(second, at: i, lanes: lanes)
                p.store(weight - rate * (first / c1) / ((second / c2).squareRoot() + epsilon), at: i, lanes: lanes)
            }
        }
    }

    /// `a ← a + w·(p - a)`.
    public func _movingAverageStep(_ average: Tensor, _ source: Tensor, weight: Float) throws {
        let a = try buffer(average).pointer, p = try values(source)
        let w = FloatVector(repeating: weight)
        Parallel.forEachChunk(average.count, costPerItem: 3) { range in
            VectorLoop.forEach(range) { i, lanes in
                let old = a.vector(at: i, lanes: lanes)
                a.store(old + w * (p.vector(at: i, lanes: lanes) - old), at: i, lanes: lanes)
            }
        }
    }

    /// `r_μ ← r_μ + m·(μ - r_μ)`, `r_σ² ← r_σ² + m·(σ²·n/max(n-1, 1) - r_σ²)`, one pass over both.
    public func _runningStatisticsUpdate(mean: Tensor, variance: Tensor, batchMean: Tensor, batchVariance: Tensor,
                                         momentum: Float, count: Float) throws {
        let runningMean = try buffer(mean).pointer, runningVariance = try buffer(variance).pointer
        let mu = try values(batchMean), sigma2 = try values(batchVariance)
        let correction = count / max(count - 1, 1)
        for i in 0..<mean.count {
            runningMean[i] += momentum * (mu[i] - runningMean[i])
            runningVariance[i] += momentum * (sigma2[i] * correction - runningVariance[i])
        }
    }
}
