import DeepBayesCore

extension KernelCases {
    /// The SDK's newer kernels: `assign`, `rowMaximum`, `expand` and the running-statistics update.
    public static let primitives: [KernelCase] = {
        var cases: [KernelCase] = []
        var random = HostRandom(seed: 12)
        for count in [1, 17, 4099] {
            let x = random.array(count), y = random.array(count)
            cases.append(KernelCase(
                name: "assign [\(count)]", tolerance: 0,
                run: { backend in
                    let destination = try upload(backend, x, [count])
                    try backend.assign(destination, from: upload(backend, y, [count]))
                    return try destination.toArray()
                },
                reference: { y.map(Double.init) }))
        }
        for (rows, columns) in [(1, 1), (3, 17), (257, 10)] {
            let x = random.array(rows * columns, -5, 5)
            cases.append(KernelCase(
                name: "rowMaximum [\(rows), \(columns)]", tolerance: 0,
                run: { try $0.rowMaximum(upload($0, x, [rows, columns])).toArray() },
                reference: { (0..<rows).map { r in Double(x[(r * columns)..<((r + 1) * columns)].max()!) } }))
        }
        for (shape, yShape, axis) in [(Shape([5, 17]), Shape([17]), 1), ([2, 3, 4, 5], [3], 1), ([257, 3], [257], 0), ([4, 7], [1], nil)] as [(Shape, Shape, Int?)] {
            let y = random.array(yShape.count)
            let b = try! Broadcast(x: shape, y: yShape, axis: axis, operation: "test")
            cases.append(KernelCase(
                name: "expand \(yShape) to \(shape)", tolerance: 0,
                run: { try $0.expand(upload($0, y, yShape), to: shape, alongAxis: axis).toArray() },
                reference: { (0..<shape.count).map { Double(y[($0 / b.inner) % b.period]) } }))
        }
        for features in [1, 33] {
            let mean = random.array(features), variance = random.array(features, 0.5, 2)
            let batchMean = random.array(features), batchVariance = random.array(features, 0, 3)
            let momentum: Float = 0.1, count: Float = 64
            cases.append(KernelCase(
                name: "updateRunningStatistics [\(features)]", tolerance: Tolerance.elementwise,
                run: { backend in
                    let m = try upload(backend, mean, [features]), v = try upload(backend, variance, [features])
                    try backend.updateRunningStatistics(mean: m, variance: v, batchMean: upload(backend, batchMean, [features]),
                                                        batchVariance: upload(backend, batchVariance, [features]),
                                                        momentum: momentum, count: count)
                    return try m.toArray() + v.toArray()
                },
                reference: {
                    let m = Double(momentum), correction = Double(count) / Double(count - 1)
                    let means: [Double] = (0..<features).map { i in
                        let old = Double(mean[i])
                        return old + m * (Double(batchMean[i]) - old)
                    }
                    let variances: [Double] = (0..<features).map { i in
                        let old = Double(variance[i])
                        return old + m * (Double(batchVariance[i]) * correction - old)
                    }
                    return means + variances
                }))
        }
        return cases
    }()
}
