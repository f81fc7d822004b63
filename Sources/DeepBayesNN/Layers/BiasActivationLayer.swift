import DeepBayesCore

/// A layer whose last step adds a per-feature bias along axis 1 (`Dense`, `Conv2D`,
/// `ConvTranspose2D`, `BatchNorm`'s shift, `BayesDense` and `BayesConv2D`), so that an
/// activation after it can run in the same kernel (`Tape.biasActivation`). `Sequential` applies
/// such a layer and an `Activation` that follows it as one step, keeping its list of layers,
/// and so the parameter names, as they are.
public protocol BiasActivationLayer: Layer {
    /// The layer followed by `activation` (none when nil): the values of `activation(self(input))`
    /// up to float rounding, drawing the same random streams, with the activation fused into the
    /// bias add where that add is the last step (not after a local-reparameterization sample).
    func callAsFunction(_ input: Variable, _ context: ForwardContext, activation: UnaryOp?) throws -> Variable
}

extension BiasActivationLayer {
    /// The layer alone.
    public func callAsFunction(_ input: Variable, _ context: ForwardContext) throws -> Variable {
        try callAsFunction(input, context, activation: nil)
    }
}
