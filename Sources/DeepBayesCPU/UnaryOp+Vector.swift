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

    /// Rough floating-point work of `value` or `derivative`, for `Parallel.forEachChunk`.
    var cost: Int {
        switch self {
        case .relu, .leakyRelu, .square, .negate, .abs, .sign, .step: return 1
        case .sqrt: return 4
        case .tanh, .sigmoid, .softplus, .exp, .log: return 20
        }
    }
}
