import DeepBayesBackendConformance
import DeepBayesBackends
import DeepBayesNN
import Foundation
import Testing

/// The prediction API against summaries computed independently on the host, in `Double`,
/// from the same sampled passes.
@Suite struct PredictionTests {
    /// A Bayesian classifier with broad posteriors (ρ = 0) so that passes disagree. Each pass
    /// `t` is re-run by hand with the same seed and pass number; the host computes `p̄`,
    /// `H[p̄]`, `(1/T) Σ H[p_t]` and their difference. Agreement within 1e-5 absolute.
    @Test(arguments: TestBackends.names)
    func classifierSummariesMatchHandComputedOnes(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let initializer = ParameterInitializer(backend: backend, seed: 71)
        let model = Sequential([
            try BayesDense(inputs: 5, outputs: 12, prior: .gaussian(sigma: 1), rhoInitial: 0, initializer),
            try Activation(.tanh),
            try BayesDense(inputs: 12, outputs: 4, prior: .gaussian(sigma: 1), rhoInitial: 0, initializer),
        ])
        var random = HostRandom(seed: 72)
        let (rows, classes, samples) = (6, 4, 9)
        let input = try backend.tensor(random.array(rows * 5, -2, 2), shape: [rows, 5])
        let prediction = try BayesianPrediction.classify(model, input: input, samples: samples, seed: 73)

        var meanProbabilities = [Double](repeating: 0, count: rows * classes)
        var expectedEntropy = [Double](repeating: 0, count: rows)
        for t in 0..<samples {
            let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .inference,
                                         seed: 73, pass: RandomPass(.evaluation, index: UInt64(t)))
            let logits = try model(context.tape.constant(input), context).value.toArray().map(Double.init)
            for r in 0..<rows {
                let row = logits[r * classes..<(r + 1) * classes]
                let top = row.max()!, total = row.map { exp($0 - top) }.reduce(0, +)
                for c in 0..<classes {
                    let p = exp(logits[r * classes + c] - top) / total
                    meanProbabilities[r * classes + c] += p / Double(samples)
                    expectedEntropy[r] -= p * log(p) / Double(samples)
                }
            }
        }
        var sawDisagreement = false
        for r in 0..<rows {
            let predictive = -(0..<classes).map { meanProbabilities[r * classes + $0] }.map { $0 * log($0) }.reduce(0, +)
            #expect(abs(Double(prediction.predictiveEntropy[r]) - predictive) <= 1e-5)
            #expect(abs(Double(prediction.expectedEntropy[r]) - expectedEntropy[r]) <= 1e-5)
            #expect(abs(Double(prediction.mutualInformation[r]) - (predictive - expectedEntropy[r])) <= 1e-5)
            sawDisagreement = sawDisagreement || prediction.mutualInformation[r] > 1e-3
            for c in 0..<classes {
                #expect(abs(Double(prediction.meanProbabilities[r * classes + c]) - meanProbabilities[r * classes + c]) <= 1e-6)
            }
        }
        #expect(sawDisagreement, "broad posteriors must give some mutual information")
        let best = (0..<classes).max { meanProbabilities[$0] < meanProbabilities[$1] }!
        #expect(prediction.predictedClass(0) == best)
    }

    /// A deterministic network (no sampled layers) has zero epistemic uncertainty: mutual
    /// information 0 and predictive entropy equal to the expected entropy; a regressor
    /// without a variance head reports zero aleatoric variance.
    @Test(arguments: TestBackends.names)
    func deterministicModelsHaveNoEpistemicUncertainty(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let initializer = ParameterInitializer(backend: backend, seed: 74)
        let model = Sequential([try Dense(inputs: 3, outputs: 5, initializer)])
        var random = HostRandom(seed: 75)
        let input = try backend.tensor(random.array(4 * 3), shape: [4, 3])
        let prediction = try BayesianPrediction.classify(model, input: input, samples: 5, seed: 76)
        for r in 0..<4 {
            #expect(prediction.mutualInformation[r] <= 1e-6)
            #expect(abs(prediction.predictiveEntropy[r] - prediction.expectedEntropy[r]) <= 1e-5)
        }
        let regression = try BayesianPrediction.regress(samples: 3, seed: 77, on: backend) { context in
            (try model(context.tape.constant(input), context), nil)
        }
        #expect(regression.epistemicVariance.allSatisfy { $0 <= 1e-6 })
        #expect(regression.aleatoricVariance.allSatisfy { $0 == 0 })
        #expect(throws: DeepBayesError.self) {
            try BayesianPrediction.classify(model, input: input, samples: 0, seed: 1)
        }
    }
}
