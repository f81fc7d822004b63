/// A read-only view of a row-major matrix `X` used as `op(X)` in a product: element `(r, c)`
/// of the logical matrix is `X[r, c] = base[r·ld + c]`, or `X[c, r] = base[c·ld + r]` when
/// `transposed`.
struct GEMMOperand {
    /// The first stored element.
    let base: UnsafePointer<Float>
    /// The distance between consecutive stored rows (the leading dimension).
    let ld: Int
    /// Whether the logical matrix is the transpose of the stored one.
    let transposed: Bool

    /// The view whose element `(0, 0)` is this view's element `(row, column)`.
    @inline(__always)
    func offset(row: Int, column: Int) -> GEMMOperand {
        GEMMOperand(base: base + (transposed ? column * ld + row : row * ld + column), ld: ld, transposed: transposed)
    }
}
