import DeepBayesCore

/// Convolutions as matrix products over the column matrix `col = im2col(x)` of shape
/// `[C·KH·KW, N·OH·OW]`, one product for the whole batch: forward `Y' = W·col`, backward-data
/// `col2im(Wᵀ·dY')`, backward-filter `dW = dY'·colᵀ`, where `Y'` is the output as `[O, N·OH·OW]`.
///
/// With `.panels`, `im2col_panels` and `output_panels` write `col` and `dY'` straight into the
/// panel layout of `gemmPanels` (no separate column matrix, pack or layout swap), the forward
/// product is stored in NCHW order by the GEMM itself, and backward-filter splits its long
/// depth `N·OH·OW` into chunks of `filterChunk` that run as a batch and are then summed in order.
/// With `.tiled`, `im2col` and `swap_leading` feed `gemm_tiled` row-major operands.
extension OpenCLBackend {
    /// Depth of one split-K chunk of backward-filter on the panel path.
    static let filterChunk = 1024

    /// `y = conv2d(x, w)`; returns `geometry.outputShape`.
    public func conv2d(_ input: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let product = MatmulGeometry(m: g.outChannels, n: columns(g), k: depth(g))
        let pixels = g.outHeight * g.outWidth
        if matmulStrategy == .panels {
            let ap = try pack(buffer(filter), rows: g.outChannels, depth: depth(g), width: 8, transposed: false, batch: 1)
            let bp = try panels("im2col_panels", buffer(input), g, width: 16, chunk: depth(g), transposed: true)
            return wrap(try gemmPanels(ap, bp, product, group: pixels), g.outputShape)
        }
        return wrap(try gemm(buffer(filter), try im2col(buffer(input), g), product, group: pixels), g.outputShape)
    }

    /// `∂L/∂x` as `col2im(Wᵀ·dY')`; with stride 2 this is the DCGAN transposed convolution.
    public func conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let product = MatmulGeometry(m: depth(g), n: columns(g), k: g.outChannels, transposeA: true)
        let gradCol: OpenCLBuffer
        if matmulStrategy == .panels {
            let ap = try pack(buffer(filter), rows: depth(g), depth: g.outChannels, width: 8, transposed: true, batch: 1)
            let bp = try panels("output_panels", buffer(gradOutput), g, width: 16, chunk: g.outChannels, transposed: true)
            gradCol = try gemmPanels(ap, bp, product, group: columns(g))
        } else {
            gradCol = try gemm(buffer(filter), try swapLeading(buffer(gradOutput), g), product)
        }
        let (result, storage) = try makeTensor(g.inputShape)
        try launch(.conv, "col2im", global: [g.inputShape.count], [.buffer(gradCol), .buffer(storage)] + geometryArguments(g))
        return result
    }

    /// `∂L/∂w = dY'·colᵀ`; returns `geometry.filterShape`.
    public func conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        guard matmulStrategy == .panels else {
            let product = MatmulGeometry(m: g.outChannels, n: depth(g), k: columns(g), transposeB: true)
            return wrap(try gemm(try swapLeading(buffer(gradOutput), g), try im2col(buffer(input), g), product), g.filterShape)
        }
        let chunk = min(columns(g), Self.filterChunk)
        let chunks = (columns(g) + chunk - 1) / chunk
        let ap = try panels("output_panels", buffer(gradOutput), g, width: 8, chunk: chunk, transposed: false)
        let bp = try panels("im2col_panels", buffer(input), g, width: 16, chunk: chunk, transposed: false)
        let partial = wrap(try gemmPanels(ap, bp, MatmulGeometry(batch: chunks, m: g.outChannels, n: depth(g), k: chunk), group: depth(g)),
                           [chunks * g.filterShape.count])
        let total = chunks == 1 ? partial : try sumBroadcast(partial, broadcast: Broadcast(inner: 1, period: g.filterShape.count))
        return wrap(buffer(total), g.filterShape)
    }

    /// The row-major column matrix `[C·KH·KW, N·OH·OW]` of `x`.
    private func im2col(_ x: OpenCLBuffer, _ g: Conv2DGeometry) throws -> OpenCLBuffer {
        let col = try makeBuffer(count: depth(g) * columns(g))
        try launch(.conv, "im2col", global: [columns(g), depth(g)], [.buffer(x), .buffer(col)] + geometryArguments(g))
        return col
    }

    /// `col` of `x` (kernel `im2col_panels`) or `dY'` of `dy` (kernel `output_panels`), or their
    /// transposes, in panels of `width` rows with the depth split into chunks of `chunk`.
    private func panels(_ kernel: String, _ source: OpenCLBuffer, _ g: Conv2DGeometry, width: Int, chunk: Int,
                        transposed: Bool) throws -> OpenCLBuffer {
        let rowsOfSource = kernel == "im2col_panels" ? depth(g) : g.outChannels
        let (rows, depth) = transposed ? (columns(g), rowsOfSource) : (rowsOfSource, columns(g))
        let padded = (rows + width - 1) / width * width, chunked = (depth + chunk - 1) / chunk * chunk
        let panels = try makeBuffer(count: padded * chunked)
        let sizes: [KernelArgument] = kernel == "im2col_panels"
            ? geometryArguments(g) : [g.outChannels, g.batch, g.outHeight, g.outWidth].map { .int($0) }
        try launch(.conv, kernel, global: [padded / width, chunked],
                   [.buffer(source), .buffer(panels), .int(width), .int(chunk), .int(transposed ? 1 : 0)] + sizes)
        return panels
    }

    /// `dY'`: the output gradient `[N, O, P]` as `[O, N, P]`; no work when `N` or `O` is 1.
    private func swapLeading(_ dy: OpenCLBuffer, _ g: Conv2DGeometry) throws -> OpenCLBuffer {
        let (a, b, p) = (g.batch, g.outChannels, g.outHeight * g.outWidth)
        if a == 1 || b == 1 { return dy }
        let out = try makeBuffer(count: a * b * p)
        try launch(.conv, "swap_leading", global: [a * b * p], [.buffer(dy), .buffer(out), .int(a), .int(b), .int(p)])
        return out
    }

    /// Rows of the column matrix: `C·KH·KW`.
    private func depth(_ g: Conv2DGeometry) -> Int { g.inChannels * g.kernelHeight * g.kernelWidth }
    /// Columns of the column matrix: `N·OH·OW`.
    private func columns(_ g: Conv2DGeometry) -> Int { g.batch * g.outHeight * g.outWidth }

    /// N, C, H, W, KH, KW, sy, sx, py, px, OH, OW: the trailing arguments of the `im2col` kernels and `col2im`.
    private func geometryArguments(_ g: Conv2DGeometry) -> [KernelArgument] {
        [g.batch, g.inChannels, g.inHeight, g.inWidth, g.kernelHeight, g.kernelWidth,
         g.strideY, g.strideX, g.padY, g.padX, g.outHeight, g.outWidth].map { .int($0) }
    }
}
