import DeepBayesCore

extension KernelCases {
    /// (input NCHW, filter OCHW, stride, padding)
    public static let convolutionGeometries: [(Shape, Shape, (Int, Int), (Int, Int))] = [
        ([1, 1, 1, 1], [1, 1, 1, 1], (1, 1), (0, 0)),
        ([2, 3, 17, 17], [5, 3, 3, 3], (1, 1), (1, 1)),
        ([3, 2, 9, 8], [4, 2, 3, 5], (2, 1), (1, 2)),
        ([1, 4, 28, 28], [8, 4, 3, 3], (2, 2), (1, 1)),
        ([4, 3, 28, 28], [16, 3, 3, 3], (1, 1), (1, 1)),
        ([2, 6, 7, 7], [3, 6, 4, 4], (2, 2), (1, 1)),
    ]

    public static let convolution: [KernelCase] = {
        var cases: [KernelCase] = []
        var random = HostRandom(seed: 2)
        for (inputShape, filterShape, stride, padding) in convolutionGeometries {
            let g = try! Conv2DGeometry(input: inputShape, filter: filterShape, stride: stride, padding: padding)
            let x = random.array(inputShape.count), w = random.array(filterShape.count)
            let dy = random.array(g.outputShape.count)
            let label = "\(inputShape)*\(filterShape) s\(stride) p\(padding)"
            let reductionForward = g.inChannels * g.kernelHeight * g.kernelWidth
            cases.append(KernelCase(
                name: "conv2d \(label)", tolerance: Tolerance.reduction(reductionForward),
                run: { try $0.conv2d(upload($0, x, inputShape), upload($0, w, filterShape), stride: stride, padding: padding).toArray() },
                reference: { Reference.conv2d(x.map(Double.init), w.map(Double.init), g) }))
            cases.append(KernelCase(
                name: "conv2dBackwardData \(label)", tolerance: Tolerance.reduction(g.outChannels * g.kernelHeight * g.kernelWidth),
                run: {
                    try $0.conv2dBackwardData(upload($0, dy, g.outputShape), upload($0, w, filterShape),
                                              inputShape: inputShape, stride: stride, padding: padding).toArray()
                },
                reference: { Reference.conv2dBackwardData(dy.map(Double.init), w.map(Double.init), g) }))
            cases.append(KernelCase(
                name: "conv2dBackwardFilter \(label)", tolerance: Tolerance.reduction(g.batch * g.outHeight * g.outWidth),
                run: {
                    try $0.conv2dBackwardFilter(upload($0, x, inputShape), upload($0, dy, g.outputShape),
                                                filterShape: filterShape, stride: stride, padding: padding).toArray()
                },
                reference: { Reference.conv2dBackwardFilter(x.map(Double.init), dy.map(Double.init), g) }))
        }
        return cases
    }()
}
