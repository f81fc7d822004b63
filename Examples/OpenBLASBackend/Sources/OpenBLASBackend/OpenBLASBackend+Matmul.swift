import DeepBayesCore

extension OpenBLASBackend {
    /// `C[b, i, j] = Σ_p op(A)[b, i, p] · op(B)[b, p, j]`: one `cblas_sgemm` per batch entry
    /// `b`, on the `b`-th `[m, k]` (or `[k, m]`) block of `A` and `[k, n]` (or `[n, k]`) block
    /// of `B`. Returns `[m, n]`, or `[batch, m, n]` for a batch or rank-3 operands.
    public func _matmul(_ a: Tensor, _ b: Tensor, geometry g: MatmulGeometry) throws -> Tensor {
        let left = try values(a), right = try values(b)
        let aBlock = g.m * g.k, bBlock = g.k * g.n, cBlock = g.m * g.n
        var product = [Float](repeating: 0, count: g.batch * cBlock)
        try left.withUnsafeBufferPointer { left in
            try right.withUnsafeBufferPointer { right in
                try product.withUnsafeMutableBufferPointer { product in
                    for entry in 0..<g.batch {
                        try SGEMM.multiply(m: g.m, n: g.n, k: g.k,
                                           left.baseAddress! + entry * aBlock, transposeA: g.transposeA,
                                           right.baseAddress! + entry * bBlock, transposeB: g.transposeB,
                                           into: product.baseAddress! + entry * cBlock)
                    }
                }
            }
        }
        let batched = g.batch > 1 || a.shape.rank == 3
        return tensor(batched ? [g.batch, g.m, g.n] : [g.m, g.n], product)
    }
}
