import DeepBayesCore

extension CPUBackend {
    /// `C[b, i, j] = Σ_p op(A)[b, i, p] · op(B)[b, p, j]` by `sgemm`, one product per batch entry.
    /// A batch at least as large as the thread count runs one whole product per thread;
    /// otherwise each product is split across the threads.
    public func _matmul(_ a: Tensor, _ b: Tensor, geometry g: MatmulGeometry) throws -> Tensor {
        let shape: Shape = a.shape.rank == 3 ? [g.batch, g.m, g.n] : [g.m, g.n]
        let (result, c) = try makeTensor(shape)
        let pa = try buffer(a).pointer, pb = try buffer(b).pointer
        let lda = g.transposeA ? g.m : g.k
        let ldb = g.transposeB ? g.k : g.n
        func product(_ index: Int, parallel: Bool) {
            sgemm(m: g.m, n: g.n, k: g.k,
                  a: pa + index * g.m * g.k, lda: lda, transA: g.transposeA,
                  b: pb + index * g.k * g.n, ldb: ldb, transB: g.transposeB,
                  c: c + index * g.m * g.n, ldc: g.n, accumulate: false, parallel: parallel)
        }
        if g.batch > 1 && g.batch >= Parallel.threadCount {
            Parallel.forEachChunk(g.batch, costPerItem: 2 * g.m * g.n * g.k) { range in
                for index in range { product(index, parallel: false) }
            }
        } else {
            for index in 0..<g.batch { product(index, parallel: true) }
        }
        return result
    }
}
