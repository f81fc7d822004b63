import DeepBayesCore

/// The weights of one recurrent layer: the input matrix `W_x` (`[F, kH]`), the recurrent matrix
/// `W_h` (`[H, kH]`), the bias `b` (`[kH]`) and, for a GRU, the recurrent bias `b_h`, with `k`
/// the cell's gate count. Each is a point estimate, or a mean-field Gaussian posterior
/// `N(μ, softplus(ρ)²)` as in `BayesDense`.
///
/// Bayes by Backprop through time (Fortunato, Blundell & Vinyals 2017) draws **one** sample of
/// every weight per forward pass, i.e. per minibatch (or per truncated chunk of one), and uses
/// it at every time step; `draw` does that, and adds the pass's KL term once. With
/// `BayesianObjective(numberOfBatches:)` set to the number of optimizer steps per epoch (the
/// minibatches times the truncated chunks per sequence, the paper's `B·C`), an epoch's losses
/// then sum to the whole KL plus the NLL of every sequence: the negative ELBO.
///
/// Initial means are `U(±1/√H)` for every weight (as PyTorch's recurrent layers), the biases 0
/// except an LSTM's forget-gate block at 1.
final class RecurrentWeights {
    /// A weight tensor of either kind.
    enum Tensor {
        case point(Parameter)
        case bayesian(GaussianPosterior)
    }

    let tensors: [(name: String, tensor: Tensor)]
    let prior: WeightPrior?

    /// The weights of a `cell` layer of `inputs → units`; Bayesian when `prior` is given, its
    /// scales starting at `softplus(rhoInitial)`.
    init(cell: RecurrentCell, inputs: Int, units: Int, prior: WeightPrior?, rhoInitial: Float, _ initializer: ParameterInitializer) throws {
        let width = cell.gateCount * units
        func weight(_ rows: Int) throws -> Parameter {
            try WeightInitialization.lecunUniform.draw(Shape.validated([rows, width], for: "RecurrentLayer"), fanIn: units, initializer)
        }
        var biasValues = [Float](repeating: 0, count: width)
        if cell == .lstm { for j in units..<(2 * units) { biasValues[j] = 1 } }
        var means: [(String, Parameter)] = [("input_weight", try weight(inputs)), ("recurrent_weight", try weight(units)),
                                           ("bias", Parameter(try initializer.backend.tensor(biasValues, shape: [width])))]
        if cell.hasRecurrentBias { means.append(("recurrent_bias", try initializer.constant([width], 0))) }
        tensors = try Self.tensors(means, prior: prior, rhoInitial: rhoInitial, initializer)
        self.prior = prior
    }

    /// The named initial values `means` as point weights, or with a prior as the means of
    /// posteriors whose scales start at `softplus(rhoInitial)` (also `SequenceProjection`'s).
    static func tensors(_ means: [(String, Parameter)], prior: WeightPrior?, rhoInitial: Float,
                        _ initializer: ParameterInitializer) throws -> [(name: String, tensor: Tensor)] {
        try means.map { name, mean in
            (name, try prior.map { _ in .bayesian(try GaussianPosterior(mu: mean, rhoInitial: rhoInitial, initializer)) } ?? .point(mean))
        }
    }

    /// The values every step of one pass uses, in `tensors` order: the parameters themselves,
    /// or one sample of each posterior (its means when the pass does not sample weights), in
    /// which case the KL of all of them is added to `context`.
    func draw(_ context: ForwardContext) throws -> [Variable] {
        try Self.draw(tensors, prior: prior, context)
    }

    /// `draw` for any weights drawn once per pass (also `SequenceProjection`'s): the values of
    /// `tensors` in order, and the KL of the sampled ones added to `context` as one term.
    static func draw(_ tensors: [(name: String, tensor: Tensor)], prior: WeightPrior?, _ context: ForwardContext) throws -> [Variable] {
        let tape = context.tape
        var kl: Variable?
        let values = try tensors.map { _, tensor -> Variable in
            switch tensor {
            case let .point(parameter): return tape.watch(parameter)
            case let .bayesian(posterior):
                guard context.samplesWeights, let prior else { return tape.watch(posterior.mu) }
                let (sample, term) = try posterior.sampleWithKL(prior: prior, context)
                kl = try kl.map { try tape.add($0, term) } ?? term
                return sample
            }
        }
        if let kl { context.addKL(kl) }
        return values
    }

    /// `input_weight`, `recurrent_weight`, `bias` (and `recurrent_bias`), with `_mu` and `_rho`
    /// for a Bayesian layer.
    var namedParameters: [NamedParameter] { Self.namedParameters(tensors) }

    /// The checkpoint names of `tensors`: a point weight's own name, a posterior's with `_mu` and `_rho`.
    static func namedParameters(_ tensors: [(name: String, tensor: Tensor)]) -> [NamedParameter] {
        tensors.flatMap { name, tensor -> [NamedParameter] in
            switch tensor {
            case let .point(parameter): return [NamedParameter(name, parameter)]
            case let .bayesian(posterior): return [NamedParameter(name + "_mu", posterior.mu), NamedParameter(name + "_rho", posterior.rho)]
            }
        }
    }

    /// The posteriors of a Bayesian layer's two weight matrices (signal-to-noise pruning
    /// leaves biases alone); empty for point weights.
    var weightPosteriors: [GaussianPosterior] {
        tensors.prefix(2).compactMap { if case let .bayesian(posterior) = $0.tensor { return posterior } else { return nil } }
    }
}
