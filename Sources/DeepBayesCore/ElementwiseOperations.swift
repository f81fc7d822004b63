import Foundation

/// An elementwise function `y = f(x)`; each case's derivative is used by `unaryBackward`.
public enum UnaryOp: Hashable, Sendable, CaseIterable {
    /// `max(x, 0)`; derivative 1 for x > 0, else 0.
    case relu
    /// `x` for x > 0, else `0.2·x` (the DCGAN slope); derivative 1 or 0.2.
    case leakyRelu
    /// `tanh(x)`; derivative `1 - tanh²(x)`.
    case tanh
    /// `1 / (1 + e^-x)`, computed without overflow; derivative `σ(x)(1 - σ(x))`.
    case sigmoid
    /// `log(1 + e^x)`, computed as `max(x, 0) + log1p(e^-|x|)`; derivative `σ(x)`.
    case softplus
    /// `e^x`.
    case exp
    /// `log(x)`; derivative `1/x`.
    case log
    /// `x²`; derivative `2x`.
    case square
    /// `√x`; derivative `1 / (2√x)`.
    case sqrt
    /// `-x`.
    case negate
    /// `|x|`; derivative `sign(x)`.
    case abs
    /// `sign(x)`: 1 for x > 0, -1 for x < 0, 0 at 0; derivative 0.
    case sign
    /// The Heaviside step: 1 for x > 0, else 0; derivative 0.
    case step

    /// The slope of `leakyRelu` for negative inputs.
    public static let leakySlope: Float = 0.2

    /// The ops that serve as activations: the `Activation` layer's and the fused bias-activation kernel's.
    public static let activations: [UnaryOp] = [.relu, .leakyRelu, .tanh, .sigmoid, .softplus]

    /// A stable small integer for device kernels (the `op` argument of `unary` in `Kernels/elementwise.cl`).
    public var code: Int32 { Int32(UnaryOp.allCases.firstIndex(of: self)!) }

    /// The op on one value, in plain scalar Swift: the definition every backend's kernel
    /// computes (sigmoid and softplus in the forms that cannot overflow:
    /// `sigmoid(x) = eˣ / (1 + eˣ)` for x < 0, `softplus(x) = max(x, 0) + log1p(e^-|x|)`).
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? x : 0
        case .leakyRelu: return x > 0 ? x : UnaryOp.leakySlope * x
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
        case .softplus: return max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
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
}

/// An elementwise function of two operands.
public enum BinaryOp: Hashable, Sendable, CaseIterable {
    case add, subtract, multiply, divide

    /// A stable small integer for device kernels.
    public var code: Int32 { Int32(BinaryOp.allCases.firstIndex(of: self)!) }
}

/// How a smaller operand `y` is repeated across a larger `x`: element `i` of `x` meets
/// element `(i / inner) % y.count` of `y`.
///
/// Equal shapes are `inner = 1` with `period = x.count`; a bias over the last axis of a
/// matrix is `inner = 1`, `period = columns`; a per-channel bias over NCHW is
/// `inner = H·W`, `period = C`; a scalar is `inner = 1`, `period = 1`.
public struct Broadcast: Hashable, Sendable {
    /// Consecutive elements of `x` that share one element of `y`.
    public let inner: Int
    /// The element count of `y`.
    public let period: Int

    public init(inner: Int, period: Int) {
        self.inner = inner
        self.period = period
    }

    /// The broadcast of a `y` that spans `axis` of `x` (or all of `x` when `axis` is nil and
    /// the shapes are equal, or a one-element `y`).
    public init(x: Shape, y: Shape, axis: Int?, operation: String) throws {
        if y.count == 1 {
            self.init(inner: 1, period: 1)
        } else if let axis {
            guard axis >= 0, axis < x.rank, y.count == x[axis] else {
                throw DeepBayesError.shapeMismatch(operation: operation, reason: "operand \(y) does not match axis \(axis) of \(x)")
            }
            self.init(inner: x.stride(of: axis), period: y.count)
        } else {
            guard x == y else {
                throw DeepBayesError.shapeMismatch(operation: operation, reason: "operands \(x) and \(y) differ (pass an axis to broadcast)")
            }
            self.init(inner: 1, period: x.count)
        }
    }
}
