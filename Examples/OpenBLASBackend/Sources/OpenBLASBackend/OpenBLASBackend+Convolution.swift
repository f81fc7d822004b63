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
        let x = try values(input), w = try values(filter)
        var y = [Float](repeating: 0, count: g.outputShape.count)
        var col = [Float](repeating: 0, count: lowering.rows * lowering.columns)
        try x.withUnsafeBufferPointer { x in
            try w.withUnsafeBufferPointer { w in
                try y.withUnsafeMutableBufferPointer { y in
                    try col.withUnsafeMutableBufferPointer { col in
                        for n in 0..<g.batch {
                            lowering.im2col(x.baseAddress! + n * lowering.imageSize, into: col.baseAddress!)
                            try SGEMM.multiply(m: g.outChannels, n: lowering.columns, k: lowering.rows,
                                               w.baseAddress!, transposeA: false, col.baseAddress!, transposeB: false,
                                               into: y.baseAddress! + n * lowering.outputSize)
                        }
                    }
                }
            }
        }
        return tensor(g.outputShape, y)
    }

    /// `∂L/∂x = col2im(Wᵀ · ∂L/∂y)` per image: the adjoint of `conv2d` in `x`.
    public func _conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let lowering = ConvolutionColumns(geometry: g)
        let dy = try values(gradOutput), w = try values(filter)
        var dx = [Float](repeating: 0, count: g.inputShape.count)
        var col = [Float](repeating: 0, count: lowering.rows * lowering.columns)
        try dy.withUnsafeBufferPointer { dy in
            try w.withUnsafeBufferPointer { w in
                try dx.withUnsafeMutableBufferPointer { dx in
                    try col.withUnsafeMutableBufferPointer { col in
                        for n in 0..<g.batch {
                            try SGEMM.multiply(m: lowering.rows, n: lowering.columns, k: g.outChannels,
                                               w.baseAddress!, transposeA: true, dy.baseAddress! + n * lowering.outputSize, transposeB: false,
                                               into: col.baseAddress!)
                            lowering.col2im(col.baseAddress!, addingInto: dx.baseAddress! + n * lowering.imageSize)
                        }
                    }
                }
            }
        }
        return tensor(g.inputShape, dx)
    }

    /// `∂L/∂w[o, c, u, v] = Σ_{n, i, j} ∂L/∂y[n, o, i, j] · x[n, c, i·sy + u - py, j·sx + v - px]`,
    /// accumulated image by image as `dW += dy[n] · col(x[n])ᵀ`.
    public func _conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, geometry g: Conv2DGeometry) throws -> Tensor {
        let lowering = ConvolutionColumns(geometry: g)
        let x = try values(input), dy = try values(gradOutput)
        var dw = [Float](repeating: 0, count: g.filterShape.count)
        var col = [Float](repeating: 0, count: lowering.rows * lowering.columns)
        try x.withUnsafeBufferPointer { x in
            try dy.withUnsafeBufferPointer { dy in
                try dw.withUnsafeMutableBufferPointer { dw in
                    try col.withUnsafeMutableBufferPointer { col in
                        for n in 0..<g.batch {
                            lowering.im2col(x.baseAddress! + n * lowering.imageSize, into: col.baseAddress!)
                            try SGEMM.multiply(m: g.outChannels, n: lowering.rows, k: lowering.columns,
                                               dy.baseAddress! + n * lowering.outputSize, transposeA: false, col.baseAddress!, transposeB: true,
                                               into: dw.baseAddress!, accumulate: true)
                        }
                    }
                }
            }
        }
        return tensor(g.filterShape, dw)
    }
}
