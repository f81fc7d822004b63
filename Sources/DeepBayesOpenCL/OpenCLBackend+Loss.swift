import DeepBayesCore

extension OpenCLBackend {
    /// Per-row `-log softmax(logits)[label]` (kernel `cross_entropy`); NaN for a label that is
    /// not an integer in `0..<C`.
    public func _crossEntropy(_ logits: Tensor, _ labels: Tensor) throws -> Tensor {
        let (rows, cols) = (logits.shape[0], logits.shape[1])
        let (loss, out) = try makeTensor([rows])
        try launch(.loss, "cross_entropy", global: [rows],
                   [.buffer(try buffer(logits)), .buffer(try buffer(labels)), .buffer(out), .int(rows), .int(cols)])
        return loss
    }

    /// `g[r]·(softmax - onehot)` (kernel `cross_entropy_backward`); a row with an invalid label is NaN.
    public func _crossEntropyBackward(_ logits: Tensor, _ labels: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        let (rows, cols) = (logits.shape[0], logits.shape[1])
        let (grad, out) = try makeTensor(logits.shape)
        try launch(.loss, "cross_entropy_backward", global: [rows],
                   [.buffer(try buffer(logits)), .buffer(try buffer(labels)), .buffer(try buffer(gradOutput)), .buffer(out), .int(rows), .int(cols)])
        return grad
    }

    /// `max(x, 0) - x·t + log1p(e^{-|x|})` elementwise (kernel `bce_with_logits`).
    public func _bceWithLogits(_ logits: Tensor, _ targets: Tensor) throws -> Tensor {
        let (loss, out) = try makeTensor(logits.shape)
        try launch(.loss, "bce_with_logits", global: [logits.count],
                   [.buffer(try buffer(logits)), .buffer(try buffer(targets)), .buffer(out), .int(logits.count)])
        return loss
    }

    /// `g·(σ(x) - t)` (kernel `bce_with_logits_backward`).
    public func _bceWithLogitsBackward(_ logits: Tensor, _ targets: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        let (grad, out) = try makeTensor(logits.shape)
        try launch(.loss, "bce_with_logits_backward", global: [logits.count],
                   [.buffer(try buffer(logits)), .buffer(try buffer(targets)), .buffer(try buffer(gradOutput)), .buffer(out), .int(logits.count)])
        return grad
    }
}
