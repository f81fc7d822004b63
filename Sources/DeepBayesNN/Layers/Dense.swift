import DeepBayesCore

/// A fully connected layer `y = x·W + b` for `[N, inputs]` inputs, `W` stored `[inputs, outputs]`.
public final class Dense: BiasActivationLayer {
    public let weight: Parameter
    public let bias: Parameter

    public init(inputs: Int, outputs: Int, initialization: WeightInitialization = .heUniform,
                _ initializer: ParameterInitializer) throws {
        weight = try initialization.draw(Shape.validated([inputs, outputs], for: "Dense"), fanIn: inputs, initializer)
        bias = try initializer.constant([outputs], 0)
    }

    public func callAsFunction(_ input: Variable, _ context: ForwardContext, activation: UnaryOp?) throws -> Variable {
        let tape = context.tape
        return try tape.addBias(tape.matmul(input, tape.watch(weight)), tape.watch(bias), activation: activation)
    }

    public var namedParameters: [NamedParameter] { [NamedParameter("weight", weight), NamedParameter("bias", bias)] }
}
