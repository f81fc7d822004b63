import DeepBayesCore
import Foundation

/// Plain scalar implementations of every kernel, in `Double`, written from the formulas in the
/// protocol doc comments and nothing else. The suites compare each backend against these.
public enum Reference {
    public static func matmul(_ a: [Double], _ b: [Double], _ g: MatmulGeometry) -> [Double] {
        var c = [Double](repeating: 0, count: g.batch * g.m * g.n)
        for batch in 0..<g.batch {
            let ao = batch * g.m * g.k, bo = batch * g.k * g.n
            for i in 0..<g.m {
                for j in 0..<g.n {
                    var s = 0.0
                    for p in 0..<g.k {
                        let x = g.transposeA ? a[ao + p * g.m + i] : a[ao + i * g.k + p]
                        let y = g.transposeB ? b[bo + j * g.k + p] : b[bo + p * g.n + j]
                        s += x * y
                    }
                    c[batch * g.m * g.n + i * g.n + j] = s
                }
            }
        }
        return c
    }

    /// Calls `body(inputIndex, filterIndex, outputIndex)` for every in-range term of the
    /// convolution sum.
    public static func forEachConvTerm(_ g: Conv2DGeometry, _ body: (Int, Int, Int) -> Void) {
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        let outIndex = ((n * g.outChannels + o) * g.outHeight + oy) * g.outWidth + ox
                        for c in 0..<g.inChannels {
                            for u in 0..<g.kernelHeight {
                                let y = oy * g.strideY + u - g.padY
                                guard y >= 0, y < g.inHeight else { continue }
                                for v in 0..<g.kernelWidth {
                                    let x = ox * g.strideX + v - g.padX
                                    guard x >= 0, x < g.inWidth else { continue }
                                    let inIndex = ((n * g.inChannels + c) * g.inHeight + y) * g.inWidth + x
                                    let filterIndex = ((o * g.inChannels + c) * g.kernelHeight + u) * g.kernelWidth + v
                                    body(inIndex, filterIndex, outIndex)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public static func conv2d(_ x: [Double], _ w: [Double], _ g: Conv2DGeometry) -> [Double] {
        var y = [Double](repeating: 0, count: g.outputShape.count)
        forEachConvTerm(g) { i, f, o in y[o] += x[i] * w[f] }
        return y
    }

    public static func conv2dBackwardData(_ dy: [Double], _ w: [Double], _ g: Conv2DGeometry) -> [Double] {
        var dx = [Double](repeating: 0, count: g.inputShape.count)
        forEachConvTerm(g) { i, f, o in dx[i] += dy[o] * w[f] }
        return dx
    }

    public static func conv2dBackwardFilter(_ x: [Double], _ dy: [Double], _ g: Conv2DGeometry) -> [Double] {
        var dw = [Double](repeating: 0, count: g.filterShape.count)
        forEachConvTerm(g) { i, f, o in dw[f] += dy[o] * x[i] }
        return dw
    }

    public static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
    public static func softplus(_ x: Double) -> Double { max(x, 0) + log1p(Foundation.exp(-abs(x))) }

    public static func unary(_ op: UnaryOp, _ x: Double) -> Double {
        switch op {
        case .relu: return max(x, 0)
        case .leakyRelu: return x > 0 ? x : Double(UnaryOp.leakySlope) * x
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return sigmoid(x)
        case .softplus: return softplus(x)
        case .exp: return Foundation.exp(x)
        case .log: return Foundation.log(x)
        case .square: return x * x
        case .sqrt: return x.squareRoot()
        case .negate: return -x
        case .abs: return Swift.abs(x)
        case .sign: return x > 0 ? 1 : x < 0 ? -1 : 0
        case .step: return x > 0 ? 1 : 0
        }
    }

    public static func unaryDerivative(_ op: UnaryOp, _ x: Double) -> Double {
        switch op {
        case .relu: return x > 0 ? 1 : 0
        case .leakyRelu: return x > 0 ? 1 : Double(UnaryOp.leakySlope)
        case .tanh: return 1 - Foundation.tanh(x) * Foundation.tanh(x)
        case .sigmoid: return sigmoid(x) * (1 - sigmoid(x))
        case .softplus: return sigmoid(x)
        case .exp: return Foundation.exp(x)
        case .log: return 1 / x
        case .square: return 2 * x
        case .sqrt: return 0.5 / x.squareRoot()
        case .negate: return -1
        case .abs: return x > 0 ? 1 : x < 0 ? -1 : 0
        case .sign, .step: return 0
        }
    }

    public static func binary(_ op: BinaryOp, _ x: Double, _ y: Double) -> Double {
        switch op {
        case .add: return x + y
        case .subtract: return x - y
        case .multiply: return x * y
        case .divide: return x / y
        }
    }

    public static func logSoftmaxRows(_ x: [Double], columns: Int) -> [Double] {
        var out = [Double](repeating: 0, count: x.count)
        for r in 0..<(x.count / columns) {
            let row = Array(x[(r * columns)..<((r + 1) * columns)])
            let m = row.max()!
            let lse = m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
            for c in 0..<columns { out[r * columns + c] = row[c] - lse }
        }
        return out
    }

    public static func crossEntropy(_ logits: [Float], _ labels: [Float], classes: Int) -> [Double] {
        let logp = logSoftmaxRows(logits.map(Double.init), columns: classes)
        return labels.enumerated().map { r, label in -logp[r * classes + Int(label)] }
    }

    public static func bceWithLogits(_ x: Double, _ t: Double) -> Double {
        max(x, 0) - x * t + log1p(Foundation.exp(-abs(x)))
    }

    public static func logNormal(_ w: Double, mean: Double, sigma: Double) -> Double {
        -0.5 * Foundation.log(2 * Double.pi) - Foundation.log(sigma) - (w - mean) * (w - mean) / (2 * sigma * sigma)
    }

    public static func logMixture(_ w: Double, _ prior: ScaleMixturePrior) -> Double {
        let a = Foundation.log(Double(prior.pi)) + logNormal(w, mean: 0, sigma: Double(prior.sigma1))
        let b = Foundation.log(1 - Double(prior.pi)) + logNormal(w, mean: 0, sigma: Double(prior.sigma2))
        let m = max(a, b)
        return m + Foundation.log(Foundation.exp(a - m) + Foundation.exp(b - m))
    }

    public static func klGaussian(mu: Double, rho: Double, priorSigma s: Double) -> Double {
        let sigma = softplus(rho)
        return Foundation.log(s / sigma) + (sigma * sigma + mu * mu) / (2 * s * s) - 0.5
    }

    public static func klStandardNormal(mean: Double, logVariance: Double) -> Double {
        -0.5 * (1 + logVariance - mean * mean - Foundation.exp(logVariance))
    }

    /// The Philox normal for element `i`, by the Box–Muller formula of `_randomNormal`, in `Double`.
    public static func normal(_ i: Int, _ random: RandomStream) -> Double {
        let words = Philox.words(seed: random.seed, stream: random.stream, block: random.block(of: i))
        let lane = i % 4, pair = lane / 2 * 2
        let u0 = Double(Philox.uniform(words[pair])), u1 = Double(Philox.uniform(words[pair + 1]))
        let r = (-2 * Foundation.log(u0)).squareRoot()
        return lane % 2 == 0 ? r * Foundation.cos(2 * Double.pi * u1) : r * Foundation.sin(2 * Double.pi * u1)
    }

    public static func uniform(_ i: Int, _ random: RandomStream) -> Float {
        Philox.uniform(Philox.words(seed: random.seed, stream: random.stream, block: random.block(of: i))[i % 4])
    }
}
