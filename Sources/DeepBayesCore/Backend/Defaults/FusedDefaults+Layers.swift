extension FusedDefaults {
    /// `y[i] = act(x[i] + b[j])` with `j = (i / inner) % period`: a bias along axis 1 of
    /// `[N, F]` (`inner = 1`) or `[N, C, H, W]` (`inner = H·W`) and the activation after it,
    /// composed as `binary(.add)` then `unary(act)`.
    public static func biasActivation(_ x: Tensor, _ bias: Tensor, _ activation: UnaryOp, broadcast: Broadcast,
                                      on backend: any BackendPrimitives) throws -> Tensor {
        try backend._unary(activation, backend._binary(.add, x, bias, broadcast: broadcast))
    }

    /// The gradients of `biasActivation` for the upstream `g`, with `z = x + b` recomputed:
    ///
    ///     ∂L/∂x[i] = g[i] · act'(z[i])          (the derivative of `unaryBackward`)
    ///     ∂L/∂b[j] = Σ_{i : (i / inner) % period = j} ∂L/∂x[i]
    ///
    /// composed as `unaryBackward` of `z` and `sumBroadcast`. Returns `(∂L/∂x, ∂L/∂b)`.
    public static func biasActivationBackward(_ x: Tensor, _ bias: Tensor, _ activation: UnaryOp, _ g: Tensor, broadcast: Broadcast,
                                              on backend: any BackendPrimitives) throws -> (input: Tensor, bias: Tensor) {
        let z = try backend._binary(.add, x, bias, broadcast: broadcast)
        let gradInput = try unaryBackward(activation, z, g, on: backend)
        return (gradInput, try backend._sumBroadcast(gradInput, broadcast: broadcast))
    }

    /// Batch normalization's statistics per feature `j` of axis 1, over its `n = count / period`
    /// values: the mean and the biased variance, in two passes (the variance from the
    /// deviations, never as `E[x²] - E[x]²`, which cancels catastrophically for large means):
    ///
    ///     μ_j = (Σ x) · (1/n),   σ²_j = (Σ (x - μ_j)²) · (1/n)
    ///
    /// Returns `(μ, σ²)`, each `[period]`.
    public static func batchNormStatistics(_ x: Tensor, broadcast: Broadcast, on backend: any BackendPrimitives) throws -> (mean: Tensor, variance: Tensor) {
        let c = Composer(backend), scale = 1 / Float(x.count / broadcast.period)
        let mean = try c.multiply(backend._sumBroadcast(x, broadcast: broadcast), scale)
        let centered = try backend._binary(.subtract, x, mean, broadcast: broadcast)
        return (mean, try c.multiply(backend._sumBroadcast(c.map(.square, centered), broadcast: broadcast), scale))
    }

    /// The gradient of `batchNormStatistics` in `x` for the upstream `∂L/∂μ` and `∂L/∂σ²`
    /// (each `[period]`), at the batch's `μ`:
    ///
    ///     ∂L/∂x[i] = ((x[i] - μ_j) · ∂L/∂σ²_j) · (2/n) + ∂L/∂μ_j · (1/n)
    ///
    /// (σ²'s dependence on `x` through `μ` contributes `-2/n · Σ (x - μ) = 0`).
    public static func batchNormStatisticsBackward(_ x: Tensor, _ mean: Tensor, _ gradMean: Tensor, _ gradVariance: Tensor,
                                                   broadcast: Broadcast, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend), scale = 1 / Float(x.count / broadcast.period)
        let centered = try backend._binary(.subtract, x, mean, broadcast: broadcast)
        let fromVariance = try c.multiply(backend._binary(.multiply, centered, gradVariance, broadcast: broadcast), 2 * scale)
        return try backend._binary(.add, fromVariance, c.multiply(gradMean, scale), broadcast: broadcast)
    }
}
