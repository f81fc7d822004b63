import DeepBayesCore
import Foundation

extension UnaryOp {
    /// `op(x)` for one value, as `UnaryOp` documents each case.
    @inline(__always)
    func value(_ x: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? x : 0
        case .leakyRelu: return x > 0 ? x : UnaryOp.leakySlope * x
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return ScalarMath.sigmoid(x)
        case .softplus: return ScalarMath.softplus(x)
        case .exp: return Foundation.exp(x)
        case .log: return Foundation.log(x)
        case .square: return x * x
        case .sqrt: return x.squareRoot()
        case .negate: return -x
        }
    }

    /// `op'(x)`; at the kink of `relu` and `leakyRelu` (x = 0) the left derivative.
    @inline(__always)
    func derivative(_ x: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? 1 : 0
        case .leakyRelu: return x > 0 ? 1 : UnaryOp.leakySlope
        case .tanh:
            let t = Foundation.tanh(x)
            return 1 - t * t
        case .sigmoid:
            let s = ScalarMath.sigmoid(x)
            return s * (1 - s)
        case .softplus: return ScalarMath.sigmoid(x)
        case .exp: return Foundation.exp(x)
        case .log: return 1 / x
        case .square: return 2 * x
        case .sqrt: return 1 / (2 * x.squareRoot())
        case .negate: return -1
        }
    }

    /// `body(self)` with `self` a compile-time constant in each branch, so that after inlining
    /// the per-element `switch` of `value` and `derivative` folds away and each case gets its
    /// own loop.
    @inline(__always)
    func specialized<Result>(_ body: (UnaryOp) -> Result) -> Result {
        switch self {
        case .relu: return body(.relu)
        case .leakyRelu: return body(.leakyRelu)
        case .tanh: return body(.tanh)
        case .sigmoid: return body(.sigmoid)
        case .softplus: return body(.softplus)
        case .exp: return body(.exp)
        case .log: return body(.log)
        case .square: return body(.square)
        case .sqrt: return body(.sqrt)
        case .negate: return body(.negate)
        }
    }

    /// Rough floating-point work of `value` or `derivative`, for `Parallel.forEachChunk`.
    var cost: Int {
        switch self {
        case .relu, .leakyRelu, .square, .negate: return 1
        case .sqrt: return 4
        case .tanh, .sigmoid, .softplus, .exp, .log: return 20
        }
    }
}
