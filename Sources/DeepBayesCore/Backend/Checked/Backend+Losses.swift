/// Loss kernels. Each returns per-item losses; the caller reduces (sum or mean) explicitly,
/// so the scaling of every loss is visible where it is used.
extension Backend {
    /// Per-row cross-entropy of `[N, C]` logits against `[N]` class indices.
    public func crossEntropy(logits: Tensor, labels: Tensor) throws -> Tensor {
        try checkOwnership("crossEntropy", logits, labels)
        try checkClassification(logits, labels, "crossEntropy")
        return try _crossEntropy(logits, labels)
    }

    /// The gradient of `crossEntropy(logits:labels:)` for upstream `gradOutput` of shape `[N]`.
    public func crossEntropyBackward(logits: Tensor, labels: Tensor, gradOutput: Tensor) throws -> Tensor {
        try checkOwnership("crossEntropyBackward", logits, labels, gradOutput)
        try checkClassification(logits, labels, "crossEntropyBackward")
        try requireShape(gradOutput, labels.shape, "crossEntropyBackward", "gradOutput")
        return try _crossEntropyBackward(logits, labels, gradOutput)
    }

    /// Elementwise binary cross-entropy of `logits` against `targets` in [0, 1].
    public func bceWithLogits(logits: Tensor, targets: Tensor) throws -> Tensor {
        try checkOwnership("bceWithLogits", logits, targets)
        try requireShape(targets, logits.shape, "bceWithLogits", "targets")
        return try _bceWithLogits(logits, targets)
    }

    /// The gradient of `bceWithLogits(logits:targets:)`.
    public func bceWithLogitsBackward(logits: Tensor, targets: Tensor, gradOutput: Tensor) throws -> Tensor {
        try checkOwnership("bceWithLogitsBackward", logits, targets, gradOutput)
        try requireShape(targets, logits.shape, "bceWithLogitsBackward", "targets")
        try requireShape(gradOutput, logits.shape, "bceWithLogitsBackward", "gradOutput")
        return try _bceWithLogitsBackward(logits, targets, gradOutput)
    }

    private func checkClassification(_ logits: Tensor, _ labels: Tensor, _ operation: String) throws {
        guard logits.shape.rank == 2 else {
            throw DeepBayesError.shapeMismatch(operation: operation, reason: "logits \(logits.shape) must be [N, C]")
        }
        try requireShape(labels, [logits.shape[0]], operation, "labels")
    }
}
