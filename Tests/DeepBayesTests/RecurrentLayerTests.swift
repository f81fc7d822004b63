import DeepBayesBackendConformance
import DeepBayesBackends
import DeepBayesCore
import DeepBayesNN
import Testing

/// Recurrent layers: gradients of single cells and of whole unrolled sequences against finite
/// differences on every backend (see `TapeGradientCheck` for the loss, the step and the tolerance
/// `|g - fd| <= 5e-3 · max(1, max |fd|)`), the variational dropout mask, and the Bayesian
/// layers' KL.
@Suite struct RecurrentLayerTests {
    static let cells: [RecurrentCell] = RecurrentCell.allCases

    /// One step of each cell through the tape: the gradient of the gates (and the previous
    /// state) through every output.
    @Test(arguments: TestBackends.names, cells)
    func singleStep(backendName: String, cell: RecurrentCell) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 11)
        let (batch, units) = (3, 5)
        let gates = try check.parameter([batch, cell.gateCount * units], &random, -3...3)
        let state = try check.parameter([batch, units], &random)
        switch cell {
        case .lstm:
            try check.expectGradients([NamedParameter("gates", gates), NamedParameter("cell", state)]) { context in
                let (h, c) = try context.tape.lstmCell(gates: context.tape.watch(gates), cell: context.tape.watch(state))
                return [h, c]
            }
        case .gru:
            let recurrent = try check.parameter([batch, 3 * units], &random, -3...3)
            try check.expectGradients([NamedParameter("input", gates), NamedParameter("recurrent", recurrent), NamedParameter("hidden", state)]) { context in
                let tape = context.tape
                return [try tape.gruCell(inputGates: tape.watch(gates), hiddenGates: tape.watch(recurrent), hidden: tape.watch(state))]
            }
        }
    }

    /// A two-layer stack unrolled over 6 steps from a given initial state: every weight, the
    /// inputs and the initial state get the gradient of every step's output.
    @Test(arguments: TestBackends.names, cells)
    func unrolledSequence(backendName: String, cell: RecurrentCell) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 12)
        let stack = try RecurrentStack(cell: cell, inputs: 4, units: [5, 3], ParameterInitializer(backend: check.backend, seed: 3))
        for named in stack.namedParameters { try check.randomize(named.parameter, &random, -0.8...0.8) }
        let steps = try (0..<6).map { _ in try check.parameter([2, 4], &random) }
        let initialHidden = try check.parameter([2, 5], &random), initialCell = try check.parameter([2, 5], &random)
        let inputs = steps.enumerated().map { NamedParameter("step \($0.offset)", $0.element) }
            + [NamedParameter("h0", initialHidden)] + (cell == .lstm ? [NamedParameter("c0", initialCell)] : [])
        try check.expectGradients(stack.namedParameters + inputs) { context in
            let tape = context.tape
            let first = RecurrentState(hidden: tape.watch(initialHidden), cell: cell == .lstm ? tape.watch(initialCell) : nil)
            let second = try RecurrentState.zeros(cell, batch: 2, units: 3, on: tape)
            return try stack.run(steps.map { tape.watch($0) }, from: [first, second], context).outputs
        }
    }

    /// The row-by-row encoder of a Bayesian LSTM with both priors and of an MC-dropout GRU, in
    /// training mode (one weight sample and one set of masks for the whole pass): the gradients
    /// of the posteriors' μ and ρ, through the sampled weights and the KL, and of the flat input.
    @Test(arguments: TestBackends.names)
    func bayesianAndDropoutEncoders(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 13)
        let mixture = try ScaleMixturePrior(pi: 0.5, sigma1: 1, sigma2: 0.1)
        let layers: [(RecurrentCell, WeightPrior?, Float)] = [(.lstm, .gaussian(sigma: 0.7), 0), (.lstm, .scaleMixture(mixture), 0), (.gru, nil, 0.3)]
        for (cell, prior, dropout) in layers {
            let initializer = ParameterInitializer(backend: check.backend, seed: 4)
            let stack = try RecurrentStack(cell: cell, inputs: 3, units: [4], prior: prior, rhoInitial: -2, dropout: dropout, initializer)
            let encoder = try SequenceEncoder(stack: stack, steps: 5, stepWidth: 3)
            let images = try check.parameter([2, 15], &random)
            try check.expectGradients(encoder.namedParameters + [NamedParameter("images", images)]) { context in
                let output = try encoder(context.tape.watch(images), context)
                return [output, try context.totalKL()]
            }
        }
    }

    /// Variational dropout draws one input mask per pass and applies it at every step: with the
    /// recurrent matrix set to zero (so the hidden mask does not matter), a training pass over
    /// five copies of `x` equals a dropout-free pass over five copies of `x ⊙ m`, with `m` the
    /// pass's first draw; the same pass repeats its masks, another pass draws others.
    @Test(arguments: TestBackends.names)
    func dropoutMaskIsSharedByTheSteps(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let layer = try RecurrentLayer(cell: .lstm, inputs: 16, units: 8, dropout: 0.5, ParameterInitializer(backend: backend, seed: 5))
        let recurrent = layer.namedParameters.first { $0.name == "recurrent_weight" }!.parameter
        recurrent.value = try backend.zeros(recurrent.shape)
        var random = HostRandom(seed: 14)
        let x = try backend.tensor(random.array(4 * 16), shape: [4, 16])
        func pass(_ index: UInt64) throws -> [[Float]] {
            let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .training, seed: 9, pass: RandomPass(.training, index: index))
            let steps = Array(repeating: context.tape.constant(x), count: 5)
            return try layer.run(steps, from: nil, context).outputs.map { try $0.value.toArray() }
        }
        let first = try pass(0), again = try pass(0), other = try pass(1)
        #expect(first == again, "the same pass must draw the same masks")
        let noDropout = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .inference, seed: 9, pass: RandomPass(.training, index: 0))
        let clean = try layer.run([noDropout.tape.constant(x)], from: nil, noDropout).outputs[0].value.toArray()
        #expect(first[0] != clean, "dropout must change the first step")
        #expect(first[0] != other[0], "another pass must draw other masks")
        let mask = try backend.dropoutMask([4, 16], dropProbability: 0.5, RandomPass(.training, index: 0).randomStream(seed: 9, draw: 0))
        let masked = try backend.combine(.multiply, x, mask)
        let reference = try layer.run(Array(repeating: noDropout.tape.constant(masked), count: 5), from: nil, noDropout).outputs.map { try $0.value.toArray() }
        for t in 0..<5 {
            for (a, b) in zip(first[t], reference[t]) { #expect(abs(a - b) <= 1e-6, "step \(t): \(a) vs \(b)") }
        }
    }
}
