import DeepBayesCore

extension KernelCases {
    /// The batch shapes of the layer cases, features on axis 1: single values and features,
    /// odd sizes, a batch of 129 rows, NCHW maps with single and odd planes, and one image of
    /// a few long maps (fewer reduction pieces than a CPU's threads).
    public static let featureShapes: [Shape] = [
        [1, 1], [3, 7], [17, 33], [129, 20], [1, 1, 1, 1], [2, 3, 4, 5], [3, 5, 1, 7], [9, 16, 6, 6], [1, 8, 40, 40],
    ]

    /// Inputs `x` for a bias `b` whose sums `x + b` sit on and around the activations' kink at
    /// 0: every third exactly `-b_j`, every third within 0.01 of it, the rest over -4…4.
    static func aroundKinks(_ shape: Shape, bias: [Float], _ random: inout HostRandom) -> [Float] {
        let broadcast = Broadcast(inner: shape.stride(of: 1), period: shape[1])
        return (0..<shape.count).map { i in
            let b = bias[Reference.feature(i, broadcast)]
            switch i % 3 {
            case 0: return -b
            case 1: return -b + random.uniform(-0.01, 0.01)
            default: return random.uniform(-4, 4)
            }
        }
    }

    /// The bias add with each activation and its gradient (`Tolerance.transcendental`; the bias
    /// gradient sums a feature's `n` values: `Tolerance.reduction(n)`), and the batch statistics
    /// and their gradient (sums of `n`: `Tolerance.reduction(n)`), on every shape of
    /// `featureShapes`; and the variance alone of values 500 ± 1, which the naive
    /// `E[x²] - E[x]²` would lose to cancellation.
    public static let layers: [KernelCase] = {
        var cases: [KernelCase] = []
        var random = HostRandom(seed: 13)
        for shape in featureShapes {
            let broadcast = Broadcast(inner: shape.stride(of: 1), period: shape[1]), n = shape.count / shape[1]
            let features: Shape = [shape[1]]
            for activation in UnaryOp.activations {
                let b = random.array(shape[1], -2, 2), x = aroundKinks(shape, bias: b, &random), g = random.array(shape.count)
                let (xD, bD, gD) = (x.map(Double.init), b.map(Double.init), g.map(Double.init))
                cases.append(KernelCase(
                    name: "biasActivation \(activation) \(shape)", tolerance: Tolerance.transcendental,
                    run: { try $0.biasActivation(upload($0, x, shape), bias: upload($0, b, features), activation: activation).toArray() },
                    reference: { Reference.biasActivation(xD, bD, activation, broadcast) }))
                cases.append(KernelCase(
                    name: "biasActivationBackward \(activation) \(shape)", tolerance: Tolerance.reduction(n),
                    run: { backend in
                        let grads = try backend.biasActivationBackward(upload(backend, x, shape), bias: upload(backend, b, features),
                                                                       activation: activation, gradOutput: upload(backend, g, shape))
                        return try grads.input.toArray() + grads.bias.toArray()
                    },
                    reference: { let grads = Reference.biasActivationBackward(xD, bD, activation, gD, broadcast); return grads.input + grads.bias }))
            }
            let offsets = random.array(shape[1], -2, 2)
            let x = (0..<shape.count).map { random.uniform(-3, 3) + offsets[Reference.feature($0, broadcast)] }
            let xD = x.map(Double.init)
            cases.append(KernelCase(
                name: "batchNormStatistics \(shape)", tolerance: Tolerance.reduction(n),
                run: { backend in let (mean, variance) = try backend.batchNormStatistics(upload(backend, x, shape)); return try mean.toArray() + variance.toArray() },
                reference: { let statistics = Reference.batchNormStatistics(xD, broadcast); return statistics.mean + statistics.variance }))
            let mean = Reference.batchNormStatistics(xD, broadcast).mean.map(Float.init)
            let gradMean = random.array(shape[1]), gradVariance = random.array(shape[1])
            cases.append(KernelCase(
                name: "batchNormStatisticsBackward \(shape)", tolerance: Tolerance.reduction(n),
                run: { backend in
                    try backend.batchNormStatisticsBackward(upload(backend, x, shape), mean: upload(backend, mean, features),
                                                            gradMean: upload(backend, gradMean, features),
                                                            gradVariance: upload(backend, gradVariance, features)).toArray()
                },
                reference: {
                    Reference.batchNormStatisticsBackward(xD, mean.map(Double.init), gradMean.map(Double.init), gradVariance.map(Double.init), broadcast)
                }))
        }
        let shape: Shape = [257, 3], broadcast = Broadcast(inner: 1, period: 3)
        let x = random.array(shape.count, 499, 501)
        cases.append(KernelCase(
            name: "batchNormStatistics variance of 500 ± 1 \(shape)", tolerance: Tolerance.reduction(257),
            run: { try $0.batchNormStatistics(upload($0, x, shape)).variance.toArray() },
            reference: { Reference.batchNormStatistics(x.map(Double.init), broadcast).variance }))
        return cases
    }()
}
