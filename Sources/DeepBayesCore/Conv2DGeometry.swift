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
