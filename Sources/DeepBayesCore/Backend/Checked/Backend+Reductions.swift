/// Reductions and the softmax family.
extension Backend {
    /// Sums `x` down to the axis `axis` (shape `[x.shape[axis]]`), or to a scalar when `axis` is nil:
    /// the gradient of a bias that `combine(_:_:_:alongAxis:)` broadcast.
    public func sum(_ x: Tensor, keepingAxis axis: Int?) throws -> Tensor {
        try checkOwnership("sum", x)
        guard let axis else { return try _sum(x) }
        guard axis >= 0, axis < x.shape.rank else {
            throw DeepBayesError.invalidArgument(operation: "sum", reason: "axis \(axis) outside \(x.shape)")
        }
        return try _sumBroadcast(x, broadcast: Broadcast(inner: x.shape.stride(of: axis), period: x.shape[axis]))
    }

    /// Softmax over the last axis (rank ≥ 1).
    public func softmax(of x: Tensor) throws -> Tensor {
        try checkOwnership("softmax", x)
        try requireRank(x, "softmax")
        return try _softmax(x)
    }

    /// Log-softmax over the last axis (rank ≥ 1).
    public func logSoftmax(of x: Tensor) throws -> Tensor {
        try checkOwnership("logSoftmax", x)
        try requireRank(x, "logSoftmax")
        return try _logSoftmax(x)
    }

    /// The gradient of `softmax(of:)` given its output.
    public func softmaxBackward(output: Tensor, gradOutput: Tensor) throws -> Tensor {
        try checkOwnership("softmaxBackward", output, gradOutput)
        try requireShape(gradOutput, output.shape, "softmaxBackward", "gradOutput")
        try requireRank(output, "softmaxBackward")
        return try _softmaxBackward(output, gradOutput)
    }

    /// The gradient of `logSoftmax(of:)` given its output.
    public func logSoftmaxBackward(output: Tensor, gradOutput: Tensor) throws -> Tensor {
        try checkOwnership("logSoftmaxBackward", output, gradOutput)
        try requireShape(gradOutput, output.shape, "logSoftmaxBackward", "gradOutput")
        try requireRank(output, "logSoftmaxBackward")
        return try _logSoftmaxBackward(output, gradOutput)
    }

    private func requireRank(_ x: Tensor, _ operation: String) throws {
        guard x.shape.rank >= 1 else {
            throw DeepBayesError.shapeMismatch(operation: operation, reason: "needs at least one axis, got a scalar")
        }
    }
}

extension Backend {
    /// The largest element of each row of `x` (its last axis), shape `[x.count / columns]`.
    public func rowMaximum(_ x: Tensor) throws -> Tensor {
        try checkOwnership("rowMaximum", x)
        guard x.shape.rank >= 1, x.shape[x.shape.rank - 1] >= 1 else {
            throw DeepBayesError.shapeMismatch(operation: "rowMaximum", reason: "needs a non-empty last axis, got \(x.shape)")
        }
        return try _rowMaximum(x, columns: x.shape[x.shape.rank - 1])
    }
}
