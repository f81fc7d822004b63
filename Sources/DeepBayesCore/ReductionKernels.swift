/// Reductions and the softmax family.
public protocol ReductionKernels {
    /// `Σ_i x[i]` as a scalar tensor (shape `[]`).
    func sum(_ x: Tensor) throws -> Tensor
    /// The adjoint of broadcasting: `y[j] = Σ_{i : (i / inner) % period == j} x[i]`, shape `[period]`.
    func sumBroadcast(_ x: Tensor, broadcast: Broadcast) throws -> Tensor
    /// Softmax over the last axis: `y[r, c] = e^{x[r,c] - max_r} / Σ_c' e^{x[r,c'] - max_r}`.
    func softmax(_ x: Tensor) throws -> Tensor
    /// `log softmax` over the last axis, `x - max - log Σ e^{x - max}`.
    func logSoftmax(_ x: Tensor) throws -> Tensor
    /// Given `y = softmax(x)`: `∂L/∂x[r, c] = y[r, c] · (g[r, c] - Σ_c' g[r, c'] y[r, c'])`.
    func softmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor
    /// Given `y = logSoftmax(x)`: `∂L/∂x[r, c] = g[r, c] - e^{y[r, c]} Σ_c' g[r, c']`.
    func logSoftmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor
}

extension ReductionKernels where Self: TensorStorageKernels {
    /// Sums `x` down to the axis `axis` (shape `[x.shape[axis]]`), or to a scalar when `axis` is nil:
    /// the gradient of a bias that `combine(_:_:_:alongAxis:)` broadcast.
    public func sum(_ x: Tensor, keepingAxis axis: Int?) throws -> Tensor {
        try checkOwnership("sum", x)
        guard let axis else { return try sum(x) }
        guard axis >= 0, axis < x.shape.rank else {
            throw DeepBayesError.invalidArgument(operation: "sum", reason: "axis \(axis) outside \(x.shape)")
        }
        return try sumBroadcast(x, broadcast: Broadcast(inner: x.shape.stride(of: axis), period: x.shape[axis]))
    }

    /// Softmax over the last axis (rank ≥ 1).
    public func softmax(of x: Tensor) throws -> Tensor {
        try checkOwnership("softmax", x)
        try requireRank(x, "softmax")
        return try softmax(x)
    }

    /// Log-softmax over the last axis (rank ≥ 1).
    public func logSoftmax(of x: Tensor) throws -> Tensor {
        try checkOwnership("logSoftmax", x)
        try requireRank(x, "logSoftmax")
        return try logSoftmax(x)
    }

    /// The gradient of `softmax(of:)` given its output.
    public func softmaxBackward(output: Tensor, gradOutput: Tensor) throws -> Tensor {
        try checkOwnership("softmaxBackward", output, gradOutput)
        try requireShape(gradOutput, output.shape, "softmaxBackward", "gradOutput")
        try requireRank(output, "softmaxBackward")
        return try softmaxBackward(output, gradOutput)
    }

    /// The gradient of `logSoftmax(of:)` given its output.
    public func logSoftmaxBackward(output: Tensor, gradOutput: Tensor) throws -> Tensor {
        try checkOwnership("logSoftmaxBackward", output, gradOutput)
        try requireShape(gradOutput, output.shape, "logSoftmaxBackward", "gradOutput")
        try requireRank(output, "logSoftmaxBackward")
        return try logSoftmaxBackward(output, gradOutput)
    }

    private func requireRank(_ x: Tensor, _ operation: String) throws {
        guard x.shape.rank >= 1 else {
            throw DeepBayesError.shapeMismatch(operation: operation, reason: "needs at least one axis, got a scalar")
        }
    }
}
