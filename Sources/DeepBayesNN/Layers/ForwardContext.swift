import DeepBayesCore

/// Whether a forward pass trains (batch statistics, dropout on) or predicts.
public enum ForwardMode: Sendable {
    case training
    case inference
}

/// Everything one forward pass shares: the tape it records on, the mode, where its random
/// numbers come from, and the KL terms its Bayesian layers add.
///
/// Random streams: the pass hands out the streams of its `RandomPass` (draw 0, 1, 2, …) under
/// `seed`, in the order layers ask for them, so the same seed and pass draw the same noise on
/// every backend. Use a new pass for every minibatch, sub-pass and prediction sample.
public final class ForwardContext {
    public let tape: Tape
    public let mode: ForwardMode
    public let seed: UInt64
    public let pass: RandomPass
    /// When false, Bayesian layers use their posterior means instead of sampling and add no KL.
    public let samplesWeights: Bool
    private var streamsUsed: UInt64 = 0
    private(set) var klTerms: [Variable] = []

    public init(tape: Tape, mode: ForwardMode, seed: UInt64, pass: RandomPass, samplesWeights: Bool = true) {
        self.tape = tape
        self.mode = mode
        self.seed = seed
        self.pass = pass
        self.samplesWeights = samplesWeights
    }

    /// The backend of the tape.
    public var backend: any Backend { tape.backend }

    /// The next unused random stream of this pass.
    public func nextRandomStream() -> RandomStream {
        defer { streamsUsed += 1 }
        return pass.randomStream(seed: seed, draw: streamsUsed)
    }

    /// Adds a layer's KL term (a scalar) to the pass's total.
    public func addKL(_ term: Variable) {
        klTerms.append(term)
    }

    /// The sum of the KL terms added so far: a scalar, zero when no Bayesian layer sampled.
    public func totalKL() throws -> Variable {
        guard var total = klTerms.first else { return try tape.constant(backend.zeros(.scalar)) }
        for term in klTerms.dropFirst() { total = try tape.add(total, term) }
        return total
    }
}
