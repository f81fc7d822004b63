/// The sizes of `C = op(A) · op(B)`, possibly batched, with `op` the identity or a transpose.
public struct MatmulGeometry: Hashable, Sendable {
    /// Number of independent products (1 when both operands are matrices).
    public let batch: Int
    /// Rows of `op(A)` and of `C`.
    public let m: Int
    /// Columns of `op(B)` and of `C`.
    public let n: Int
    /// The shared (reduction) dimension.
    public let k: Int
    /// `A` is stored `[k, m]` and used transposed.
    public let transposeA: Bool
    /// `B` is stored `[n, k]` and used transposed.
    public let transposeB: Bool

    /// Works out the geometry from the stored shapes: both rank 2, or both rank 3 with equal
    /// batch.
    public init(a: Shape, b: Shape, transposeA: Bool, transposeB: Bool) throws {
        guard (a.rank == 2 && b.rank == 2) || (a.rank == 3 && b.rank == 3 && a[0] == b[0]) else {
            throw DeepBayesError.shapeMismatch(operation: "matmul", reason: "operands \(a) and \(b) must both be matrices or batches of the same size")
        }
        let r = a.rank
        let (m, ka) = transposeA ? (a[r - 1], a[r - 2]) : (a[r - 2], a[r - 1])
        let (kb, n) = transposeB ? (b[r - 1], b[r - 2]) : (b[r - 2], b[r - 1])
        guard ka == kb else {
            throw DeepBayesError.shapeMismatch(operation: "matmul", reason: "inner dimensions differ: \(a)\(transposeA ? "ᵀ" : "") · \(b)\(transposeB ? "ᵀ" : "")")
        }
        self.init(batch: r == 3 ? a[0] : 1, m: m, n: n, k: ka, transposeA: transposeA, transposeB: transposeB)
    }

    /// A geometry from its sizes directly (benchmarks); every size must be at least 1.
    public init(batch: Int = 1, m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false) {
        self.batch = batch
        self.m = m
        self.n = n
        self.k = k
        self.transposeA = transposeA
        self.transposeB = transposeB
    }

    /// Floating-point operations of the product (2·batch·m·n·k).
    public var flops: Double { 2 * Double(batch) * Double(m) * Double(n) * Double(k) }
}

/// Matrix multiplication.
public protocol MatmulKernels {
    /// `C[b, i, j] = Σ_p op(A)[b, i, p] · op(B)[b, p, j]`, accumulated in `Float`.
    /// Returns `[m, n]`, or `[batch, m, n]` for rank-3 operands.
    func matmul(_ a: Tensor, _ b: Tensor, geometry: MatmulGeometry) throws -> Tensor
}

extension MatmulKernels where Self: TensorStorageKernels {
    /// `op(A) · op(B)` for matrices `[m, k]·[k, n]` or batches `[B, m, k]·[B, k, n]`;
    /// `transposeA` reads `A` as stored `[k, m]`, `transposeB` reads `B` as `[n, k]`.
    public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
        try checkOwnership("matmul", a, b)
        let geometry = try MatmulGeometry(a: a.shape, b: b.shape, transposeA: transposeA, transposeB: transposeB)
        return try matmul(a, b, geometry: geometry)
    }
}
