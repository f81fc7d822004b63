import DeepBayesCore

/// The three convolution passes, one image at a time, as products with the image's column
/// matrix `col` (`[C·KH·KW, OH·OW]`, see `ConvolutionColumns`) and the filter seen as the
/// matrix `W` (`[O, C·KH·KW]`):
///
///     forward          y[n]  = W · col(x[n])
///     backward data    dx[n] = col2im(Wᵀ · dy[n])
///     backward filter  dW    = Σ_n dy[n] · col(x[n])ᵀ
///
/// where `y[n]`, `dy[n]` are the `[O, OH·OW]` output planes of image `n`.
extension OpenBLASBackend {
    /// `y[n, o, i, j] = Σ_{c, u, v} x[n, c, i·sy + u - py, j·sx + v - px] · w[o, c, u, v]`.
    public func _conv2d(_ input: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let lowering = ConvolutionColumns(geometry: g)
        var y = [Float](repeating: 0, count: g.outputShape.count)
        try lowering.forEachImage(try values(input), try values(filter), into: &y) { n, x, w, y, col in
            lowering.im2col(x + n * lowering.imageSize, into: col)
            try SGEMM.multiply(m: g.outChannels, n: lowering.columns, k: lowering.rows,
                               w, transposeA: false, col, transposeB: false, into: y + n * lowering.outputSize)
        }
        return tensor(g.outputShape, y)
    }

    /// `∂L/∂x = col2im(Wᵀ · ∂L/∂y)` per image: the adjoint of `conv2d` in `x`.
    public func _conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let lowering = ConvolutionColumns(geometry: g)
        var dx = [Float](repeating: 0, count: g.inputShape.count)
        try lowering.forEachImage(try values(gradOutput), try values(filter), into: &dx) { n, dy, w, dx, col in
            try SGEMM.multiply(m: lowering.rows, n: lowering.columns, k: g.outChannels,
                               w, transposeA: true, dy + n * lowering.outputSize, transposeB: false, into: col)
            lowering.col2im(col, addingInto: dx + n * lowering.imageSize)
        }
        return tensor(g.inputShape, dx)
    }

    /// `∂L/∂w[o, c, u, v] = Σ_{n, i, j} ∂L/∂y[n, o, i, j] · x[n, c, i·sy + u - py, j·sx + v - px]`,
    /// accumulated image by image as `dW += dy[n] · col(x[n])ᵀ`.
    public func _conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let lowering = ConvolutionColumns(geometry: g)
        var dw = [Float](repeating: 0, count: g.filterShape.count)
        try lowering.forEachImage(try values(input), try values(gradOutput), into: &dw) { n, x, dy, dw, col in
            lowering.im2col(x + n * lowering.imageSize, into: col)
            try SGEMM.multiply(m: g.outChannels, n: lowering.rows, k: lowering.columns,
                               dy + n * lowering.outputSize, transposeA: false, col, transposeB: true,
                               into: dw, accumulate: true)
        }
        return tensor(g.filterShape, dw)
    }
}
