import DeepBayesCore

/// Convolutions as matrix products over the column matrix `col = im2col(x)` of shape
/// `[C·KH·KW, N·OH·OW]`, one product for the whole batch: forward `Y' = W·col`, backward-data
/// `col2im(Wᵀ·dY')`, backward-filter `dW = dY'·colᵀ`, where `Y'` is the output as `[O, N·OH·OW]`.
///
/// The kernels `im2col` and `output_matrix` write `col` and `dY'` in whatever layout the
/// product wants (`MatrixPlacement`): with `.panels`, straight into the panel layout of
/// `gemmPanels` (no separate column matrix, pack or layout swap; the filter is read in place), the forward product stored in
/// NCHW order by the GEMM itself, and backward-filter's long depth `N·OH·OW` split into chunks
/// of `filterChunk` that run as a batch and are then summed in order; otherwise row-major for
/// `gemm`, backward-filter's depth split the same way into the chunks `FilterReductionSplit`
/// chooses for the device (the chunked row-major layout, `MatrixPlacement.chunked`).
extension OpenCLBackend {
    /// Depth of one split-K chunk of backward-filter on the panel path.
    static let filterChunk = 1024

    /// `y = conv2d(x, w)`; returns `geometry.outputShape`.
    public func _conv2d(_ input: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let product = MatmulGeometry(m: g.outChannels, n: columns(g), k: depth(g))
        let pixels = g.outHeight * g.outWidth
        if matmulStrategy == .panels {
            let ap = PanelOperand.inPlace(try buffer(filter), rows: g.outChannels, depth: depth(g), width: 8, transposed: false)
            let col = try im2col(try buffer(input), g, .panels(aCount: depth(g), qCount: columns(g), width: 16, chunk: depth(g), transposed: true))
            let bp = PanelOperand.packed(col, rows: columns(g), depth: depth(g), width: 16)
            return wrap(try gemmPanels(ap, bp, product, group: pixels), g.outputShape)
        }
        let col = try im2col(try buffer(input), g, .rowMajor(rows: depth(g), columns: columns(g)))
        return wrap(try gemm(try buffer(filter), col, product, group: pixels), g.outputShape)
    }

    /// `∂L/∂x` as `col2im(Wᵀ·dY')`; with stride 2 this is the DCGAN transposed convolution.
    public func _conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let product = MatmulGeometry(m: depth(g), n: columns(g), k: g.outChannels, transposeA: true)
        let gradCol: OpenCLBuffer
        if matmulStrategy == .panels {
            let ap = PanelOperand.inPlace(try buffer(filter), rows: depth(g), depth: g.outChannels, width: 8, transposed: true)
            let dy = try outputMatrix(try buffer(gradOutput), g,
                                      .panels(aCount: g.outChannels, qCount: columns(g), width: 16, chunk: g.outChannels, transposed: true))
            let bp = PanelOperand.packed(dy, rows: columns(g), depth: g.outChannels, width: 16)
            gradCol = try gemmPanels(ap, bp, product, group: columns(g))
        } else {
            gradCol = try gemm(try buffer(filter), try rowMajorOutput(try buffer(gradOutput), g), product)
        }
        let (result, storage) = try makeTensor(g.inputShape)
        try launch(.conv, "col2im", global: [g.batch * g.inChannels * g.inHeight], [.buffer(gradCol), .buffer(storage)] + geometryArguments(g))
        return result
    }

    /// `∂L/∂w = dY'·colᵀ`; returns `geometry.filterShape`.
    public func _conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        guard matmulStrategy == .panels else { return try splitBackwardFilter(input, gradOutput, g) }
        let chunk = min(columns(g), Self.filterChunk)
        let chunks = (columns(g) + chunk - 1) / chunk
        let dy = try outputMatrix(try buffer(gradOutput), g, .panels(aCount: g.outChannels, qCount: columns(g), width: 8, chunk: chunk, transposed: false))
        let col = try im2col(try buffer(input), g, .panels(aCount: depth(g), qCount: columns(g), width: 16, chunk: chunk, transposed: false))
        let ap = PanelOperand.packed(dy, rows: g.outChannels, depth: chunk, width: 8)
        let bp = PanelOperand.packed(col, rows: depth(g), depth: chunk, width: 16)
        let partial = try gemmPanels(ap, bp, MatmulGeometry(batch: chunks, m: g.outChannels, n: depth(g), k: chunk), group: depth(g))
        return try sumPartialFilters(partial, chunks: chunks, g)
    }

    /// Backward-filter off the panel path: `col` and `dY'` in the chunked row-major layout of
    /// the `FilterReductionSplit` for this device, one batched product `dY'[b]·col[b]ᵀ` over
    /// the chunks `b`, then the partial filters summed in order. Unsplit (one chunk), `dY'` is
    /// `dy` itself where `rowMajorOutput` allows.
    private func splitBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, _ g: Conv2DGeometry) throws -> Tensor {
        let split = FilterReductionSplit(m: g.outChannels, n: depth(g), k: columns(g), tile: try gemmOutputTile(), computeUnits: device.computeUnits)
        let dy = split.chunks == 1
            ? try rowMajorOutput(try buffer(gradOutput), g)
            : try outputMatrix(try buffer(gradOutput), g, .chunked(rows: g.outChannels, columns: columns(g), chunk: split.chunk))
        let col = try im2col(try buffer(input), g, .chunked(rows: depth(g), columns: columns(g), chunk: split.chunk))
        let product = MatmulGeometry(batch: split.chunks, m: g.outChannels, n: depth(g), k: split.chunk, transposeB: true)
        return try sumPartialFilters(try gemm(dy, col, product), chunks: split.chunks, g)
    }

    /// `dW = Σ_b partial[b]` over the `chunks` partial filters stacked in `partial`, added in
    /// chunk order by `sum_broadcast` (deterministic); `partial` itself when there is one.
    private func sumPartialFilters(_ partial: OpenCLBuffer, chunks: Int, _ g: Conv2DGeometry) throws -> Tensor {
        guard chunks > 1 else { return wrap(partial, g.filterShape) }
        let total = try _sumBroadcast(wrap(partial, [chunks * g.filterShape.count]), broadcast: Broadcast(inner: 1, period: g.filterShape.count))
        return wrap(try buffer(total), g.filterShape)
    }

    /// `col` of `x` placed by `placement`: kernel `im2col_blocks` (one work-item per 16 columns,
    /// `float16` stores) where the placement keeps blocks of 16 columns contiguous,
    /// else `im2col` (one work-item per output row and channel).
    private func im2col(_ x: OpenCLBuffer, _ g: Conv2DGeometry, _ placement: MatrixPlacement) throws -> OpenCLBuffer {
        let col = try placed(placement)
        let arguments: [KernelArgument] = [.buffer(x), .buffer(col)] + placement.a.arguments + placement.q.arguments + geometryArguments(g)
        if placement.q.keepsBlocks(count: columns(g)) {
            try launch(.conv, "im2col_blocks", global: [(columns(g) + 15) / 16], arguments)
        } else {
            try launch(.conv, "im2col", global: [g.batch * g.outHeight, g.inChannels], arguments)
        }
        return col
    }

    /// `dY'` of the output gradient `dy` placed by `placement` (kernel `output_matrix`, one
    /// work-item per image and channel).
    private func outputMatrix(_ dy: OpenCLBuffer, _ g: Conv2DGeometry, _ placement: MatrixPlacement) throws -> OpenCLBuffer {
        let out = try placed(placement)
        try launch(.conv, "output_matrix", global: [g.batch, g.outChannels],
                   [.buffer(dy), .buffer(out)] + placement.a.arguments + placement.q.arguments
                   + [g.batch, g.outChannels, g.outHeight * g.outWidth].map { .int($0) })
        return out
    }

    /// Row-major `dY'`; `dy` itself when `N` or `O` is 1 (the swap moves nothing).
    private func rowMajorOutput(_ dy: OpenCLBuffer, _ g: Conv2DGeometry) throws -> OpenCLBuffer {
        if g.batch == 1 || g.outChannels == 1 { return dy }
        return try outputMatrix(dy, g, .rowMajor(rows: g.outChannels, columns: columns(g)))
    }

    /// A buffer for `placement`, zeroed first when it has padding the kernels do not write.
    private func placed(_ placement: MatrixPlacement) throws -> OpenCLBuffer {
        let out = try makeBuffer(count: placement.count)
        if placement.padded { try fill(out, value: 0) }
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
