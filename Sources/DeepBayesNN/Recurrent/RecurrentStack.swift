import DeepBayesCore

/// Recurrent layers stacked: the outputs of each are the steps of the next. Parameter names are
/// prefixed with the layer's index.
public final class RecurrentStack {
    public let layers: [RecurrentLayer]

    /// Layers of `units[0]`, `units[1]`, … cells over steps of `inputs` features, all of the same
    /// kind (`RecurrentLayer.init` states the other arguments).
    public init(cell: RecurrentCell, inputs: Int, units: [Int], prior: WeightPrior? = nil, rhoInitial: Float = BayesDense.defaultRhoInitial,
                dropout: Float = 0, monteCarlo: Bool = false, _ initializer: ParameterInitializer) throws {
        guard !units.isEmpty else {
            throw DeepBayesError.invalidArgument(operation: "RecurrentStack", reason: "a recurrent network needs at least one layer")
        }
        var width = inputs
        layers = try units.map { count in
            defer { width = count }
            return try RecurrentLayer(cell: cell, inputs: width, units: count, prior: prior, rhoInitial: rhoInitial,
                                      dropout: dropout, monteCarlo: monteCarlo, initializer)
        }
    }

    /// The units of the last layer.
    public var outputWidth: Int { layers.last!.units }

    /// The last layer's outputs for the steps and every layer's final state, from `initial`
    /// (one state per layer; zeros when nil).
    public func run(_ steps: [Variable], from initial: [RecurrentState]?, _ context: ForwardContext) throws
        -> (outputs: [Variable], final: [RecurrentState]) {
        if let initial, initial.count != layers.count {
            throw DeepBayesError.invalidArgument(operation: "RecurrentStack", reason: "\(initial.count) initial states for \(layers.count) layers")
        }
        var sequence = steps, finals: [RecurrentState] = []
        for (index, layer) in layers.enumerated() {
            let (outputs, final) = try layer.run(sequence, from: initial?[index], context)
            sequence = outputs
            finals.append(final)
        }
        return (sequence, finals)
    }

    public var namedParameters: [NamedParameter] {
        layers.enumerated().flatMap { index, layer in layer.namedParameters.map { $0.prefixed(String(index)) } }
    }
}

/// A recurrent encoder of fixed-length batch-first sequences, for classifiers: an `[N, T, F]`
/// input, or the same stored flat as `[N, T·F]`, is read as `T` steps of `F` features (row-by-row
/// MNIST: 28 rows of 28 pixels), run through the stack from a zero state, and the last step's
/// output (`[N, H]`) is returned.
public final class SequenceEncoder: Layer {
    public let stack: RecurrentStack
    public let steps: Int
    public let stepWidth: Int

    public init(stack: RecurrentStack, steps: Int, stepWidth: Int) throws {
        guard steps >= 1, stepWidth == stack.layers[0].inputs else {
            throw DeepBayesError.invalidArgument(operation: "SequenceEncoder",
                                                 reason: "\(steps) steps of \(stepWidth) features for a first layer of \(stack.layers[0].inputs) inputs")
        }
        self.stack = stack
        self.steps = steps
        self.stepWidth = stepWidth
    }

    public func callAsFunction(_ input: Variable, _ context: ForwardContext) throws -> Variable {
        let flat = input.shape.rank == 2 && input.shape[1] == steps * stepWidth
        guard flat || input.shape.rank == 3 && input.shape[1] == steps && input.shape[2] == stepWidth else {
            throw DeepBayesError.shapeMismatch(operation: "SequenceEncoder",
                                               reason: "input has shape \(input.shape), expected [N, \(steps), \(stepWidth)] or [N, \(steps * stepWidth)]")
        }
        let tape = context.tape
        let rows = try flat ? input : tape.reshape(input, to: [input.shape[0], steps * stepWidth])
        let sequence = try (0..<steps).map { try tape.sliceColumns(rows, start: $0 * stepWidth, count: stepWidth) }
        return try stack.run(sequence, from: nil, context).outputs.last!
    }

    public var namedParameters: [NamedParameter] { stack.namedParameters }
}
