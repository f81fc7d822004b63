import DeepBayesCore

/// A dense layer applied at every step of a sequence, `y_t = h_t·W + b` (`W` stored
/// `[inputs, outputs]`), whose weights are drawn **once** per forward pass: a point estimate,
/// or with a prior one sample of the mean-field Gaussian posterior `N(μ, softplus(ρ)²)` shared
/// by every step, its KL added to the pass once, exactly as `RecurrentLayer` draws its weights
/// (Fortunato, Blundell & Vinyals 2017: the output layer of a Bayesian RNN is sampled with the
/// recurrent weights, once per minibatch). `BayesDense` instead draws on every call, which for
/// a sequence would draw (and charge the KL of) a new output layer at every step.
///
/// Initial weights are `U(±1/√inputs)` (as PyTorch's linear layers), the biases 0.
public final class SequenceProjection {
    public let inputs: Int
    public let outputs: Int
    let tensors: [(name: String, tensor: RecurrentWeights.Tensor)]
    let prior: WeightPrior?

    /// A projection of `inputs → outputs`; Bayesian when `prior` is given (scales starting at
    /// `softplus(rhoInitial)`).
    public init(inputs: Int, outputs: Int, prior: WeightPrior? = nil, rhoInitial: Float = BayesDense.defaultRhoInitial,
                _ initializer: ParameterInitializer) throws {
        self.inputs = inputs
        self.outputs = outputs
        self.prior = prior
        let means = [("weight", try WeightInitialization.lecunUniform.draw(Shape.validated([inputs, outputs], for: "SequenceProjection"),
                                                                           fanIn: inputs, initializer)),
                     ("bias", try initializer.constant([outputs], 0))]
        tensors = try RecurrentWeights.tensors(means, prior: prior, rhoInitial: rhoInitial, initializer)
    }

    /// `y_t = h_t·W + b` for every step `h_t` (`[B, inputs]`), with one draw of `W` and `b` for
    /// the whole sequence (see the type's documentation).
    public func callAsFunction(_ steps: [Variable], _ context: ForwardContext) throws -> [Variable] {
        let tape = context.tape
        let values = try RecurrentWeights.draw(tensors, prior: prior, context)
        return try steps.map { step in
            try requireShape(step.value, [step.shape.rank == 2 ? step.shape[0] : 0, inputs], "SequenceProjection", "a step")
            return try tape.add(tape.matmul(step, values[0]), values[1], alongAxis: 1)
        }
    }

    /// `weight` and `bias`, with `_mu` and `_rho` when Bayesian.
    public var namedParameters: [NamedParameter] { RecurrentWeights.namedParameters(tensors) }
}
