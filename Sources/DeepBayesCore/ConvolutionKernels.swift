/// The sizes of a 2-D convolution over NCHW images with an `[outChannels, inChannels, kh, kw]`
/// filter (cross-correlation, as in every deep-learning library), zero padding and stride.
public struct Conv2DGeometry: Hashable, Sendable {
    public let batch: Int
    public let inChannels: Int
    public let inHeight: Int
    public let inWidth: Int
    public let outChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let strideY: Int
    public let strideX: Int
    public let padY: Int
    public let padX: Int
    /// `(inHeight + 2·padY - kernelHeight) / strideY + 1`
    public let outHeight: Int
    /// `(inWidth + 2·padX - kernelWidth) / strideX + 1`
    public let outWidth: Int

    /// Validates the sizes; the output must have at least one pixel.
    public init(input: Shape, filter: Shape, stride: (Int, Int), padding: (Int, Int)) throws {
        guard input.rank == 4, filter.rank == 4 else {
            throw DeepBayesError.shapeMismatch(operation: "conv2d", reason: "input \(input) must be [N, C, H, W] and filter \(filter) [O, C, KH, KW]")
        }
        guard input[1] == filter[1] else {
            throw DeepBayesError.shapeMismatch(operation: "conv2d", reason: "input has \(input[1]) channels, filter \(filter) expects \(filter[1])")
        }
        guard stride.0 >= 1, stride.1 >= 1, padding.0 >= 0, padding.1 >= 0 else {
            throw DeepBayesError.invalidArgument(operation: "conv2d", reason: "stride \(stride) must be positive and padding \(padding) non-negative")
        }
        let outH = input[2] + 2 * padding.0 - filter[2]
        let outW = input[3] + 2 * padding.1 - filter[3]
        guard outH >= 0, outW >= 0 else {
            throw DeepBayesError.shapeMismatch(operation: "conv2d", reason: "filter \(filter[2])x\(filter[3]) larger than padded input \(input[2])x\(input[3])")
        }
        batch = input[0]; inChannels = input[1]; inHeight = input[2]; inWidth = input[3]
        outChannels = filter[0]; kernelHeight = filter[2]; kernelWidth = filter[3]
        strideY = stride.0; strideX = stride.1; padY = padding.0; padX = padding.1
        outHeight = outH / stride.0 + 1
        outWidth = outW / stride.1 + 1
    }

    public var inputShape: Shape { [batch, inChannels, inHeight, inWidth] }
    public var filterShape: Shape { [outChannels, inChannels, kernelHeight, kernelWidth] }
    public var outputShape: Shape { [batch, outChannels, outHeight, outWidth] }
    /// Multiply-adds of the forward pass times two.
    public var flops: Double {
        2 * Double(batch * outChannels * outHeight * outWidth) * Double(inChannels * kernelHeight * kernelWidth)
    }
}

/// 2-D convolution and the two backward passes. A transposed convolution (DCGAN generator)
/// is `conv2dBackwardData`.
public protocol ConvolutionKernels {
    /// `y[n, o, i, j] = Σ_{c, u, v} x[n, c, i·sy + u - py, j·sx + v - px] · w[o, c, u, v]`,
    /// out-of-range `x` reading as 0. Returns `geometry.outputShape`.
    func conv2d(_ input: Tensor, _ filter: Tensor, geometry: Conv2DGeometry) throws -> Tensor
    /// `∂L/∂x` from `∂L/∂y`: the adjoint of `conv2d` in `x`. Returns `geometry.inputShape`.
    func conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, geometry: Conv2DGeometry) throws -> Tensor
    /// `∂L/∂w[o, c, u, v] = Σ_{n, i, j} ∂L/∂y[n, o, i, j] · x[n, c, i·sy + u - py, j·sx + v - px]`.
    /// Returns `geometry.filterShape`.
    func conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, geometry: Conv2DGeometry) throws -> Tensor
}

extension ConvolutionKernels where Self: TensorStorageKernels {
    /// Convolves NCHW `input` with `[O, C, KH, KW]` `filter`; `stride` and `padding` are (y, x).
    public func conv2d(_ input: Tensor, _ filter: Tensor, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Tensor {
        try checkOwnership("conv2d", input, filter)
        return try conv2d(input, filter, geometry: Conv2DGeometry(input: input.shape, filter: filter.shape, stride: stride, padding: padding))
    }

    /// The gradient for the input of `conv2d(x, filter, stride, padding)` where `x` had `inputShape`.
    public func conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, inputShape: Shape,
                                   stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Tensor {
        try checkOwnership("conv2dBackwardData", gradOutput, filter)
        let geometry = try Conv2DGeometry(input: inputShape, filter: filter.shape, stride: stride, padding: padding)
        try requireShape(gradOutput, geometry.outputShape, "conv2dBackwardData", "gradOutput")
        return try conv2dBackwardData(gradOutput, filter, geometry: geometry)
    }

    /// The gradient for the filter (of `filterShape`) of `conv2d(input, w, stride, padding)`.
    public func conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, filterShape: Shape,
                                     stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Tensor {
        try checkOwnership("conv2dBackwardFilter", input, gradOutput)
        let geometry = try Conv2DGeometry(input: input.shape, filter: filterShape, stride: stride, padding: padding)
        try requireShape(gradOutput, geometry.outputShape, "conv2dBackwardFilter", "gradOutput")
        return try conv2dBackwardFilter(input, gradOutput, geometry: geometry)
    }
}
