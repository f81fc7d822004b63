/// The fused steps of layers over axis 1 of a batch (`[N, F]`, `[N, C, H, W]`, any rank ≥ 2):
/// a bias add with the activation that follows it, and batch normalization's per-feature
/// statistics, each with its gradient. Each hook's formula is on the `FusedDefaults` function
/// of the same name.
extension Backend {
    /// `activation(x + bias)` with `bias` (`[x.shape[1]]`) broadcast along axis 1; `activation`
    /// is one of `UnaryOp.activations`.
    public func biasActivation(_ x: Tensor, bias: Tensor, activation: UnaryOp) throws -> Tensor {
        try checkOwnership("biasActivation", x, bias)
        let broadcast = try featureBroadcast(x, bias: bias, activation: activation, "biasActivation")
        return try _biasActivation(x, bias, activation, broadcast: broadcast)
    }

    /// The gradients of `biasActivation` for `x` and `bias` from the upstream `gradOutput`
    /// (shaped like `x`); `x + bias` is recomputed, not stored.
    public func biasActivationBackward(_ x: Tensor, bias: Tensor, activation: UnaryOp, gradOutput: Tensor) throws -> (input: Tensor, bias: Tensor) {
        try checkOwnership("biasActivationBackward", x, bias, gradOutput)
        let broadcast = try featureBroadcast(x, bias: bias, activation: activation, "biasActivationBackward")
        try requireShape(gradOutput, x.shape, "biasActivationBackward", "gradOutput")
        return try _biasActivationBackward(x, bias, activation, gradOutput, broadcast: broadcast)
    }

    /// The mean and the biased variance of each feature of axis 1 of a non-empty `x`, each
    /// `[x.shape[1]]`.
    public func batchNormStatistics(_ x: Tensor) throws -> (mean: Tensor, variance: Tensor) {
        try checkOwnership("batchNormStatistics", x)
        return try _batchNormStatistics(x, broadcast: featureBroadcast(x, "batchNormStatistics"))
    }

    /// The gradient in `x` of `batchNormStatistics` from the upstream gradients of the mean
    /// and the variance, at the batch's `mean`.
    public func batchNormStatisticsBackward(_ x: Tensor, mean: Tensor, gradMean: Tensor, gradVariance: Tensor) throws -> Tensor {
        try checkOwnership("batchNormStatisticsBackward", x, mean, gradMean, gradVariance)
        let broadcast = try featureBroadcast(x, "batchNormStatisticsBackward")
        for (role, tensor) in [("mean", mean), ("gradMean", gradMean), ("gradVariance", gradVariance)] {
            try requireShape(tensor, [broadcast.period], "batchNormStatisticsBackward", role)
        }
        return try _batchNormStatisticsBackward(x, mean, gradMean, gradVariance, broadcast: broadcast)
    }

    /// The broadcast of a per-feature vector along axis 1 of `x`: `shapeMismatch` unless `x`
    /// has rank ≥ 2 and at least one element.
    private func featureBroadcast(_ x: Tensor, _ operation: String) throws -> Broadcast {
        guard x.shape.rank >= 2, x.count >= 1 else {
            throw DeepBayesError.shapeMismatch(operation: operation, reason: "needs a non-empty batch of rank at least 2, got \(x.shape)")
        }
        return Broadcast(inner: x.shape.stride(of: 1), period: x.shape[1])
    }

    /// `featureBroadcast`, with `bias` shaped `[x.shape[1]]` and `activation` one of `UnaryOp.activations`.
    private func featureBroadcast(_ x: Tensor, bias: Tensor, activation: UnaryOp, _ operation: String) throws -> Broadcast {
        guard UnaryOp.activations.contains(activation) else {
            throw DeepBayesError.invalidArgument(operation: operation, reason: "\(activation) is not an activation")
        }
        let broadcast = try featureBroadcast(x, operation)
        try requireShape(bias, [broadcast.period], operation, "bias")
        return broadcast
    }
}
