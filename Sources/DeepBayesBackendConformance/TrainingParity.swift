import DeepBayesCore
import DeepBayesNN
import Foundation

/// Cross-device training parity: the same model, seed and data trained for `steps` steps on the
/// oracle (the reference backend) and on the backend under test end with the same losses and parameters.
///
/// This rests on the shared Philox stream (identical weight noise everywhere) and bit-identical
/// initial values (`ParameterInitializer` draws on the host); what remains is float rounding of
/// reductions, which Adam carries forward step by step. Tolerances: every step's loss within
/// 1e-4 relative, every parameter within 1e-4 · max(1, max |parameter|) after 20 steps.
///
/// Measured here (PoCL vs CPU): conv net 1.3e-7, MLP 7.5e-6. The MLP's larger figure comes from
/// its scale-mixture prior with σ₂ = e⁻⁶: the component log-densities are about -w²/2σ₂² ≈ -200,
/// whose float rounding (~1e-5 absolute) moves the mixture responsibilities, and their weight
/// in `∂KL/∂w` is `w/σ₂² ≈ 10⁴`. Plain SGD at a stable rate shows the same 5e-6, so it is the
/// prior's conditioning in float, not the optimizer; with SGD at a rate where that gradient
/// makes training unstable, the trajectories separate as any chaotic system's would.
public enum TrainingParity {
    /// A model under test: its layers and how its input batch is shaped.
    public struct Case: CustomStringConvertible {
        public let description: String
        let inputShape: (Int) -> Shape
        let build: (ParameterInitializer) throws -> Sequential
    }

    public static let mixture = try! ScaleMixturePrior(pi: 0.5, sigma1: 1, sigma2: exp(-6))

    public static let cases: [Case] = [
        Case(description: "Bayesian MLP 64-32-32-10 (mixture prior; reparameterization, local reparameterization, flipout)",
             inputShape: { [$0, 64] }) { initializer in
            Sequential([
                try BayesDense(inputs: 64, outputs: 32, prior: .scaleMixture(mixture), initializer),
                try Activation(.relu),
                try BayesDense(inputs: 32, outputs: 32, prior: .scaleMixture(mixture), estimator: .localReparameterization, initializer),
                try Activation(.relu),
                try BayesDense(inputs: 32, outputs: 10, prior: .scaleMixture(mixture), estimator: .flipout, initializer),
            ])
        },
        Case(description: "Bayesian conv net 1x12x12 → conv 4 → conv 8 (stride 2) → dense 10 (Gaussian prior)",
             inputShape: { [$0, 1, 12, 12] }) { initializer in
            Sequential([
                try BayesConv2D(inChannels: 1, outChannels: 4, window: ConvolutionWindow(size: 3, padding: 1), prior: .gaussian(sigma: 1), initializer),
                try Activation(.relu),
                try BayesConv2D(inChannels: 4, outChannels: 8, window: ConvolutionWindow(size: 3, stride: 2, padding: 1), prior: .gaussian(sigma: 1), initializer),
                try Activation(.relu),
                Reshape.flatten,
                try BayesDense(inputs: 8 * 6 * 6, outputs: 10, prior: .gaussian(sigma: 1), initializer),
            ])
        },
    ]

    /// Trains `model` for `steps` Adam steps on 4 fixed minibatches of 16 and returns the loss of
    /// every step and the final parameters by name.
    public static func train(_ testCase: Case, on backend: any Backend, steps: Int) throws -> (losses: [Float], parameters: [String: [Float]]) {
        let model = try testCase.build(ParameterInitializer(backend: backend, seed: 51))
        let batches = 4, batchSize = 16
        let shape = testCase.inputShape(batchSize)
        var random = HostRandom(seed: 52)
        let data = try (0..<batches).map { _ in
            (try backend.tensor(random.array(shape.count), shape: shape),
             try backend.tensor((0..<batchSize).map { _ in Float(random.next() % 10) }, shape: [batchSize]))
        }
        let objective = try BayesianObjective(numberOfBatches: batches)
        let optimizer = Adam(AdamConfiguration(learningRate: 0.01))
        var losses: [Float] = []
        for step in 0..<steps {
            let (x, y) = data[step % batches]
            let tape = Tape(backend: backend)
            let context = ForwardContext(tape: tape, mode: .training, seed: 53, pass: RandomPass(.training, index: UInt64(step)))
            let nll = try tape.crossEntropy(logits: model(tape.constant(x), context), labels: y)
            let loss = try objective.minibatchLoss(kl: context.totalKL(), negativeLogLikelihoods: nll, on: tape)
            try tape.backward(from: loss)
            try optimizer.step(model.trainableParameters)
            losses.append(try loss.value.scalar())
        }
        let parameters = try Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, try $0.parameter.value.toArray()) })
        return (losses, parameters)
    }

    /// Trains every case for `steps` steps on `backend` and on `oracle` and records the largest
    /// relative loss difference and the largest parameter difference (scaled by
    /// `max(1, max |parameter|)`) of each, both against `tolerance`.
    static func check(_ backend: any Backend, oracle: any Backend, steps: Int, tolerance: Double,
                      _ report: inout ConformanceReport) throws {
        for testCase in cases {
            let reference = try train(testCase, on: oracle, steps: steps)
            let other = try train(testCase, on: backend, steps: steps)
            var worstLoss: Float = 0
            for (a, b) in zip(reference.losses, other.losses) { worstLoss = max(worstLoss, abs(a - b) / abs(a)) }
            var worstParameter: Float = 0
            for (name, values) in reference.parameters {
                let scale = max(1, values.map(abs).max()!)
                worstParameter = max(worstParameter, zip(values, other.parameters[name]!).map { abs($0 - $1) }.max()! / scale)
            }
            report.record("training \(testCase) losses", error: Double(worstLoss), tolerance: tolerance)
            report.record("training \(testCase) parameters", error: Double(worstParameter), tolerance: tolerance)
        }
    }
}
