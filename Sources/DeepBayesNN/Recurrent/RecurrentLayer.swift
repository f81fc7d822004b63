import DeepBayesCore

/// One recurrent layer (LSTM or GRU) run over a sequence given as its steps, each `[B, F]`.
///
/// Every step is two matrix products and one fused cell kernel:
///
///     LSTM: a_t = x_t·W_x + h_{t-1}·W_h + b,  (h_t, c_t) = lstmCell(a_t, c_{t-1})
///     GRU:  h_t = gruCell(x_t·W_x + b, h_{t-1}·W_h + b_h, h_{t-1})
///
/// With a Gaussian posterior over the weights (Bayes by Backprop through time, see
/// `RecurrentWeights`) one weight sample serves every step of the pass.
///
/// **Variational dropout** (Gal & Ghahramani 2016, "A theoretically grounded application of
/// dropout in recurrent neural networks"): with `dropout` p > 0 the layer draws one inverted
/// dropout mask for its inputs (`[B, F]`) and one for its recurrent state (`[B, H]`) per pass,
/// and multiplies `x_t` and `h_{t-1}` (before the products) by the **same** masks at every step.
/// It is on while training, and also at prediction when `monteCarlo` is set (MC dropout).
public final class RecurrentLayer {
    /// The MC-dropout probability the command line gives recurrent models when none is asked
    /// for: ¼, lower than the ½ of dense layers, because a variational mask holds for every
    /// step of a sequence (for row-by-row MNIST it drops whole pixel columns of an image).
    public static let defaultMonteCarloDropout: Float = 0.25

    public let cell: RecurrentCell
    public let inputs: Int
    public let units: Int
    public let dropout: Float
    public let monteCarlo: Bool
    let weights: RecurrentWeights

    /// A layer of `inputs → units`; Bayesian when `prior` is given (scales starting at
    /// `softplus(rhoInitial)`); `dropout` must lie in [0, 1).
    public init(cell: RecurrentCell, inputs: Int, units: Int, prior: WeightPrior? = nil, rhoInitial: Float = BayesDense.defaultRhoInitial,
                dropout: Float = 0, monteCarlo: Bool = false, _ initializer: ParameterInitializer) throws {
        guard dropout >= 0, dropout < 1 else {
            throw DeepBayesError.invalidArgument(operation: "RecurrentLayer", reason: "drop probability \(dropout) must lie in [0, 1)")
        }
        self.cell = cell
        self.inputs = inputs
        self.units = units
        self.dropout = dropout
        self.monteCarlo = monteCarlo
        weights = try RecurrentWeights(cell: cell, inputs: inputs, units: units, prior: prior, rhoInitial: rhoInitial, initializer)
    }

    /// The outputs `h_1 … h_T` of the steps `x_1 … x_T` (each `[B, inputs]`) and the state after
    /// the last, starting from `initial` (zeros when nil).
    public func run(_ steps: [Variable], from initial: RecurrentState?, _ context: ForwardContext) throws
        -> (outputs: [Variable], final: RecurrentState) {
        guard let first = steps.first else {
            throw DeepBayesError.invalidArgument(operation: "RecurrentLayer", reason: "a sequence needs at least one step")
        }
        let tape = context.tape
        let batch = first.shape.rank == 2 ? first.shape[0] : 0
        for step in steps {
            try requireShape(step.value, [batch, inputs], "RecurrentLayer", "a step")
        }
        var state = try initial ?? RecurrentState.zeros(cell, batch: batch, units: units, on: tape)
        try requireShape(state.hidden.value, [batch, units], "RecurrentLayer", "the initial hidden state")
        if cell == .lstm {
            guard let c = state.cell else {
                throw DeepBayesError.invalidArgument(operation: "RecurrentLayer", reason: "an LSTM's initial state needs its cell")
            }
            try requireShape(c.value, [batch, units], "RecurrentLayer", "the initial cell")
        }
        let values = try weights.draw(context)
        let masks = try dropoutMasks(batch: batch, context)
        var outputs: [Variable] = []
        outputs.reserveCapacity(steps.count)
        for step in steps {
            let x = try masks.map { try tape.multiply(step, $0.input) } ?? step
            let h = try masks.map { try tape.multiply(state.hidden, $0.hidden) } ?? state.hidden
            let inputPart = try tape.matmul(x, values[0]), recurrentPart = try tape.matmul(h, values[1])
            switch cell {
            case .lstm:
                let gates = try tape.add(tape.add(inputPart, recurrentPart), values[2], alongAxis: 1)
                let next = try tape.lstmCell(gates: gates, cell: state.cell!)
                state = RecurrentState(hidden: next.hidden, cell: next.cell)
            case .gru:
                let hidden = try tape.gruCell(inputGates: tape.add(inputPart, values[2], alongAxis: 1),
                                              hiddenGates: tape.add(recurrentPart, values[3], alongAxis: 1), hidden: state.hidden)
                state = RecurrentState(hidden: hidden)
            }
            outputs.append(state.hidden)
        }
        return (outputs, state)
    }

    /// The pass's input and state masks, or nil when dropout is off for it.
    private func dropoutMasks(batch: Int, _ context: ForwardContext) throws -> (input: Variable, hidden: Variable)? {
        guard dropout > 0, context.mode == .training || monteCarlo else { return nil }
        let backend = context.backend, tape = context.tape
        let input = try backend.dropoutMask([batch, inputs], dropProbability: dropout, context.nextRandomStream())
        let hidden = try backend.dropoutMask([batch, units], dropProbability: dropout, context.nextRandomStream())
        return (tape.constant(input), tape.constant(hidden))
    }

    /// The weights by checkpoint name (see `RecurrentWeights.namedParameters`).
    public var namedParameters: [NamedParameter] { weights.namedParameters }

    /// The Gaussian posteriors of a Bayesian layer's input and recurrent matrices; empty for a
    /// point-weight layer.
    public var weightPosteriors: [GaussianPosterior] { weights.weightPosteriors }
}
