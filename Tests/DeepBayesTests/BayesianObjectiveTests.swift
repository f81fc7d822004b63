import DeepBayesBackendConformance
import DeepBayesBackends
import DeepBayesNN
import Foundation
import Testing

/// The KL scaling of `BayesianObjective`: over an epoch, the minibatch losses add up to the
/// negative ELBO of the whole dataset, `KL + Σᵢ NLLᵢ`.
@Suite struct BayesianObjectiveTests {
    static let priors: [(String, WeightPrior)] = [
        ("gaussian", .gaussian(sigma: 0.5)),
        ("mixture", .scaleMixture(try! ScaleMixturePrior(pi: 0.5, sigma1: 1, sigma2: exp(-6)))),
    ]

    /// 100 items in batches of 32 (the last one partial: M = 4). Every batch uses the same
    /// pass number, hence the same weight sample `w`, so `Σ_b L_b` must equal the loss of one
    /// batch holding all 100 items with M = 1: `KL(w) + Σᵢ NLLᵢ(w)`. For the Gaussian prior the
    /// KL is also checked against the closed form evaluated on the host in `Double`.
    @Test(arguments: TestBackends.names, [0, 1])
    func epochOfMinibatchLossesIsTheNegativeELBO(backendName: String, priorIndex: Int) throws {
        let backend = TestBackends.backend(backendName)
        let (priorName, prior) = Self.priors[priorIndex]
        let initializer = ParameterInitializer(backend: backend, seed: 41)
        let model = Sequential([
            try BayesDense(inputs: 6, outputs: 8, prior: prior, rhoInitial: -3, initializer),
            try Activation(.tanh),
            try BayesDense(inputs: 8, outputs: 3, prior: prior, rhoInitial: -3, initializer),
        ])
        var random = HostRandom(seed: 42)
        let count = 100, batchSize = 32
        let inputs = random.array(count * 6), labels = (0..<count).map { _ in Float(random.next() % 3) }

        func loss(of range: Range<Int>, batches: Int) throws -> (loss: Float, kl: Float) {
            let tape = Tape(backend: backend)
            let context = ForwardContext(tape: tape, mode: .training, seed: 43, pass: 7)
            let x = try backend.tensor(Array(inputs[range.lowerBound * 6..<range.upperBound * 6]), shape: [range.count, 6])
            let y = try backend.tensor(Array(labels[range]), shape: [range.count])
            let nll = try tape.crossEntropy(logits: model(tape.constant(x), context), labels: y)
            let kl = try context.totalKL()
            let loss = try BayesianObjective(numberOfBatches: batches).minibatchLoss(kl: kl, negativeLogLikelihoods: nll, on: tape)
            return (try loss.value.scalar(), try kl.value.scalar())
        }

        let starts = Array(stride(from: 0, to: count, by: batchSize))
        let epoch = try starts.map { try loss(of: $0..<min($0 + batchSize, count), batches: starts.count) }
        let whole = try loss(of: 0..<count, batches: 1)
        let sum = epoch.map { Double($0.loss) }.reduce(0, +)
        #expect(starts.count == 4)
        #expect(abs(sum - Double(whole.loss)) <= 1e-5 * abs(Double(whole.loss)),
                "\(priorName) on \(backendName): Σ minibatch losses \(sum) vs negative ELBO \(whole.loss)")
        for part in epoch { #expect(part.kl == whole.kl, "the KL must not depend on the batch") }

        if case let .gaussian(sigma) = prior {
            let expected = try Self.closedFormKL(model.namedParameters, priorSigma: Double(sigma))
            #expect(abs(Double(whole.kl) - expected) <= 1e-5 * expected, "KL \(whole.kl) vs closed form \(expected)")
        }
    }

    /// `Σ log(s/σ) + (σ² + μ²)/(2s²) - ½` over every `(μ, ρ)` pair, in `Double`.
    static func closedFormKL(_ parameters: [NamedParameter], priorSigma s: Double) throws -> Double {
        var total = 0.0
        for mu in parameters where mu.name.hasSuffix("_mu") {
            let rhoName = mu.name.dropLast(3) + "_rho"
            let rho = parameters.first { $0.name == rhoName }!
            for (m, r) in zip(try mu.parameter.value.toArray(), try rho.parameter.value.toArray()) {
                let sigma = log1p(exp(Double(r))), mean = Double(m)
                total += log(s / sigma) + (sigma * sigma + mean * mean) / (2 * s * s) - 0.5
            }
        }
        return total
    }
}
