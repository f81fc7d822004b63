extension FusedDefaults {
    /// SGD with momentum, in place: `v ← m·v + (g + λ·p)`, `p ← p - η·v`.
    public static func sgdStep(_ p: Tensor, _ g: Tensor, _ v: Tensor, _ configuration: SGDConfiguration,
                               on backend: any BackendPrimitives) throws {
        let c = Composer(backend)
        let velocity = try c.add(c.multiply(v, configuration.momentum), c.add(g, c.multiply(p, configuration.weightDecay)))
        try backend._assign(v, from: velocity)
        try backend._assign(p, from: c.subtract(p, c.multiply(velocity, configuration.learningRate)))
    }

    /// Adam, in place. With `g' = g + λ·p`: `m ← β₁m + (1-β₁)g'`, `v ← β₂v + (1-β₂)g'²`,
    /// `p ← p - η·(m / c₁) / (√(v / c₂) + ε)` with the bias corrections `c₁ = 1 - β₁ᵗ`,
    /// `c₂ = 1 - β₂ᵗ` of step `t ≥ 1`.
    public static func adamStep(_ p: Tensor, _ g: Tensor, _ m: Tensor, _ v: Tensor, _ configuration: AdamConfiguration,
                                biasCorrection1 c1: Float, biasCorrection2 c2: Float, on backend: any BackendPrimitives) throws {
        let c = Composer(backend)
        let gradient = try c.add(g, c.multiply(p, configuration.weightDecay))
        let first = try c.add(c.multiply(m, configuration.beta1), c.multiply(gradient, 1 - configuration.beta1))
        let second = try c.add(c.multiply(v, configuration.beta2), c.multiply(c.map(.square, gradient), 1 - configuration.beta2))
        let denominator = try c.add(c.map(.sqrt, c.multiply(second, 1 / c2)), configuration.epsilon)
        let update = try c.divide(c.multiply(first, configuration.learningRate / c1), denominator)
        try backend._assign(m, from: first)
        try backend._assign(v, from: second)
        try backend._assign(p, from: c.subtract(p, update))
    }

    /// `a ← a + w·(p - a)`, in place: one step of a moving average of `p`.
    public static func movingAverageStep(_ a: Tensor, _ p: Tensor, weight: Float, on backend: any BackendPrimitives) throws {
        let c = Composer(backend)
        try backend._assign(a, from: c.add(a, c.multiply(c.subtract(p, a), weight)))
    }

    /// Batch normalization's running statistics, in place: `r_μ ← r_μ + m·(μ - r_μ)`,
    /// `r_σ² ← r_σ² + m·(σ²·n/max(n-1, 1) - r_σ²)`.
    public static func runningStatisticsUpdate(mean: Tensor, variance: Tensor, batchMean: Tensor, batchVariance: Tensor,
                                               momentum: Float, count n: Float, on backend: any BackendPrimitives) throws {
        try movingAverageStep(mean, batchMean, weight: momentum, on: backend)
        let unbiased = try Composer(backend).multiply(batchVariance, n / max(n - 1, 1))
        try movingAverageStep(variance, unbiased, weight: momentum, on: backend)
    }
}
