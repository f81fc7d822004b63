import DeepBayesCore
import DeepBayesModels
import DeepBayesNN
import Foundation

extension RegressionModel {
    /// Trains the model on the points `(x, y)`: `steps` full-batch Adam steps on `loss`, one
    /// batch (the Bayesian model's KL enters whole, `β = 1`). Step `s` (from 0) runs at the
    /// learning rate `learningRate · finalFactor^(s / steps)`, a geometric decay towards
    /// `finalFactor` times the first (1: constant), and draws its noise from
    /// `RandomPass(.training, index: s)` under `seed`. Returns the last step's loss; `diverged`
    /// if it is not finite, `invalidArgument` unless `x` and `y` have the same, non-zero length
    /// and `steps >= 1`.
    @discardableResult
    public func fit(x: [Float], y: [Float], steps: Int, learningRate: Float, finalFactor: Float = 1, seed: UInt64,
                    on backend: any Backend) throws -> Float {
        guard !x.isEmpty, x.count == y.count, steps >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "RegressionModel.fit", reason: "needs as many targets as inputs (got \(x.count) and \(y.count)), at least one, and at least one step (got \(steps))")
        }
        let inputs = try backend.tensor(x, shape: [x.count, 1]), targets = try backend.tensor(y, shape: [y.count, 1])
        let objective = try BayesianObjective(numberOfBatches: 1)
        let optimizer = Adam(AdamConfiguration(learningRate: learningRate))
        var last: Float = .nan
        for step in 0..<steps {
            optimizer.configuration.learningRate = learningRate * Float(pow(Double(finalFactor), Double(step) / Double(steps)))
            let tape = Tape(backend: backend)
            let context = ForwardContext(tape: tape, mode: .training, seed: seed, pass: RandomPass(.training, index: UInt64(step)))
            let loss = try self.loss(inputs: inputs, targets: targets, objective: objective, context).loss
            try tape.backward(from: loss)
            try optimizer.step(trainableParameters)
            if step == steps - 1 { last = try loss.value.toArray()[0] }
        }
        guard last.isFinite else {
            throw DeepBayesError.diverged(source: "regression", finding: "the training loss is \(last) after \(steps) steps")
        }
        return last
    }
}
