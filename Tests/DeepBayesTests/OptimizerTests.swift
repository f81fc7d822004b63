import DeepBayesBackends
import DeepBayesNN
import Foundation
import Testing

/// The optimizers as layers use them: gradient-norm clipping, skipping parameters without a
/// gradient or not trainable, convergence on a quadratic with a known minimum, and the moving
/// average of parameters against its recurrence computed on the host.
@Suite struct OptimizerTests {
    /// Gradients with global norm 13 (= √(3² + 4² + 12²)) clipped to 6.5 are halved; clipped
    /// to 20 they are unchanged. Checked to 1e-6 relative.
    @Test(arguments: TestBackends.names)
    func clippingScalesToTheMaximumNorm(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        func parameters() throws -> [Parameter] {
            let a = Parameter(try backend.zeros([2])), b = Parameter(try backend.zeros([1, 1]))
            a.gradient = try backend.tensor([3, 4], shape: [2])
            b.gradient = try backend.tensor([12], shape: [1, 1])
            return [a, b]
        }
        let halved = try parameters()
        try GradientClipping.clip(halved, maxNorm: 6.5)
        let got = try halved.flatMap { try $0.gradient!.toArray() }
        for (value, expected) in zip(got, [1.5, 2, 6] as [Float]) {
            #expect(abs(value - expected) <= 1e-6 * expected, "clipped gradient \(got)")
        }
        let kept = try parameters()
        try GradientClipping.clip(kept, maxNorm: 20)
        #expect(try kept.flatMap { try $0.gradient!.toArray() } == [3, 4, 12])
        #expect(throws: DeepBayesError.self) { try GradientClipping.clip(kept, maxNorm: 0) }
    }

    /// Averages from 0 toward sources [1, 2], then toward [3, -1], with decay 0.5: the warm-up
    /// weights are 1/10, 2/11, then the decay caps 3/12 and 4/13 at 0.5. Each value matches the
    /// recurrence `a ← β·a + (1 − β)·p`, computed in Double, to 1e-6; mismatched shapes and a
    /// decay of 1 are typed errors.
    @Test(arguments: TestBackends.names)
    func movingAverageFollowsItsRecurrence(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let source = Parameter(try backend.tensor([1, 2], shape: [2])), average = Parameter(try backend.zeros([2]))
        let ema = try ExponentialMovingAverage(of: [source], into: [average], decay: 0.5)
        var expected: [Double] = [0, 0]
        for (t, values) in [[1, 2], [1, 2], [3, -1], [3, -1]].enumerated() {
            source.value = try backend.tensor(values.map(Float.init), shape: [2])
            let beta = min(0.5, Double(1 + t) / Double(10 + t))
            #expect(abs(Double(ema.weight(atUpdate: t)) - beta) < 1e-7)
            expected = zip(expected, values).map { beta * $0 + (1 - beta) * Double($1) }
            try ema.update()
            let got = try average.value.toArray()
            for (value, want) in zip(got, expected) {
                #expect(abs(Double(value) - want) <= 1e-6, "update \(t): average \(got), expected \(expected)")
            }
        }
        #expect(ema.updates == 4)
        #expect(try source.value.toArray() == [3, -1])
        #expect(throws: DeepBayesError.self) { try ExponentialMovingAverage(of: [source], into: [Parameter(try backend.zeros([3]))], decay: 0.5) }
        #expect(throws: DeepBayesError.self) { try ExponentialMovingAverage(of: [source], into: [average], decay: 1) }
    }

    /// `L = Σ (p - t)²` from p = 0: Adam (lr 0.05) and SGD with momentum (lr 0.05) reach `t`
    /// within 1e-3 in 400 steps; a frozen buffer and a parameter without a gradient stay put.
    @Test(arguments: TestBackends.names, ["adam", "sgd"])
    func optimizersMinimizeAQuadratic(backendName: String, optimizerName: String) throws {
        let backend = TestBackends.backend(backendName)
        let target: [Float] = [1, -2, 0.5, 3]
        let t = try backend.tensor(target, shape: [4])
        let p = Parameter(try backend.zeros([4]))
        let buffer = Parameter(try backend.filled([4], value: 7), isTrainable: false)
        let unused = Parameter(try backend.filled([4], value: 5))
        let optimizer: any Optimizer = optimizerName == "adam"
            ? Adam(AdamConfiguration(learningRate: 0.05))
            : SGD(SGDConfiguration(learningRate: 0.05, momentum: 0.9))
        for _ in 0..<400 {
            let tape = Tape(backend: backend)
            let loss = try tape.sum(tape.apply(.square, tape.subtract(tape.watch(p), tape.constant(t))))
            try tape.backward(from: loss)
            buffer.gradient = try backend.filled([4], value: 1)
            try optimizer.step([p, buffer, unused])
        }
        for (value, expected) in zip(try p.value.toArray(), target) {
            #expect(abs(value - expected) <= 1e-3, "\(optimizerName) ended at \(value), minimum \(expected)")
        }
        #expect(try buffer.value.toArray() == [7, 7, 7, 7], "a buffer is not trainable")
        #expect(try unused.value.toArray() == [5, 5, 5, 5], "a parameter without a gradient is skipped")
    }
}
