import DeepBayesCore

extension ReferenceBackend {
    /// `y[i] = op(x[i])`, each value by `UnaryOp`'s own scalar definition.
    public func _unary(_ op: UnaryOp, _ x: Tensor) throws -> Tensor {
        tensor(x.shape, try values(x).map(op.callAsFunction))
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
}
