/// Random tensors from Philox4x32-10, identical on every backend (see `Philox`).
extension Backend {
    /// A dropout mask; `p` must lie in [0, 1).
    public func dropoutMask(_ shape: Shape, dropProbability p: Float, _ random: RandomStream) throws -> Tensor {
        guard p >= 0, p < 1 else {
            throw DeepBayesError.invalidArgument(operation: "dropoutMask", reason: "drop probability \(p) must lie in [0, 1)")
        }
        try capabilities.checkAllocation(floats: shape.count, on: name)
        return try _dropoutMask(shape, dropProbability: p, random)
    }
}

extension Backend {
    /// Uniform values in (0, 1] from Philox stream `random` (element `i` from block `i / 4`, lane `i % 4`).
    public func randomUniform(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        try capabilities.checkAllocation(floats: shape.count, on: name)
        return try _randomUniform(shape, random)
    }

    /// Standard normal values from Philox stream `random` by Box–Muller (see `_randomNormal`).
    public func randomNormal(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        try capabilities.checkAllocation(floats: shape.count, on: name)
        return try _randomNormal(shape, random)
    }
}
