/// Random tensors from Philox4x32-10, identical on every backend (see `Philox`).
public protocol RandomKernels {
    /// `u[i] = uniform(word i % 4 of block random.block(of: i))`, in (0, 1].
    func randomUniform(_ shape: Shape, _ random: RandomStream) throws -> Tensor
    /// Standard normals by Box–Muller on lane pairs (0, 1) and (2, 3) of block `random.block(of: i)`:
    /// `r = √(-2 ln u₀)`, lanes `(r cos 2πu₁, r sin 2πu₁)`, and likewise for `(u₂, u₃)`.
    func randomNormal(_ shape: Shape, _ random: RandomStream) throws -> Tensor
    /// Inverted-dropout mask: `m[i] = 1 / (1 - p)` where `u[i] > p`, else 0, with `u` as in
    /// `randomUniform`, so `E[m] = 1`.
    func dropoutMask(_ shape: Shape, dropProbability p: Float, _ random: RandomStream) throws -> Tensor
}

extension RandomKernels {
    /// A dropout mask; `p` must lie in [0, 1).
    public func dropoutMask(_ shape: Shape, dropProbability p: Float, seed: UInt64, stream: UInt64) throws -> Tensor {
        guard p >= 0, p < 1 else {
            throw DeepBayesError.invalidArgument(operation: "dropoutMask", reason: "drop probability \(p) must lie in [0, 1)")
        }
        return try dropoutMask(shape, dropProbability: p, RandomStream(seed: seed, stream: stream))
    }
}
