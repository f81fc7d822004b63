import DeepBayesCore

/// `OptimizerKernels`: fused SGD-with-momentum, Adam and moving-average updates in SIMD,
/// writing the parameter and state tensors' storage in place.
extension CPUBackend {
    /// `v ← m·v + (g + λ·p)`, `p ← p - η·v`.
    public func sgdStep(_ parameter: Tensor, _ gradient: Tensor, _ velocity: Tensor, _ configuration: SGDConfiguration) throws {
        let p = buffer(parameter).pointer, v = buffer(velocity).pointer, g = values(gradient)
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
    public func adamStep(_ parameter: Tensor, _ gradient: Tensor, _ firstMoment: Tensor, _ secondMoment: Tensor,
                         _ configuration: AdamConfiguration, biasCorrection1: Float, biasCorrection2: Float) throws {
        let p = buffer(parameter).pointer, m = buffer(firstMoment).pointer, v = buffer(secondMoment).pointer
        let g = values(gradient)
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
    public func movingAverageStep(_ average: Tensor, _ source: Tensor, weight: Float) throws {
        let a = buffer(average).pointer, p = values(source)
        let w = FloatVector(repeating: weight)
        Parallel.forEachChunk(average.count, costPerItem: 3) { range in
            VectorLoop.forEach(range) { i, lanes in
                let old = a.vector(at: i, lanes: lanes)
                a.store(old + w * (p.vector(at: i, lanes: lanes) - old), at: i, lanes: lanes)
            }
        }
    }
}
