import DeepBayesBackendConformance
import DeepBayesBackends
import DeepBayesNN
import Foundation
import Testing

/// Nothing outlives a training step: once a step returns, its tape, activations, noise and
/// gradients are freed (their buffers go back to the backend's pool), so memory stays flat
/// however many steps run. Checked with weak references, which is exact where a process-wide
/// memory figure would be disturbed by suites running in parallel.
@Suite struct TrainingMemoryTests {
    /// Weak handles to what one step made.
    final class StepLeftovers {
        weak var tape: Tape?
        weak var logits: Tensor?
        weak var loss: Tensor?
        var gradients: [Weak] = []
        struct Weak { weak var tensor: Tensor? }

        var survivors: Int {
            [tape as AnyObject?, logits, loss].compactMap { $0 }.count + gradients.filter { $0.tensor != nil }.count
        }
    }

    @Test(arguments: TestBackends.names)
    func aStepRetainsNothingOnceItReturns(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let initializer = ParameterInitializer(backend: backend, seed: 61)
        let prior = WeightPrior.scaleMixture(try ScaleMixturePrior(pi: 0.5, sigma1: 1, sigma2: exp(-6)))
        let model = Sequential([
            try BayesDense(inputs: 32, outputs: 16, prior: prior, initializer),
            try Activation(.relu),
            try BatchNorm(features: 16, initializer),
            try Dropout(0.2),
            try BayesDense(inputs: 16, outputs: 10, prior: prior, estimator: .localReparameterization, initializer),
        ])
        var random = HostRandom(seed: 62)
        let x = try backend.tensor(random.array(8 * 32), shape: [8, 32])
        let y = try backend.tensor((0..<8).map { _ in Float(random.next() % 10) }, shape: [8])
        let objective = try BayesianObjective(numberOfBatches: 10)
        let optimizer = Adam(clipNorm: 5)

        func step(_ index: Int, _ leftovers: StepLeftovers) throws {
            let tape = Tape(backend: backend)
            let context = ForwardContext(tape: tape, mode: .training, seed: 63, pass: UInt64(index))
            let logits = try model(tape.constant(x), context)
            let nll = try tape.crossEntropy(logits: logits, labels: y)
            let loss = try objective.minibatchLoss(kl: context.totalKL(), negativeLogLikelihoods: nll, on: tape)
            try tape.backward(from: loss)
            leftovers.tape = tape
            leftovers.logits = logits.value
            leftovers.loss = loss.value
            leftovers.gradients = model.trainableParameters.map { StepLeftovers.Weak(tensor: $0.gradient) }
            #expect(leftovers.gradients.allSatisfy { $0.tensor != nil }, "every parameter gets a gradient")
            try optimizer.step(model.trainableParameters)
            _ = try loss.value.scalar()
        }
        for index in 0..<3 {
            let leftovers = StepLeftovers()
            try step(index, leftovers)
            #expect(leftovers.survivors == 0, "\(backendName): \(leftovers.survivors) objects of step \(index) outlived it")
        }
        #expect(model.trainableParameters.allSatisfy { $0.gradient == nil }, "the optimizer consumes the gradients")
    }
}
