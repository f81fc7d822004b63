extension Backend {
    /// `op(A) · op(B)` for matrices `[m, k]·[k, n]` or batches `[B, m, k]·[B, k, n]`;
    /// `transposeA` reads `A` as stored `[k, m]`, `transposeB` reads `B` as `[n, k]`.
    public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
        try checkOwnership("matmul", a, b)
        let geometry = try MatmulGeometry(a: a.shape, b: b.shape, transposeA: transposeA, transposeB: transposeB)
        return try _matmul(a, b, geometry: geometry)
    }
}
