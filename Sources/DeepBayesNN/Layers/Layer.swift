import DeepBayesCore

/// A differentiable function with parameters, written only against the `Backend` protocol.
public protocol Layer: AnyObject {
    /// Applies the layer to `input`, recording on `context.tape`.
    func callAsFunction(_ input: Variable, _ context: ForwardContext) throws -> Variable
    /// Every parameter and buffer, under names that stay stable across runs (checkpoint keys).
    var namedParameters: [NamedParameter] { get }
}

extension Layer {
    /// The parameters alone, in `namedParameters` order.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// The parameters an optimizer updates.
    public var trainableParameters: [Parameter] { parameters.filter(\.isTrainable) }
}

/// Layers applied one after another; parameter names are prefixed with the layer's index.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) {
        self.layers = layers
    }

    /// The layers in order; a `BiasActivationLayer` followed by an `Activation` runs as one
    /// step, the activation fused into its bias add.
    public func callAsFunction(_ input: Variable, _ context: ForwardContext) throws -> Variable {
        var x = input, index = layers.startIndex
        while index < layers.endIndex {
            if let biased = layers[index] as? any BiasActivationLayer, index + 1 < layers.endIndex,
               let activation = layers[index + 1] as? Activation {
                x = try biased(x, context, activation: activation.function)
                index += 2
            } else {
                x = try layers[index](x, context)
                index += 1
            }
        }
        return x
    }

    public var namedParameters: [NamedParameter] {
        layers.enumerated().flatMap { index, layer in layer.namedParameters.map { $0.prefixed(String(index)) } }
    }
}
