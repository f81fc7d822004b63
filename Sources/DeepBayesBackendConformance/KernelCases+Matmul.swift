import DeepBayesCore

extension KernelCases {
    public static let matmul: [KernelCase] = {
        var cases: [KernelCase] = []
        let sizes: [(Int, Int, Int, Int)] = [  // batch, m, n, k
            (1, 1, 1, 1), (1, 3, 17, 257), (1, 17, 3, 5), (1, 257, 17, 3), (1, 64, 48, 96),
            (1, 130, 257, 33), (1, 256, 300, 513), (3, 5, 7, 9), (2, 17, 1, 257),
            (1, 17, 5, 64), (1, 3, 7, 32), (1, 130, 33, 48),  // k % 16 == 0 with m, n not multiples of 4 or 16
            (1, 9, 32, 1030),  // a depth at which the OpenCL panel GEMM packs both operands
        ]
        var random = HostRandom(seed: 1)
        for (batch, m, n, k) in sizes {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let g = MatmulGeometry(batch: batch, m: m, n: n, k: k, transposeA: ta, transposeB: tb)
                let a = random.array(batch * m * k), b = random.array(batch * k * n)
                let lead = batch > 1 ? [batch] : []
                let aShape = Shape(lead + (ta ? [k, m] : [m, k])), bShape = Shape(lead + (tb ? [n, k] : [k, n]))
                cases.append(KernelCase(
                    name: "matmul b\(batch) \(m)x\(n)x\(k)\(ta ? " Aᵀ" : "")\(tb ? " Bᵀ" : "")",
                    tolerance: Tolerance.reduction(k),
                    run: { try $0.matmul(upload($0, a, aShape), upload($0, b, bShape), transposeA: ta, transposeB: tb).toArray() },
                    reference: { Reference.matmul(a.map(Double.init), b.map(Double.init), g) }))
            }
        }
        return cases
    }()
}
