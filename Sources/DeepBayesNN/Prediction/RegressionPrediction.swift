import DeepBayesCore

/// What T sampled forward passes of a regressor say about each input: the predictive mean,
/// the epistemic variance (the variance of the sampled means: what more data would reduce)
/// and the aleatoric variance (the mean of the predicted noise variances `e^λ`, zero for a
/// model without a variance output). Their sum is the total predictive variance.
public struct RegressionPrediction {
    public let mean: [Float]
    public let epistemicVariance: [Float]
    public let aleatoricVariance: [Float]

    public init(mean: [Float], epistemicVariance: [Float], aleatoricVariance: [Float]) {
        self.mean = mean
        self.epistemicVariance = epistemicVariance
        self.aleatoricVariance = aleatoricVariance
    }

    /// `epistemicVariance + aleatoricVariance`.
    public var totalVariance: [Float] { zip(epistemicVariance, aleatoricVariance).map(+) }
}

/// Every pass of a sampled prediction, kept: `means[t][i]` is `μ_t(xᵢ)` and `noiseVariances[t][i]`
/// is `σ_t²(xᵢ) = e^{λ_t(xᵢ)}` (zero for a model without a noise output). At input `i` the
/// predictive distribution is the mixture `(1/T) Σ_t N(μ_t(xᵢ), σ_t²(xᵢ))`.
public struct RegressionPasses {
    public let means: [[Float]]
    public let noiseVariances: [[Float]]

    /// The moments of the passes, as `BayesianPrediction.regress` returns them.
    public var moments: RegressionPrediction {
        var accumulator = RegressionMoments()
        for (means, variances) in zip(means, noiseVariances) { accumulator.add(means: means, noiseVariances: variances) }
        return accumulator.prediction
    }

    /// The predictive distribution at input `index`: the mixture of the passes' Gaussians.
    public func predictive(at index: Int) -> GaussianMixture {
        GaussianMixture(means: means.map { Double($0[index]) }, variances: noiseVariances.map { Double($0[index]) })
    }

    /// The distribution of the sampled means at input `index` (the epistemic part alone): the
    /// passes' `μ_t` as equally weighted point masses.
    public func sampledMeans(at index: Int) -> GaussianMixture {
        GaussianMixture(means: means.map { Double($0[index]) }, variances: [Double](repeating: 0, count: means.count))
    }
}

/// Running sums of the passes in `Double`, so that the variance does not lose digits to
/// cancellation: `mean = Σ μ_t / T`, `epistemic = Σ μ_t² / T − mean²` (at least 0),
/// `aleatoric = Σ σ_t² / T`.
struct RegressionMoments {
    private var sum: [Double] = [], sumOfSquares: [Double] = [], noise: [Double] = []
    private var passes = 0

    mutating func add(means: [Float], noiseVariances: [Float]) {
        if passes == 0 {
            sum = means.map(Double.init); sumOfSquares = sum.map { $0 * $0 }; noise = noiseVariances.map(Double.init)
        } else {
            for i in means.indices {
                let value = Double(means[i])
                sum[i] += value; sumOfSquares[i] += value * value; noise[i] += Double(noiseVariances[i])
            }
        }
        passes += 1
    }

    var prediction: RegressionPrediction {
        let n = Double(passes)
        let mean = sum.map { $0 / n }
        return RegressionPrediction(mean: mean.map(Float.init),
                                    epistemicVariance: zip(sumOfSquares, mean).map { Float(max(0, $0 / n - $1 * $1)) },
                                    aleatoricVariance: noise.map { Float($0 / n) })
    }
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
        var accumulator = RegressionMoments()
        for t in 0..<samples {
            let pass = try regressionPass(seed: seed, pass: firstPass.advanced(by: t), on: backend, forward: forward)
            accumulator.add(means: pass.means, noiseVariances: pass.noiseVariances)
        }
        return accumulator.prediction
    }

    /// Runs `forward` as `regress` does, `samples` times (at least one), and keeps every pass.
    public static func regressionPasses(samples: Int, seed: UInt64, firstPass: RandomPass = RandomPass(.evaluation, index: 0), on backend: any Backend,
                                        forward: (ForwardContext) throws -> (mean: Variable, logVariance: Variable?)) throws -> RegressionPasses {
        guard samples >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "regressionPasses", reason: "needs at least one sample, got \(samples)")
        }
        let passes = try (0..<samples).map { t in try regressionPass(seed: seed, pass: firstPass.advanced(by: t), on: backend, forward: forward) }
        return RegressionPasses(means: passes.map(\.means), noiseVariances: passes.map(\.noiseVariances))
    }

    /// One inference pass: the means and the noise variances `e^λ` (zeros without a log-variance).
    private static func regressionPass(seed: UInt64, pass: RandomPass, on backend: any Backend,
                                       forward: (ForwardContext) throws -> (mean: Variable, logVariance: Variable?)) throws -> (means: [Float], noiseVariances: [Float]) {
        let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .inference, seed: seed, pass: pass)
        let (mean, logVariance) = try forward(context)
        let values = try mean.value.toArray()
        let variances = try logVariance.map { try backend.apply(.exp, $0.value).toArray() } ?? [Float](repeating: 0, count: values.count)
        guard variances.count == values.count else {
            throw DeepBayesError.shapeMismatch(operation: "regress", reason: "log-variance \(logVariance!.shape) does not match mean \(mean.shape)")
        }
        return (values, variances)
    }
}
