import DeepBayesCore

/// What T sampled forward passes of a regressor say about each input: the predictive mean,
/// the epistemic variance (the variance of the sampled means: what more data would reduce)
/// and the aleatoric variance (the mean of the predicted noise variances `e^λ`, zero for a
/// model without a variance output). Their sum is the total predictive variance.
public struct RegressionPrediction {
    public let mean: [Float]
    public let epistemicVariance: [Float]
    public let aleatoricVariance: [Float]

    /// `epistemicVariance + aleatoricVariance`.
    public var totalVariance: [Float] { zip(epistemicVariance, aleatoricVariance).map(+) }
}

extension BayesianPrediction {
    /// Runs `forward` `samples` times in inference mode (pass `firstPass.advanced(by: t)` of `seed`); it
    /// returns the predicted means and, for a heteroscedastic model, log-variances, one per
    /// input (any shape with `N` elements). The moments are accumulated on the host in
    /// `Double` (N values per pass), so the variance does not lose digits to cancellation.
    public static func regress(samples: Int, seed: UInt64, firstPass: RandomPass = RandomPass(.evaluation, index: 0), on backend: any Backend,
                               forward: (ForwardContext) throws -> (mean: Variable, logVariance: Variable?)) throws -> RegressionPrediction {
        guard samples >= 2 else {
            throw DeepBayesError.invalidArgument(operation: "regress", reason: "needs at least two samples for a variance, got \(samples)")
        }
        var sum: [Double] = [], sumOfSquares: [Double] = [], noise: [Double] = []
        for t in 0..<samples {
            let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .inference,
                                         seed: seed, pass: firstPass.advanced(by: t))
            let (mean, logVariance) = try forward(context)
            let values = try mean.value.toArray().map(Double.init)
            let variances = try logVariance.map { try backend.apply(.exp, $0.value).toArray().map(Double.init) } ?? [Double](repeating: 0, count: values.count)
            guard variances.count == values.count else {
                throw DeepBayesError.shapeMismatch(operation: "regress", reason: "log-variance \(logVariance!.shape) does not match mean \(mean.shape)")
            }
            if t == 0 {
                sum = values; sumOfSquares = values.map { $0 * $0 }; noise = variances
            } else {
                for i in values.indices {
                    sum[i] += values[i]; sumOfSquares[i] += values[i] * values[i]; noise[i] += variances[i]
                }
            }
        }
        let n = Double(samples)
        let mean = sum.map { $0 / n }
        return RegressionPrediction(mean: mean.map(Float.init),
                                    epistemicVariance: zip(sumOfSquares, mean).map { Float(max(0, $0 / n - $1 * $1)) },
                                    aleatoricVariance: noise.map { Float($0 / n) })
    }
}
