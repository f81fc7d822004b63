import DeepBayesCore
import Foundation

extension ReferenceBackend {
    /// `y[i] = op(x[i])` with `Foundation`'s float functions, as `UnaryOp` defines each case.
    public func _unary(_ op: UnaryOp, _ x: Tensor) throws -> Tensor {
        tensor(x.shape, try values(x).map { Self.apply(op, $0) })
    }

    /// `z[i] = x[i] op y[(i / inner) % period]`.
    public func _binary(_ op: BinaryOp, _ x: Tensor, _ y: Tensor, broadcast: Broadcast) throws -> Tensor {
        let left = try values(x), right = try values(y)
        let z = left.indices.map { i -> Float in
            let a = left[i], b = right[(i / broadcast.inner) % broadcast.period]
            switch op {
            case .add: return a + b
            case .subtract: return a - b
            case .multiply: return a * b
            case .divide: return a / b
            }
        }
        return tensor(x.shape, z)
    }

    static func apply(_ op: UnaryOp, _ x: Float) -> Float {
        switch op {
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
