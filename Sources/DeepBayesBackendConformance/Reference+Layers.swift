import DeepBayesCore

/// The layer kernels in `Double`, from the formulas on the `FusedDefaults` functions of the
/// same names; `broadcast` places each element's feature `j = (i / inner) % period`.
extension Reference {
    /// `act(x + b_j)`.
    public static func biasActivation(_ x: [Double], _ bias: [Double], _ activation: UnaryOp, _ broadcast: Broadcast) -> [Double] {
        x.indices.map { unary(activation, x[$0] + bias[feature($0, broadcast)]) }
    }

    /// `∂L/∂x = g · act'(x + b_j)` and `∂L/∂b_j = Σ ∂L/∂x` over the elements of feature `j`.
    public static func biasActivationBackward(_ x: [Double], _ bias: [Double], _ activation: UnaryOp, _ g: [Double],
                                              _ broadcast: Broadcast) -> (input: [Double], bias: [Double]) {
        let gradInput = x.indices.map { g[$0] * unaryDerivative(activation, x[$0] + bias[feature($0, broadcast)]) }
        return (gradInput, featureSums(gradInput, broadcast))
    }

    /// The mean and the biased variance (two passes) of each feature's values.
    public static func batchNormStatistics(_ x: [Double], _ broadcast: Broadcast) -> (mean: [Double], variance: [Double]) {
        let n = Double(x.count / broadcast.period)
        let mean = featureSums(x, broadcast).map { $0 / n }
        let squares = x.indices.map { (x[$0] - mean[feature($0, broadcast)]) * (x[$0] - mean[feature($0, broadcast)]) }
        return (mean, featureSums(squares, broadcast).map { $0 / n })
    }

    /// `∂L/∂x = ∂L/∂μ_j / n + ∂L/∂σ²_j · 2(x - μ_j) / n` at the given `μ`.
    public static func batchNormStatisticsBackward(_ x: [Double], _ mean: [Double], _ gradMean: [Double], _ gradVariance: [Double],
                                                   _ broadcast: Broadcast) -> [Double] {
        let n = Double(x.count / broadcast.period)
        return x.indices.map { i in
            let j = feature(i, broadcast)
            return gradMean[j] / n + gradVariance[j] * 2 * (x[i] - mean[j]) / n
        }
    }

    /// The feature of element `i`.
    static func feature(_ i: Int, _ broadcast: Broadcast) -> Int { (i / broadcast.inner) % broadcast.period }

    /// `y_j = Σ x` over the elements of feature `j`.
    static func featureSums(_ x: [Double], _ broadcast: Broadcast) -> [Double] {
        var sums = [Double](repeating: 0, count: broadcast.period)
        for i in x.indices { sums[feature(i, broadcast)] += x[i] }
        return sums
    }
}
