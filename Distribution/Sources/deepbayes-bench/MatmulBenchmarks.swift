import DeepBayesBackends

/// Matmul shapes: squares, and the three products of each layer of a 784-400-400-10... MLP
/// with batch 128 (forward `X·W`, weight gradient `Xᵀ·dY`, input gradient `dY·Wᵀ`).
enum MatmulBenchmarks {
    static func geometries(quick: Bool) -> [(String, MatmulGeometry)] {
        var list: [(String, MatmulGeometry)] = (quick ? [128, 256, 512] : [128, 256, 512, 1024, 2048, 4096]).map {
            ("\($0)^3", MatmulGeometry(m: $0, n: $0, k: $0))
        }
        for (inputs, outputs) in [(784, 400), (400, 400), (400, 784)] {
            list.append(("mlp fwd 128x\(inputs)·\(inputs)x\(outputs)", MatmulGeometry(m: 128, n: outputs, k: inputs)))
            list.append(("mlp dW (\(inputs)x128)ᵀ·128x\(outputs)", MatmulGeometry(m: inputs, n: outputs, k: 128, transposeA: true)))
            list.append(("mlp dX 128x\(outputs)·(\(inputs)x\(outputs))ᵀ", MatmulGeometry(m: 128, n: inputs, k: outputs, transposeB: true)))
        }
        return list
    }

    static func shapes(_ g: MatmulGeometry) -> (Shape, Shape) {
        (g.transposeA ? [g.k, g.m] : [g.m, g.k], g.transposeB ? [g.n, g.k] : [g.k, g.n])
    }

    static func all(quick: Bool) -> [Benchmark] {
        var random = BenchRandom(seed: 1)
        return geometries(quick: quick).map { label, g in
            let (aShape, bShape) = shapes(g)
            let a = random.array(aShape.count), b = random.array(bShape.count)
            return Benchmark(kernel: "matmul", shape: label, work: .flops(g.flops), yardstick: .sgemm(g, a: a, b: b)) { backend in
                let (ta, tb) = (try backend.tensor(a, shape: aShape), try backend.tensor(b, shape: bShape))
                return { [try backend.matmul(ta, tb, transposeA: g.transposeA, transposeB: g.transposeB)] }
            }
        }
    }
}

/// SplitMix64 for benchmark inputs.
struct BenchRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func array(_ count: Int, _ lower: Float = -1, _ upper: Float = 1) -> [Float] {
        (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return lower + (upper - lower) * Float(z >> 40) * 0x1p-24
        }
    }
}
