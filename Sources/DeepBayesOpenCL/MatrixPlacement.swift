/// Where the conv kernels `im2col` and `output_matrix` put entry `(a, q)` of the matrix they
/// write (`col` with `a = r`, or `dY'` with `a = o`; `q` the output pixel): at offset
/// `part_a(a) + part_q(q)`, each part `(i / period)·outer + (i % period)·inner`.
struct MatrixPlacement {
    /// One axis: `period`, `outer`, `inner` as kernel arguments.
    struct Axis {
        let period: Int, outer: Int, inner: Int
        var arguments: [KernelArgument] { [.int(period), .int(outer), .int(inner)] }
        /// An axis that never wraps: `part(i) = i·stride`.
        static func linear(_ stride: Int) -> Axis { Axis(period: Int(Int32.max), outer: 0, inner: stride) }
        /// Whether each block of 16 indices `16t ..< 16t + 16` (below `count`) lies contiguously,
        /// so a kernel can store it as one `float16`.
        func keepsBlocks(count: Int) -> Bool { inner == 1 && (period % 16 == 0 || period >= count) }
    }

    let a: Axis, q: Axis
    /// Floats in the destination.
    let count: Int
    /// Whether some destination entries lie outside the matrix (panel padding) and must be zeroed.
    let padded: Bool

    /// The row-major `[rows, columns]` matrix (`a` indexes rows, `q` columns).
    static func rowMajor(rows: Int, columns: Int) -> MatrixPlacement {
        MatrixPlacement(a: .linear(columns), q: .linear(1), count: rows * columns, padded: false)
    }

    /// The row-major `[rows, columns]` matrix with its columns cut into chunks of `chunk`,
    /// stored as the batch `[⌈columns/chunk⌉, rows, chunk]` of row-major matrices (the last
    /// zero-padded past column `columns`): the operands of a split-K product. With
    /// `chunk = columns` it is `rowMajor`.
    static func chunked(rows: Int, columns: Int, chunk: Int) -> MatrixPlacement {
        let chunks = (columns + chunk - 1) / chunk
        return MatrixPlacement(a: .linear(chunk), q: Axis(period: chunk, outer: rows * chunk, inner: 1),
                               count: chunks * rows * chunk, padded: chunks * chunk != columns)
    }

    /// The matmul panel layout (`pack`, `panel_offset`) of `L` = the `[aCount, qCount]` matrix,
    /// or its transpose when `transposed`: panels of `width` rows of `L`, its depth split into
    /// chunks of `chunk` that form the batch.
    static func panels(aCount: Int, qCount: Int, width: Int, chunk: Int, transposed: Bool) -> MatrixPlacement {
        let (rows, depth) = transposed ? (qCount, aCount) : (aCount, qCount)
        let panels = (rows + width - 1) / width, chunks = (depth + chunk - 1) / chunk
        let row = Axis(period: width, outer: chunk * width, inner: 1)
        let deep = Axis(period: chunk, outer: panels * chunk * width, inner: width)
        return MatrixPlacement(a: transposed ? deep : row, q: transposed ? row : deep, count: panels * width * chunks * chunk,
                               padded: panels * width != rows || chunks * chunk != depth)
    }
}
