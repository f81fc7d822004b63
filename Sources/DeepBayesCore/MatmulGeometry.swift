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
