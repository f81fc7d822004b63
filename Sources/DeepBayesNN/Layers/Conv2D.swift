import DeepBayesCore

/// The size, stride and zero padding of a convolution window, each as (y, x).
public struct ConvolutionWindow: Hashable, Sendable {
    public let height: Int
    public let width: Int
    public let strideY: Int
    public let strideX: Int
    public let padY: Int
    public let padX: Int

    /// A square `size`×`size` window with equal stride and padding on both axes.
    public init(size: Int, stride: Int = 1, padding: Int = 0) {
        self.init(height: size, width: size, stride: (stride, stride), padding: (padding, padding))
    }

    public init(height: Int, width: Int, stride: (Int, Int), padding: (Int, Int)) {
        self.height = height
        self.width = width
        (strideY, strideX) = stride
        (padY, padX) = padding
    }

    public var stride: (Int, Int) { (strideY, strideX) }
    public var padding: (Int, Int) { (padY, padX) }
}

/// A 2-D convolution over NCHW images with an `[outChannels, inChannels, kh, kw]` filter and a
/// per-channel bias.
public final class Conv2D: BiasActivationLayer {
    public let filter: Parameter
    public let bias: Parameter
    public let window: ConvolutionWindow

    public init(inChannels: Int, outChannels: Int, window: ConvolutionWindow,
                initialization: WeightInitialization = .heUniform, _ initializer: ParameterInitializer) throws {
        self.window = window
        filter = try initialization.draw(Shape.validated([outChannels, inChannels, window.height, window.width], for: "Conv2D"),
                                         fanIn: inChannels * window.height * window.width, initializer)
        bias = try initializer.constant([outChannels], 0)
    }

    public func callAsFunction(_ input: Variable, _ context: ForwardContext, activation: UnaryOp?) throws -> Variable {
        let tape = context.tape
        let y = try tape.conv2d(input, tape.watch(filter), stride: window.stride, padding: window.padding)
        return try tape.addBias(y, tape.watch(bias), activation: activation)
    }

    public var namedParameters: [NamedParameter] { [NamedParameter("filter", filter), NamedParameter("bias", bias)] }
}

/// A transposed 2-D convolution (the DCGAN generator's upsampling): the adjoint of a
/// `Conv2D` with filter `[inChannels, outChannels, kh, kw]`. An `H×W` input becomes
/// `((H-1)·s - 2p + kh) × ((W-1)·s - 2p + kw)`.
public final class ConvTranspose2D: BiasActivationLayer {
    public let filter: Parameter
    public let bias: Parameter
    public let window: ConvolutionWindow

    public init(inChannels: Int, outChannels: Int, window: ConvolutionWindow,
                initialization: WeightInitialization = .heUniform, _ initializer: ParameterInitializer) throws {
        self.window = window
        filter = try initialization.draw(Shape.validated([inChannels, outChannels, window.height, window.width], for: "ConvTranspose2D"),
                                         fanIn: inChannels * window.height * window.width, initializer)
        bias = try initializer.constant([outChannels], 0)
    }

    /// The output shape for an NCHW input shape.
    public func outputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4, input[1] == filter.shape[0] else {
            throw DeepBayesError.shapeMismatch(operation: "ConvTranspose2D", reason: "input \(input) must be [N, \(filter.shape[0]), H, W]")
        }
        let height = (input[2] - 1) * window.strideY - 2 * window.padY + window.height
        let width = (input[3] - 1) * window.strideX - 2 * window.padX + window.width
        return try Shape.validated([input[0], filter.shape[1], height, width], for: "ConvTranspose2D")
    }

    public func callAsFunction(_ input: Variable, _ context: ForwardContext, activation: UnaryOp?) throws -> Variable {
        let tape = context.tape
        let y = try tape.convTranspose2d(input, tape.watch(filter), outputShape: outputShape(for: input.shape),
                                         stride: window.stride, padding: window.padding)
        return try tape.addBias(y, tape.watch(bias), activation: activation)
    }

    public var namedParameters: [NamedParameter] { [NamedParameter("filter", filter), NamedParameter("bias", bias)] }
}
