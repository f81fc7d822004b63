import DeepBayesCore

/// A tensor a model owns and keeps between steps: a trainable weight, or a buffer such as
/// batch-norm running statistics (`isTrainable == false`), which optimizers leave alone but
/// checkpoints save.
public final class Parameter {
    /// The current value. Optimizers update it in place; loading a checkpoint replaces it.
    public var value: Tensor
    /// The gradient gathered by `Tape.backward(from:)` since the last optimizer step, if any.
    public var gradient: Tensor?
    /// Whether optimizers update this parameter.
    public let isTrainable: Bool

    public init(_ value: Tensor, isTrainable: Bool = true) {
        self.value = value
        self.isTrainable = isTrainable
    }

    /// The shape of `value`.
    public var shape: Shape { value.shape }
}

/// A parameter with its stable name in a model (`"0.weight"`, `"2.mu_bias"`): the key it has
/// in checkpoints.
public struct NamedParameter {
    public let name: String
    public let parameter: Parameter

    public init(_ name: String, _ parameter: Parameter) {
        self.name = name
        self.parameter = parameter
    }

    /// The same parameter with `prefix.` in front of its name.
    public func prefixed(_ prefix: String) -> NamedParameter {
        NamedParameter("\(prefix).\(name)", parameter)
    }
}
