extension Backend {
    /// Applies `op` to every element.
    public func apply(_ op: UnaryOp, _ x: Tensor) throws -> Tensor {
        try checkOwnership("unary", x)
        return try _unary(op, x)
    }

    /// The gradient of `apply(op, x)`.
    public func applyBackward(_ op: UnaryOp, _ x: Tensor, gradOutput: Tensor) throws -> Tensor {
        try checkOwnership("unaryBackward", x, gradOutput)
        try requireShape(gradOutput, x.shape, "unaryBackward", "gradOutput")
        return try _unaryBackward(op, x, gradOutput)
    }

    /// `x op y` for equal shapes, a one-element `y`, or a `y` spanning `axis` of `x`
    /// (a bias: `axis = rank - 1` for matrices, `axis = 1` for NCHW channels).
    public func combine(_ op: BinaryOp, _ x: Tensor, _ y: Tensor, alongAxis axis: Int? = nil) throws -> Tensor {
        try checkOwnership("binary", x, y)
        return try _binary(op, x, y, broadcast: Broadcast(x: x.shape, y: y.shape, axis: axis, operation: "binary"))
    }

    /// `scale·x + shift`.
    public func scaled(_ x: Tensor, by scale: Float, plus shift: Float = 0) throws -> Tensor {
        try checkOwnership("affine", x)
        return try _affine(x, scale: scale, shift: shift)
    }
}

extension Backend {
    /// `y` repeated to `shape` as `combine` would broadcast it against a tensor of `shape`:
    /// the full tensor, or `y` itself reshaped when `y` already has `shape`'s element count.
    public func expand(_ y: Tensor, to shape: Shape, alongAxis axis: Int? = nil) throws -> Tensor {
        try checkOwnership("expand", y)
        try capabilities.checkAllocation(floats: shape.count, on: name)
        return try _expand(y, to: shape, broadcast: Broadcast(x: shape, y: y.shape, axis: axis, operation: "expand"))
    }
}
