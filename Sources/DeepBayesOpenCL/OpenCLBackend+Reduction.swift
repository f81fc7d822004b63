import DeepBayesCore

extension OpenCLBackend {
    /// `Σ x` as a `[]` tensor on the device (see `sumBuffer`).
    public func _sum(_ x: Tensor) throws -> Tensor { wrap(try sumBuffer(try buffer(x), count: x.count), .scalar) }

    /// A deterministic two-stage sum into a one-element buffer: `sum_partials` adds every
    /// `parts`-th 16-element chunk into `parts = min(⌈count/16⌉, 1024)` partial sums (in
    /// `float16` lanes), `sum_final` adds those in order. The partition depends only on `count`.
    func sumBuffer(_ x: OpenCLBuffer, count: Int) throws -> OpenCLBuffer {
        let parts = min(chunks(count), 1024)
        let partial = try makeBuffer(count: parts)
        try launch(.reduction, "sum_partials", global: [parts], [.buffer(x), .buffer(partial), .int(count), .int(parts)])
        let total = try makeBuffer(count: 1)
        try launch(.reduction, "sum_final", global: [1], [.buffer(partial), .buffer(total), .int(parts)])
        return total
    }

    /// `y[j] = Σ_{(i / inner) % period == j} x[i]` with kernel `sum_broadcast`, one work-item per `j`.
    public func _sumBroadcast(_ x: Tensor, broadcast: Broadcast) throws -> Tensor {
        let (y, out) = try makeTensor([broadcast.period])
        try launch(.reduction, "sum_broadcast", global: [broadcast.period],
                   [.buffer(try buffer(x)), .buffer(out), .int(x.count), .int(broadcast.inner), .int(broadcast.period)])
        return y
    }

    /// `y[r] = max_c x[r, c]` over the last axis, NaN for a row holding a NaN (kernel
    /// `row_max`, one work-item per row); shape `[x.count / columns]`.
    public func _rowMaximum(_ x: Tensor, columns: Int) throws -> Tensor {
        let rows = x.count / columns
        let (y, out) = try makeTensor([rows])
        try launch(.reduction, "row_max", global: [rows], [.buffer(try buffer(x)), .buffer(out), .int(rows), .int(columns)])
        return y
    }

    /// Max-subtracted softmax over the last axis (kernel `softmax`, one work-item per row).
    public func _softmax(_ x: Tensor) throws -> Tensor { try rowwise("softmax", x) }

    /// `x - max - log Σ e^{x - max}` over the last axis (kernel `log_softmax`).
    public func _logSoftmax(_ x: Tensor) throws -> Tensor { try rowwise("log_softmax", x) }

    /// `y·(g - Σ g·y)` per row (kernel `softmax_backward`).
    public func _softmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        try rowwise("softmax_backward", output, gradOutput)
    }

    /// `g - e^y Σ g` per row (kernel `log_softmax_backward`).
    public func _logSoftmaxBackward(_ output: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        try rowwise("log_softmax_backward", output, gradOutput)
    }

    /// Runs a per-row kernel of `reduction.cl` taking `inputs`, an output of the first input's
    /// shape, rows and columns (the last axis).
    private func rowwise(_ kernel: String, _ inputs: Tensor...) throws -> Tensor {
        let shape = inputs[0].shape
        let cols = shape[shape.rank - 1]
        let (y, out) = try makeTensor(shape)
        try launch(.reduction, kernel, global: [shape.count / cols],
                   inputs.map { .buffer(try buffer($0)) } + [.buffer(out), .int(shape.count / cols), .int(cols)])
        return y
    }
}
