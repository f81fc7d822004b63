import DeepBayesCore

extension OpenCLBackend {
    /// Philox uniforms in (0, 1], bit-identical to the CPU backend (kernel `random_uniform`).
    public func _randomUniform(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        try randomTensor("random_uniform", shape, [], random)
    }

    /// Box–Muller standard normals from Philox (kernel `random_normal`).
    public func _randomNormal(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        try randomTensor("random_normal", shape, [], random)
    }

    /// `1/(1-p)` where the Philox uniform exceeds `p`, else 0 (kernel `dropout_mask`).
    public func _dropoutMask(_ shape: Shape, dropProbability p: Float, _ random: RandomStream) throws -> Tensor {
        try randomTensor("dropout_mask", shape, [.float(p)], random)
    }

    /// Runs a `random.cl` kernel over Philox blocks: arguments output, n, `extra`, seed, stream, first block.
    private func randomTensor(_ kernel: String, _ shape: Shape, _ extra: [KernelArgument], _ random: RandomStream) throws -> Tensor {
        let (tensor, out) = try makeTensor(shape)
        try launch(.random, kernel, global: [chunks(shape.count)],
                   [.buffer(out), .int(shape.count)] + extra + [.ulong(random.seed), .ulong(random.stream), .ulong(random.firstBlock)])
        return tensor
    }
}
