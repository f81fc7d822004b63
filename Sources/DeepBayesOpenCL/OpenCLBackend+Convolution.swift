import DeepBayesCore

/// Convolutions as matrix products over the column matrix `col = im2col(x)` of shape
/// `[C·KH·KW, N·OH·OW]`: forward `Y' = W·col`, backward-data `col2im(Wᵀ·dY')`,
/// backward-filter `dW = dY'·colᵀ`, where `Y'` is the output as `[O, N, OH·OW]`.
extension OpenCLBackend {
    /// `y = conv2d(x, w)` by im2col and `gemm`; returns `geometry.outputShape`.
    public func conv2d(_ input: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let col = try im2col(buffer(input), g)
        let product = try gemm(buffer(filter), col, MatmulGeometry(m: g.outChannels, n: columns(g), k: depth(g)))
        return wrap(try swapLeading(product, g.outChannels, g.batch, g.outHeight * g.outWidth), g.outputShape)
    }

    /// `∂L/∂x` as `col2im(Wᵀ·dY')`; with stride 2 this is the DCGAN transposed convolution.
    public func conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let gradRows = try swapLeading(buffer(gradOutput), g.batch, g.outChannels, g.outHeight * g.outWidth)
        let gradCol = try gemm(buffer(filter), gradRows, MatmulGeometry(m: depth(g), n: columns(g), k: g.outChannels, transposeA: true))
        let (result, storage) = try makeTensor(g.inputShape)
        try launch(.conv, "col2im", global: [g.inputShape.count], [.buffer(gradCol), .buffer(storage)] + geometryArguments(g))
        return result
    }

    /// `∂L/∂w = dY'·colᵀ`; returns `geometry.filterShape`.
    public func conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let col = try im2col(buffer(input), g)
        let gradRows = try swapLeading(buffer(gradOutput), g.batch, g.outChannels, g.outHeight * g.outWidth)
        return wrap(try gemm(gradRows, col, MatmulGeometry(m: g.outChannels, n: depth(g), k: columns(g), transposeB: true)), g.filterShape)
    }

    /// The column matrix `[C·KH·KW, N·OH·OW]` of `x`.
    private func im2col(_ x: OpenCLBuffer, _ g: Conv2DGeometry) throws -> OpenCLBuffer {
        let col = try makeBuffer(count: depth(g) * columns(g))
        try launch(.conv, "im2col", global: [columns(g), depth(g)], [.buffer(x), .buffer(col)] + geometryArguments(g))
        return col
    }

    /// `[A, B, P]` → `[B, A, P]`; no work when `A` or `B` is 1.
    private func swapLeading(_ x: OpenCLBuffer, _ a: Int, _ b: Int, _ p: Int) throws -> OpenCLBuffer {
        if a == 1 || b == 1 { return x }
        let out = try makeBuffer(count: a * b * p)
        try launch(.conv, "swap_leading", global: [a * b * p], [.buffer(x), .buffer(out), .int(a), .int(b), .int(p)])
        return out
    }

    /// Rows of the column matrix: `C·KH·KW`.
    private func depth(_ g: Conv2DGeometry) -> Int { g.inChannels * g.kernelHeight * g.kernelWidth }
    /// Columns of the column matrix: `N·OH·OW`.
    private func columns(_ g: Conv2DGeometry) -> Int { g.batch * g.outHeight * g.outWidth }

    /// N, C, H, W, KH, KW, sy, sx, py, px, OH, OW: the trailing arguments of `im2col` and `col2im`.
    private func geometryArguments(_ g: Conv2DGeometry) -> [KernelArgument] {
        [g.batch, g.inChannels, g.inHeight, g.inWidth, g.kernelHeight, g.kernelWidth,
         g.strideY, g.strideX, g.padY, g.padX, g.outHeight, g.outWidth].map { .int($0) }
    }
}
