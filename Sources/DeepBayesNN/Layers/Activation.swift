import DeepBayesCore

/// An elementwise activation: relu, leaky relu (slope 0.2), tanh, sigmoid or softplus.
public final class Activation: Layer {
    public let function: UnaryOp

    /// Throws for ops that are not activations (`exp`, `log`, ...).
    public init(_ function: UnaryOp) throws {
        guard UnaryOp.activations.contains(function) else {
            throw DeepBayesError.invalidArgument(operation: "Activation", reason: "\(function) is not an activation")
        }
        self.function = function
    }

    public func callAsFunction(_ input: Variable, _ context: ForwardContext) throws -> Variable {
        try context.tape.apply(function, input)
    }

    public var namedParameters: [NamedParameter] { [] }
}

/// Views each item of a batch with another shape: `[N, ...] → [N, itemShape...]`
/// (`Reshape.flatten` gives `[N, C·H·W]`).
public final class Reshape: Layer {
    /// The shape of one item after the layer, or nil to flatten each item.
    public let itemShape: Shape?

    public init(itemShape: Shape) {
        self.itemShape = itemShape
    }

    private init() {
        itemShape = nil
    }

    /// Flattens every item to a vector.
    public static var flatten: Reshape { Reshape() }

    public func callAsFunction(_ input: Variable, _ context: ForwardContext) throws -> Variable {
        guard input.shape.rank >= 1 else {
            throw DeepBayesError.shapeMismatch(operation: "Reshape", reason: "input is a scalar, expected a batch")
        }
        let batch = input.shape[0]
        let item = itemShape ?? [input.value.count / batch]
        return try context.tape.reshape(input, to: Shape([batch] + item.dimensions))
    }

    public var namedParameters: [NamedParameter] { [] }
}
