import DeepBayesCore

extension OpenCLBackend {
    /// `y = op(x)` with kernel `unary` (`op.code` selects the function).
    public func _unary(_ op: UnaryOp, _ x: Tensor) throws -> Tensor {
        let (y, out) = try makeTensor(x.shape)
        try launch(.elementwise, "unary", global: [chunks(x.count)], [.int(Int(op.code)), .buffer(try buffer(x)), .buffer(out), .int(x.count)])
        return y
    }

    /// `∂L/∂x = g·op'(x)` with kernel `unary_backward`.
    public func _unaryBackward(_ op: UnaryOp, _ x: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        let (dx, out) = try makeTensor(x.shape)
        try launch(.elementwise, "unary_backward", global: [chunks(x.count)],
                   [.int(Int(op.code)), .buffer(try buffer(x)), .buffer(try buffer(gradOutput)), .buffer(out), .int(x.count)])
        return dx
    }

    /// `z[i] = x[i] op y[(i / inner) % period]` with kernel `binary`.
    public func _binary(_ op: BinaryOp, _ x: Tensor, _ y: Tensor, broadcast: Broadcast) throws -> Tensor {
        let (z, out) = try makeTensor(x.shape)
        try launch(.elementwise, "binary", global: [chunks(x.count)],
                   [.int(Int(op.code)), .buffer(try buffer(x)), .buffer(try buffer(y)), .buffer(out), .int(x.count),
                    .int(broadcast.inner), .int(broadcast.period)])
        return z
    }

    /// `y = scale·x + shift` with kernel `affine`.
    public func _affine(_ x: Tensor, scale: Float, shift: Float) throws -> Tensor {
        let (y, out) = try makeTensor(x.shape)
        try launch(.elementwise, "affine", global: [chunks(x.count)], [.buffer(try buffer(x)), .buffer(out), .int(x.count), .float(scale), .float(shift)])
        return y
    }
}
