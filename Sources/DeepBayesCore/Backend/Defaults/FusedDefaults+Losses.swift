extension FusedDefaults {
    /// `ℓ[r] = -log softmax(logits[r])[label[r]]` for logits `[N, C]` and labels `[N]` holding
    /// class indices as floats. A label outside `0..<C` gives `ℓ[r] = NaN`: the loss is divided
    /// by the row's one-hot total, which is 1 for a valid label and 0 otherwise.
    public static func crossEntropy(_ logits: Tensor, _ labels: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        let oneHot = try c.oneHot(labels, classes: logits.shape[1])
        let picked = try c.rowSums(c.multiply(logSoftmax(logits, on: backend), oneHot))
        return try c.divide(c.map(.negate, picked), c.rowSums(oneHot))
    }

    /// `∂L/∂logits[r, c] = g[r] · (softmax(logits[r])[c] - [c == label[r]])`, shape `[N, C]`.
    public static func crossEntropyBackward(_ logits: Tensor, _ labels: Tensor, _ g: Tensor,
                                            on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        let residual = try c.subtract(softmax(logits, on: backend), c.oneHot(labels, classes: logits.shape[1]))
        return try c.perRow(.multiply, residual, g)
    }

    /// `ℓ = max(x, 0) - x·t + log(1 + e^{-|x|})`, the stable form of `-t log σ(x) - (1-t) log(1-σ(x))`.
    public static func bceWithLogits(_ x: Tensor, _ t: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        let tail = try c.map(.softplus, c.map(.negate, c.map(.abs, x)))
        return try c.add(c.subtract(c.map(.relu, x), c.multiply(x, t)), tail)
    }

    /// `∂L/∂x = g · (σ(x) - t)`.
    public static func bceWithLogitsBackward(_ x: Tensor, _ t: Tensor, _ g: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        return try c.multiply(g, c.subtract(c.map(.sigmoid, x), t))
    }
}
