/// Convolutions; a transposed convolution (the DCGAN generator) is `conv2dBackwardData`.
extension Backend {
    /// Convolves NCHW `input` with `[O, C, KH, KW]` `filter`; `stride` and `padding` are (y, x).
    public func conv2d(_ input: Tensor, _ filter: Tensor, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Tensor {
        try checkOwnership("conv2d", input, filter)
        return try _conv2d(input, filter, geometry: Conv2DGeometry(input: input.shape, filter: filter.shape, stride: stride, padding: padding))
    }

    /// The gradient for the input of `conv2d(x, filter, stride, padding)` where `x` had `inputShape`.
    public func conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, inputShape: Shape,
                                   stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Tensor {
        try checkOwnership("conv2dBackwardData", gradOutput, filter)
        let geometry = try Conv2DGeometry(input: inputShape, filter: filter.shape, stride: stride, padding: padding)
        try requireShape(gradOutput, geometry.outputShape, "conv2dBackwardData", "gradOutput")
        return try _conv2dBackwardData(gradOutput, filter, geometry: geometry)
    }

    /// The gradient for the filter (of `filterShape`) of `conv2d(input, w, stride, padding)`.
    public func conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, filterShape: Shape,
                                     stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Tensor {
        try checkOwnership("conv2dBackwardFilter", input, gradOutput)
        let geometry = try Conv2DGeometry(input: input.shape, filter: filterShape, stride: stride, padding: padding)
        try requireShape(gradOutput, geometry.outputShape, "conv2dBackwardFilter", "gradOutput")
        return try _conv2dBackwardFilter(input, gradOutput, geometry: geometry)
    }
}
