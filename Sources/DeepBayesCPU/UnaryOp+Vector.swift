import DeepBayesCore

extension UnaryOp {
    /// `op(x)` on 16 values, as `UnaryOp` documents each case (transcendental cases by
    /// `VectorMath`, within 2.5 ulp).
    @inline(__always)
    func value(_ x: FloatVector) -> FloatVector {
        switch self {
        case .relu: return x.replacing(with: 0, where: .!(x .> 0))
        case .leakyRelu: return x.replacing(with: UnaryOp.leakySlope * x, where: .!(x .> 0))
        case .tanh: return VectorMath.tanh(x)
        case .sigmoid: return VectorMath.sigmoid(x)
        case .softplus: return Softplus(x).value
        case .exp: return VectorMath.exp(x)
        case .log: return VectorMath.log(x)
        case .square: return x * x
        case .sqrt: return x.squareRoot()
        case .negate: return -x
        case .abs: return x.replacing(with: -x, where: x .< 0)
        case .sign: return FloatVector().replacing(with: 1, where: x .> 0).replacing(with: -1, where: x .< 0)
        case .step: return FloatVector().replacing(with: 1, where: x .> 0)
        }
    }

    /// `op'(x)` on 16 values; at the kink of `relu` and `leakyRelu` (x = 0) the left derivative.
    @inline(__always)
    func derivative(_ x: FloatVector) -> FloatVector {
        switch self {
        case .relu: return FloatVector().replacing(with: 1, where: x .> 0)
        case .leakyRelu: return FloatVector(repeating: UnaryOp.leakySlope).replacing(with: 1, where: x .> 0)
        case .tanh:
            let t = VectorMath.tanh(x)
            return 1 - t * t
        case .sigmoid:
            let s = VectorMath.sigmoid(x)
            return s * (1 - s)
        case .softplus: return VectorMath.sigmoid(x)
        case .exp: return VectorMath.exp(x)
        case .log: return 1 / x
        case .square: return 2 * x
        case .sqrt: return 1 / (2 * x.squareRoot())
        case .negate: return FloatVector(repeating: -1)
        case .abs: return FloatVector().replacing(with: 1, where: x .> 0).replacing(with: -1, where: x .< 0)
        case .sign, .step: return FloatVector()
        }
    }

    /// `body(self)` with `self` a compile-time constant in each branch, so that after inlining
    /// the per-element `switch` of `value` and `derivative` folds away and each case gets its
    /// own loop.
    @inline(__always)
    func specialized<Result>(_ body: (UnaryOp) throws -> Result) rethrows -> Result {
        switch self {
        case .relu: return try body(.relu)
        case .leakyRelu: return try body(.leakyRelu)
        case .tanh: return try body(.tanh)
        case .sigmoid: return try body(.sigmoid)
        case .softplus: return try body(.softplus)
        case .exp: return try body(.exp)
        case .log: return try body(.log)
        case .square: return try body(.square)
        case .sqrt: return try body(.sqrt)
        case .negate: return try body(.negate)
        case .abs: return try body(.abs)
        case .sign: return try body(.sign)
        case .step: return try body(.step)
        }
    }

    /// Rough floating-point work of `value` or `derivative`, for `Parallel.forEachChunk`.
    var cost: Int {
        switch self {
        case .relu, .leakyRelu, .square, .negate, .abs, .sign, .step: return 1
        case .sqrt: return 4
        case .tanh, .sigmoid, .softplus, .exp, .log: return 20
        }
    }
}
