import DeepBayesCore

/// `LayerKernels` (`Kernels/layers.cl`): the bias add with its activation and the gradient of
/// the statistics, one work-item per 16 elements; the bias add's gradient and batch
/// normalization's statistics, one work-group of `featureGroup` work-items per feature of
/// axis 1 (the bias sum fused into the gradient's kernel). Where `featureGroupReductions` is
/// off (CPU devices, where PoCL runs a barrier per work-item and thousands of small groups cost
/// more than the launch they save) or the device's groups cannot be that large, the bias
/// gradient is instead `sum_broadcast` of the input gradient (kernel
/// `bias_activation_input_gradient`), and the statistics run by their `FusedDefaults`.
///
/// Fusing the bias sum costs no parallelism: the `sumBroadcast` it replaces runs one work-item
/// per feature, the fused kernel `featureGroup` of them per feature, and its gradient, written
/// by those work-items, is one launch instead of two.
extension OpenCLBackend {
    /// The work-items of a per-feature group (a power of two): enough that a batch of 128 rows
    /// gives each work-item one value of each feature, and within every device's group limit.
    static let featureGroup = 128

    /// The build options of `Kernels/layers.cl`.
    private static let layerOptions = "-DFEATURE_GROUP=\(featureGroup)"

    /// `y = act(x + b)` (kernel `bias_activation`).
    public func _biasActivation(_ x: Tensor, _ bias: Tensor, _ activation: UnaryOp, broadcast: Broadcast) throws -> Tensor {
        let (y, out) = try makeTensor(x.shape)
        try launch(.layers, "bias_activation", options: Self.layerOptions, global: [chunks(x.count)],
                   [.int(Int(activation.code)), .buffer(try buffer(x)), .buffer(try buffer(bias)), .buffer(out), .int(x.count),
                    .int(broadcast.inner), .int(broadcast.period)])
        return y
    }

    /// `∂L/∂x = g · act'(x + b)` and `∂L/∂b` in one launch (kernel `bias_activation_backward`).
    public func _biasActivationBackward(_ x: Tensor, _ bias: Tensor, _ activation: UnaryOp, _ gradOutput: Tensor,
                                        broadcast: Broadcast) throws -> (input: Tensor, bias: Tensor) {
        guard try fitsFeatureGroup("bias_activation_backward") else {
            let (gradInput, inputOut) = try makeTensor(x.shape)
            try launch(.layers, "bias_activation_input_gradient", options: Self.layerOptions, global: [chunks(x.count)],
                       [.int(Int(activation.code)), .buffer(try buffer(x)), .buffer(try buffer(bias)), .buffer(try buffer(gradOutput)),
                        .buffer(inputOut), .int(x.count), .int(broadcast.inner), .int(broadcast.period)])
            return (gradInput, try _sumBroadcast(gradInput, broadcast: broadcast))
        }
        let (gradInput, inputOut) = try makeTensor(x.shape), (gradBias, biasOut) = try makeTensor([broadcast.period])
        try launch(.layers, "bias_activation_backward", options: Self.layerOptions, global: [broadcast.period * Self.featureGroup],
                   local: [Self.featureGroup],
                   [.int(Int(activation.code)), .buffer(try buffer(x)), .buffer(try buffer(bias)), .buffer(try buffer(gradOutput)),
                    .buffer(inputOut), .buffer(biasOut), .int(broadcast.inner), .int(broadcast.period), .int(x.count / broadcast.period)])
        return (gradInput, gradBias)
    }

    /// The per-feature mean and biased variance, two passes in one launch (kernel `batch_norm_statistics`).
    public func _batchNormStatistics(_ x: Tensor, broadcast: Broadcast) throws -> (mean: Tensor, variance: Tensor) {
        guard try fitsFeatureGroup("batch_norm_statistics") else {
            return try FusedDefaults.batchNormStatistics(x, broadcast: broadcast, on: self)
        }
        let values = x.count / broadcast.period
        let (mean, meanOut) = try makeTensor([broadcast.period]), (variance, varianceOut) = try makeTensor([broadcast.period])
        try launch(.layers, "batch_norm_statistics", options: Self.layerOptions, global: [broadcast.period * Self.featureGroup],
                   local: [Self.featureGroup],
                   [.buffer(try buffer(x)), .buffer(meanOut), .buffer(varianceOut), .int(broadcast.inner), .int(broadcast.period),
                    .int(values), .float(1 / Float(values))])
        return (mean, variance)
    }

    /// `∂L/∂x = ((x - μ)·∂L/∂σ²)·(2/n) + ∂L/∂μ·(1/n)` (kernel `batch_norm_statistics_backward`).
    public func _batchNormStatisticsBackward(_ x: Tensor, _ mean: Tensor, _ gradMean: Tensor, _ gradVariance: Tensor,
                                             broadcast: Broadcast) throws -> Tensor {
        let (gradInput, out) = try makeTensor(x.shape)
        try launch(.layers, "batch_norm_statistics_backward", options: Self.layerOptions, global: [chunks(x.count)],
                   [.buffer(try buffer(x)), .buffer(try buffer(mean)), .buffer(try buffer(gradMean)), .buffer(try buffer(gradVariance)),
                    .buffer(out), .int(x.count), .int(broadcast.inner), .int(broadcast.period), .float(1 / Float(x.count / broadcast.period))])
        return gradInput
    }

    /// Whether kernel `name` of `layers.cl` runs in groups of `featureGroup` here: when
    /// `featureGroupReductions` is on and the device and the kernel allow groups that large.
    private func fitsFeatureGroup(_ name: String) throws -> Bool {
        guard featureGroupReductions else { return false }
        lock.lock()
        defer { lock.unlock() }
        return try workGroupOverflow(Self.featureGroup, kernel: try programs.kernel(.layers, name, options: Self.layerOptions)) == nil
    }
}
