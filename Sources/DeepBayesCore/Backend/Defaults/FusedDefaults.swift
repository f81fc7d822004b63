/// The default of every fused kernel of `Backend`, composed of the primitives of
/// `BackendPrimitives` only. A backend inherits these unless it overrides the hook; the
/// conformance kit calls them directly to compare them with a backend's native kernels.
///
/// Each function states what it computes; the composition follows the formula with no
/// rearrangement beyond the one noted, so its rounding is that of a float evaluation of the
/// formula, one operation at a time.
public enum FusedDefaults {}

/// The defaults as the hooks' implementations; a backend's own method of the same name wins.
extension Backend {
    public func _copy(_ x: Tensor) throws -> Tensor { try FusedDefaults.copy(x, on: self) }
    public func _affine(_ x: Tensor, scale: Float, shift: Float) throws -> Tensor {
        try FusedDefaults.affine(x, scale: scale, shift: shift, on: self)
    }
    public func _unaryBackward(_ op: UnaryOp, _ x: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        try FusedDefaults.unaryBackward(op, x, gradOutput, on: self)
    }
    public func _expand(_ y: Tensor, to shape: Shape, broadcast: Broadcast) throws -> Tensor {
        try FusedDefaults.expand(y, to: shape, broadcast: broadcast, on: self)
    }

    public func _sum(_ x: Tensor) throws -> Tensor { try FusedDefaults.sum(x, on: self) }
    public func _softmax(_ x: Tensor) throws -> Tensor { try FusedDefaults.softmax(x, on: self) }
    public func _logSoftmax(_ x: Tensor) throws -> Tensor { try FusedDefaults.logSoftmax(x, on: self) }
    public func _softmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        try FusedDefaults.softmaxBackward(output, gradOutput, on: self)
    }
    public func _logSoftmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        try FusedDefaults.logSoftmaxBackward(output, gradOutput, on: self)
    }

    public func _crossEntropy(_ logits: Tensor, _ labels: Tensor) throws -> Tensor {
        try FusedDefaults.crossEntropy(logits, labels, on: self)
    }
    public func _crossEntropyBackward(_ logits: Tensor, _ labels: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        try FusedDefaults.crossEntropyBackward(logits, labels, gradOutput, on: self)
    }
    public func _bceWithLogits(_ logits: Tensor, _ targets: Tensor) throws -> Tensor {
        try FusedDefaults.bceWithLogits(logits, targets, on: self)
    }
    public func _bceWithLogitsBackward(_ logits: Tensor, _ targets: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        try FusedDefaults.bceWithLogitsBackward(logits, targets, gradOutput, on: self)
    }

    public func _dropoutMask(_ shape: Shape, dropProbability p: Float, _ random: RandomStream) throws -> Tensor {
        try FusedDefaults.dropoutMask(shape, dropProbability: p, random, on: self)
    }

    public func _sampleGaussian(_ mu: Tensor, _ rho: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor) {
        try FusedDefaults.sampleGaussian(mu, rho, random, on: self)
    }
    public func _sampleGaussianBackward(_ rho: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor {
        try FusedDefaults.sampleGaussianBackward(rho, noise, gradSample, on: self)
    }
    public func _sampleLocal(_ mean: Tensor, _ variance: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor) {
        try FusedDefaults.sampleLocal(mean, variance, random, on: self)
    }
    public func _sampleLocalBackward(_ variance: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor {
        try FusedDefaults.sampleLocalBackward(variance, noise, gradSample, on: self)
    }
    public func _klGaussian(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float) throws -> Tensor {
        try FusedDefaults.klGaussian(mu, rho, priorSigma: s, on: self)
    }
    public func _klGaussianBackward(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float, _ gradOutput: Tensor) throws -> (mu: Tensor, rho: Tensor) {
        try FusedDefaults.klGaussianBackward(mu, rho, priorSigma: s, gradOutput, on: self)
    }
    public func _mixtureKL(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior) throws -> Tensor {
        try FusedDefaults.mixtureKL(sample, mu, rho, prior: prior, on: self)
    }
    public func _mixtureKLBackward(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior,
                                   _ gradOutput: Tensor) throws -> (sample: Tensor, mu: Tensor, rho: Tensor) {
        try FusedDefaults.mixtureKLBackward(sample, mu, rho, prior: prior, gradOutput, on: self)
    }
    public func _sampleWithKL(_ mu: Tensor, _ rho: Tensor, prior: WeightPrior, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor, kl: Tensor) {
        try FusedDefaults.sampleWithKL(mu, rho, prior: prior, random, on: self)
    }
    public func _sampleWithKLBackward(_ mu: Tensor, _ rho: Tensor, _ noise: Tensor, prior: WeightPrior,
                                      _ gradSample: Tensor, _ gradKL: Tensor) throws -> (mu: Tensor, rho: Tensor) {
        try FusedDefaults.sampleWithKLBackward(mu, rho, noise, prior: prior, gradSample, gradKL, on: self)
    }
    public func _klStandardNormal(_ mean: Tensor, _ logVariance: Tensor) throws -> Tensor {
        try FusedDefaults.klStandardNormal(mean, logVariance, on: self)
    }
    public func _klStandardNormalBackward(_ mean: Tensor, _ logVariance: Tensor, _ gradOutput: Tensor) throws -> (mean: Tensor, logVariance: Tensor) {
        try FusedDefaults.klStandardNormalBackward(mean, logVariance, gradOutput, on: self)
    }

    public func _sliceColumns(_ x: Tensor, start: Int, count: Int) throws -> Tensor {
        try FusedDefaults.sliceColumns(x, start: start, count: count, on: self)
    }
    public func _placeColumns(_ x: Tensor, start: Int, width: Int) throws -> Tensor {
        try FusedDefaults.placeColumns(x, start: start, width: width, on: self)
    }
    public func _lstmCell(_ gates: Tensor, _ cell: Tensor) throws -> (hidden: Tensor, cell: Tensor) {
        try FusedDefaults.lstmCell(gates, cell, on: self)
    }
    public func _lstmCellBackward(_ gates: Tensor, _ cell: Tensor, _ newCell: Tensor, _ gradHidden: Tensor,
                                  _ gradCell: Tensor) throws -> (gates: Tensor, cell: Tensor) {
        try FusedDefaults.lstmCellBackward(gates, cell, newCell, gradHidden, gradCell, on: self)
    }
    public func _gruCell(_ inputGates: Tensor, _ hiddenGates: Tensor, _ hidden: Tensor) throws -> Tensor {
        try FusedDefaults.gruCell(inputGates, hiddenGates, hidden, on: self)
    }
    public func _gruCellBackward(_ inputGates: Tensor, _ hiddenGates: Tensor, _ hidden: Tensor,
                                 _ gradOutput: Tensor) throws -> (inputGates: Tensor, hiddenGates: Tensor, hidden: Tensor) {
        try FusedDefaults.gruCellBackward(inputGates, hiddenGates, hidden, gradOutput, on: self)
    }

    public func _biasActivation(_ x: Tensor, _ bias: Tensor, _ activation: UnaryOp, broadcast: Broadcast) throws -> Tensor {
        try FusedDefaults.biasActivation(x, bias, activation, broadcast: broadcast, on: self)
    }
    public func _biasActivationBackward(_ x: Tensor, _ bias: Tensor, _ activation: UnaryOp, _ gradOutput: Tensor,
                                        broadcast: Broadcast) throws -> (input: Tensor, bias: Tensor) {
        try FusedDefaults.biasActivationBackward(x, bias, activation, gradOutput, broadcast: broadcast, on: self)
    }
    public func _batchNormStatistics(_ x: Tensor, broadcast: Broadcast) throws -> (mean: Tensor, variance: Tensor) {
        try FusedDefaults.batchNormStatistics(x, broadcast: broadcast, on: self)
    }
    public func _batchNormStatisticsBackward(_ x: Tensor, _ mean: Tensor, _ gradMean: Tensor, _ gradVariance: Tensor,
                                             broadcast: Broadcast) throws -> Tensor {
        try FusedDefaults.batchNormStatisticsBackward(x, mean, gradMean, gradVariance, broadcast: broadcast, on: self)
    }

    public func _sgdStep(_ parameter: Tensor, _ gradient: Tensor, _ velocity: Tensor, _ configuration: SGDConfiguration) throws {
        try FusedDefaults.sgdStep(parameter, gradient, velocity, configuration, on: self)
    }
    public func _adamStep(_ parameter: Tensor, _ gradient: Tensor, _ firstMoment: Tensor, _ secondMoment: Tensor,
                          _ configuration: AdamConfiguration, biasCorrection1: Float, biasCorrection2: Float) throws {
        try FusedDefaults.adamStep(parameter, gradient, firstMoment, secondMoment, configuration,
                                   biasCorrection1: biasCorrection1, biasCorrection2: biasCorrection2, on: self)
    }
    public func _movingAverageStep(_ average: Tensor, _ source: Tensor, weight: Float) throws {
        try FusedDefaults.movingAverageStep(average, source, weight: weight, on: self)
    }
    public func _runningStatisticsUpdate(mean: Tensor, variance: Tensor, batchMean: Tensor, batchVariance: Tensor,
                                         momentum: Float, count: Float) throws {
        try FusedDefaults.runningStatisticsUpdate(mean: mean, variance: variance, batchMean: batchMean,
                                                  batchVariance: batchVariance, momentum: momentum, count: count, on: self)
    }
}
