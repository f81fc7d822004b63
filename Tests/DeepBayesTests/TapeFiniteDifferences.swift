import DeepBayesBackendConformance
import DeepBayesBackends
import DeepBayesNN
import Testing

/// Checks the gradients `Tape.backward(from:)` gathers against central finite differences of
/// the same forward pass, evaluated in `Float` on the same backend.
///
/// `graph` builds outputs `y_t` from a fresh `ForwardContext`; the checked scalar is
///
///     L = Σ_t Σ_j r_tj · y_tj
///
/// with `r_t` a fixed upstream uniform in [-1, 1] for an output of several elements and 1 for
/// a one-element output (a loss or a KL). The tape gradient comes from `backward(from:)` on
/// `L` recorded on the tape. Each finite difference rebuilds the pass (same mode, seed and
/// pass number, so dropout masks and weight noise are identical) on a non-recording tape with
/// one coordinate of `parameter.value` replaced, and accumulates `L` on the host in `Double`
/// from the outputs' values:
///
///     fd = (L(x + h) - L(x - h)) / 2h,   h = step · max(1, |x|),
///     |g - fd| <= tolerance · max(1, max |fd|)   at every probe,
///
/// with `probes` coordinates spread over each parameter. Float rounding of the forward pass
/// and the curvature term `h²·L'''/6` keep the error of `fd` below 5e-4 · scale in
/// `LayerGradientTests`; the default tolerance 5e-3 leaves ten times that, and still fails
/// for a missing term, a wrong sign, a swapped transpose, or a gradient off by 2%. A check also
/// fails when a parameter got no gradient, or when every probe's `fd` is below 1e-3 (it would
/// prove nothing).
struct TapeGradientCheck {
    let backend: any Backend
    var mode: ForwardMode = .training
    var seed: UInt64 = 0x5EED
    var pass: UInt64 = 3
    var step: Double = 1e-2
    var tolerance: Double = 5e-3
    var probes: Int = 16

    init(_ backend: any Backend) {
        self.backend = backend
    }

    /// A parameter of `shape` with values uniform in `range` (an input, when watched).
    func parameter(_ shape: Shape, _ random: inout HostRandom, _ range: ClosedRange<Float> = -1...1) throws -> Parameter {
        Parameter(try backend.tensor(random.array(shape.count, range.lowerBound, range.upperBound), shape: shape))
    }

    /// A parameter of `shape` with magnitudes uniform in [0.2, 1] and random signs, so that
    /// `x ± h` stays on one side of a relu kink.
    func parameterAwayFromZero(_ shape: Shape, _ random: inout HostRandom) throws -> Parameter {
        let values = (0..<shape.count).map { _ in random.uniform(0.2, 1) * (random.next() & 1 == 0 ? 1 : -1) }
        return Parameter(try backend.tensor(values, shape: shape))
    }

    /// Replaces `parameter.value` with values uniform in `range`.
    func randomize(_ parameter: Parameter, _ random: inout HostRandom, _ range: ClosedRange<Float> = -1...1) throws {
        parameter.value = try backend.tensor(random.array(parameter.shape.count, range.lowerBound, range.upperBound), shape: parameter.shape)
    }

    /// Expects the tape's gradient of `L` (see the type) with respect to every parameter in
    /// `parameters` to match finite differences.
    func expectGradients(_ parameters: [NamedParameter], sourceLocation: SourceLocation = #_sourceLocation,
                         _ graph: (ForwardContext) throws -> [Variable]) throws {
        for named in parameters { named.parameter.gradient = nil }
        let tape = Tape(backend: backend)
        try tape.backward(from: weightedSum(graph(context(tape)), on: tape))

        for named in parameters {
            let parameter = named.parameter, original = parameter.value, x = try original.toArray()
            guard let gradient = try parameter.gradient?.toArray() else {
                Issue.record("\(named.name): no gradient on \(backend.name)", sourceLocation: sourceLocation)
                continue
            }
            #expect(gradient.count == x.count, "\(named.name): \(gradient.count) gradient values for \(x.count)", sourceLocation: sourceLocation)
            let indices = probeIndices(x.count, limit: probes)
            let fd = try indices.map { i -> Double in
                let h = step * max(1, abs(Double(x[i])))
                func loss(at value: Double) throws -> Double {
                    var perturbed = x
                    perturbed[i] = Float(value)
                    parameter.value = try backend.tensor(perturbed, shape: original.shape)
                    return try hostLoss(graph(context(Tape(backend: backend, recordsGradients: false))))
                }
                // The step actually taken, after rounding x ± h to Float.
                let (plus, minus) = (Double(Float(Double(x[i]) + h)), Double(Float(Double(x[i]) - h)))
                return try (loss(at: plus) - loss(at: minus)) / (plus - minus)
            }
            parameter.value = original
            let scale = max(1, fd.map(abs).max() ?? 0)
            let worst = zip(indices, fd).map { abs(Double(gradient[$0.0]) - $0.1) }.max() ?? 0
            #expect(fd.contains { abs($0) > 1e-3 }, "\(named.name): every probe's finite difference is ~0; the check proves nothing",
                    sourceLocation: sourceLocation)
            #expect(worst <= tolerance * scale, "\(named.name) on \(backend.name): tape gradient differs from finite differences by \(worst) (scale \(scale))",
                    sourceLocation: sourceLocation)
        }
    }

    private func context(_ tape: Tape) -> ForwardContext {
        ForwardContext(tape: tape, mode: mode, seed: seed, pass: pass)
    }

    /// The fixed upstream of output `t`: uniform in [-1, 1], or 1 for a one-element output.
    private func upstream(_ t: Int, count: Int) -> [Float] {
        guard count > 1 else { return [1] }
        var random = HostRandom(seed: 0xAB00 + UInt64(t))
        return random.array(count)
    }

    /// `L` recorded on `tape`.
    private func weightedSum(_ outputs: [Variable], on tape: Tape) throws -> Variable {
        var total: Variable?
        for (t, y) in outputs.enumerated() {
            let r = try backend.tensor(upstream(t, count: y.value.count), shape: y.value.count > 1 ? y.shape : .scalar)
            let term = try y.value.count > 1 ? tape.sum(tape.multiply(y, tape.constant(r))) : tape.sum(y)
            total = try total.map { try tape.add($0, term) } ?? term
        }
        return total!
    }

    /// `L` accumulated on the host in `Double`.
    private func hostLoss(_ outputs: [Variable]) throws -> Double {
        var total = 0.0
        for (t, y) in outputs.enumerated() {
            let values = try y.value.toArray()
            total += zip(values, upstream(t, count: values.count)).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        return total
    }
}
