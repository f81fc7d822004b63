import DeepBayesCore

extension Tape {
    /// `activation(x + bias)` with `bias` along axis 1 (see `FusedDefaults.biasActivation`): one
    /// fused kernel each way, the backward one recomputing `x + bias` rather than keeping it.
    public func biasActivation(_ x: Variable, bias: Variable, activation: UnaryOp) throws -> Variable {
        let backend = self.backend
        let y = try backend.biasActivation(x.value, bias: bias.value, activation: activation)
        return record(y, inputs: [x, bias]) { g in
            let gradients = try backend.biasActivationBackward(x.value, bias: bias.value, activation: activation, gradOutput: g)
            return [gradients.input, gradients.bias]
        }
    }

    /// `x + bias` with `bias` along axis 1, then `activation` when there is one, fused with the add.
    public func addBias(_ x: Variable, _ bias: Variable, activation: UnaryOp?) throws -> Variable {
        guard let activation else { return try add(x, bias, alongAxis: 1) }
        return try biasActivation(x, bias: bias, activation: activation)
    }

    /// The mean and the biased variance of each feature of axis 1 of `x` (see
    /// `FusedDefaults.batchNormStatistics`), one fused kernel each way; an output whose
    /// gradient never arrives counts as a zero gradient.
    public func batchNormStatistics(_ x: Variable) throws -> (mean: Variable, variance: Variable) {
        let backend = self.backend
        let (mean, variance) = try backend.batchNormStatistics(x.value)
        let outputs = record([mean, variance], inputs: [x]) { upstream in
            let gradMean = try upstream[0] ?? backend.zeros(mean.shape)
            let gradVariance = try upstream[1] ?? backend.zeros(variance.shape)
            return [try backend.batchNormStatisticsBackward(x.value, mean: mean, gradMean: gradMean, gradVariance: gradVariance)]
        }
        return (outputs[0], outputs[1])
    }
}
