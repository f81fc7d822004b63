/// The vocabulary the fused-kernel defaults are written in: whole-tensor arithmetic made of
/// the primitives of one backend, so that each default reads like its formula.
///
/// Every operation allocates its result; the defaults trade speed for brevity, and a backend
/// that needs speed overrides the fused kernel.
struct Composer {
    let backend: any BackendPrimitives

    init(_ backend: any BackendPrimitives) { self.backend = backend }

    func constant(_ value: Float) throws -> Tensor { try backend._filled([1], value: value) }

    func map(_ op: UnaryOp, _ x: Tensor) throws -> Tensor { try backend._unary(op, x) }

    /// `x op y` for equal counts, or a one-element `y`.
    func zip(_ op: BinaryOp, _ x: Tensor, _ y: Tensor) throws -> Tensor {
        try backend._binary(op, x, y, broadcast: Broadcast(inner: 1, period: y.count == 1 ? 1 : x.count))
    }

    func add(_ x: Tensor, _ y: Tensor) throws -> Tensor { try zip(.add, x, y) }
    func subtract(_ x: Tensor, _ y: Tensor) throws -> Tensor { try zip(.subtract, x, y) }
    func multiply(_ x: Tensor, _ y: Tensor) throws -> Tensor { try zip(.multiply, x, y) }
    func divide(_ x: Tensor, _ y: Tensor) throws -> Tensor { try zip(.divide, x, y) }

    /// `x · s` and `x + s` for a host scalar `s`.
    func multiply(_ x: Tensor, _ s: Float) throws -> Tensor { try zip(.multiply, x, constant(s)) }
    func add(_ x: Tensor, _ s: Float) throws -> Tensor { try zip(.add, x, constant(s)) }

    /// `1 / x`.
    func reciprocal(_ x: Tensor) throws -> Tensor { try divide(backend._filled(x.shape, value: 1), x) }

    /// `a·x + c` for host scalars.
    func affine(_ x: Tensor, _ a: Float, _ c: Float) throws -> Tensor { try add(multiply(x, a), c) }

    /// The number of rows of `x` seen as `[rows, columns]` with `columns` its last axis.
    func rows(_ x: Tensor) -> (rows: Int, columns: Int) {
        let columns = x.shape.rank == 0 ? 1 : x.shape[x.shape.rank - 1]
        return (columns == 0 ? 0 : x.count / columns, columns)
    }

    /// `y[r] = Σ_c x[r, c]`.
    func rowSums(_ x: Tensor) throws -> Tensor {
        let (rows, columns) = rows(x)
        return try backend._sumBroadcast(x, broadcast: Broadcast(inner: columns, period: rows))
    }

    /// `x[r, c] op v[r]` for a per-row `v`.
    func perRow(_ op: BinaryOp, _ x: Tensor, _ v: Tensor) throws -> Tensor {
        let (rows, columns) = rows(x)
        return try backend._binary(op, x, v, broadcast: Broadcast(inner: columns, period: rows))
    }

    /// `oneHot[r, c] = 1` where `labels[r] = c` (labels are class indices stored as floats), from
    /// `step(½ - |c - label|)`.
    func oneHot(_ labels: Tensor, classes: Int) throws -> Tensor {
        let rows = labels.count
        let columnIndex = try backend._upload((0..<classes).map(Float.init), shape: [classes])
        let grid = try backend._binary(.add, backend._filled([rows, classes], value: 0), columnIndex,
                                       broadcast: Broadcast(inner: 1, period: classes))
        let distance = try map(.abs, backend._binary(.subtract, grid, labels, broadcast: Broadcast(inner: classes, period: rows)))
        return try map(.step, affine(distance, -1, 0.5))
    }
}
