import DeepBayesBackends

/// The convolutions of a small MNIST conv net with batch 64: 1→32 and 32→64 channels, 3x3,
/// padding 1, on 28x28 inputs; forward and both backward passes.
enum ConvBenchmarks {
    enum Pass: String, CaseIterable {
        case forward = "conv2d", backwardData = "conv2dBackwardData", backwardFilter = "conv2dBackwardFilter"
    }

    static func all() -> [Benchmark] {
        var random = BenchRandom(seed: 2)
        var list: [Benchmark] = []
        for (inChannels, outChannels) in [(1, 32), (32, 64)] {
            let g = try! Conv2DGeometry(input: [64, inChannels, 28, 28], filter: [outChannels, inChannels, 3, 3],
                                        stride: (1, 1), padding: (1, 1))
            let x = random.array(g.inputShape.count), w = random.array(g.filterShape.count)
            let dy = random.array(g.outputShape.count)
            let label = "64x\(inChannels)x28x28 * \(outChannels)x\(inChannels)x3x3 pad 1"
            for pass in Pass.allCases {
                list.append(Benchmark(kernel: pass.rawValue, shape: label, work: .flops(g.flops),
                                      yardstick: .openBLASConvolution(g, pass: pass, x: x, w: w, dy: dy)) { backend in
                    let (xt, wt, dyt) = (try backend.tensor(x, shape: g.inputShape), try backend.tensor(w, shape: g.filterShape),
                                         try backend.tensor(dy, shape: g.outputShape))
                    let (stride, padding) = ((g.strideY, g.strideX), (g.padY, g.padX))
                    switch pass {
                    case .forward:
                        return { [try backend.conv2d(xt, wt, stride: stride, padding: padding)] }
                    case .backwardData:
                        return { [try backend.conv2dBackwardData(dyt, wt, inputShape: g.inputShape, stride: stride, padding: padding)] }
                    case .backwardFilter:
                        return { [try backend.conv2dBackwardFilter(xt, dyt, filterShape: g.filterShape, stride: stride, padding: padding)] }
                    }
                })
            }
        }
        return list
    }
}
