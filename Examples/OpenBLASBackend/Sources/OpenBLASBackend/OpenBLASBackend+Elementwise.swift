import DeepBayesCore

extension OpenBLASBackend {
    /// `y[i] = op(x[i])`, each case as `UnaryOp` defines it.
    public func _unary(_ op: UnaryOp, _ x: Tensor) throws -> Tensor {
        tensor(x.shape, try values(x).map(op.callAsFunction))
    }

    /// `z[i] = x[i] op y[(i / inner) % period]`, shape of `x`.
    public func _binary(_ op: BinaryOp, _ x: Tensor, _ y: Tensor, broadcast: Broadcast) throws -> Tensor {
        let left = try values(x), right = try values(y)
        switch op {
        case .add: return tensor(x.shape, Self.combine(left, right, broadcast, +))
        case .subtract: return tensor(x.shape, Self.combine(left, right, broadcast, -))
        case .multiply: return tensor(x.shape, Self.combine(left, right, broadcast, *))
        case .divide: return tensor(x.shape, Self.combine(left, right, broadcast, /))
        }
    }

    /// `z[i] = f(x[i], y[(i / inner) % period])`, walking `x` in runs of `inner` elements
    /// that share one `y` (run `r` meets `y[r % period]`), so no index is divided.
    private static func combine(_ x: [Float], _ y: [Float], _ broadcast: Broadcast,
                                _ f: (Float, Float) -> Float) -> [Float] {
        var z = [Float](repeating: 0, count: x.count)
        var j = 0
        for start in stride(from: 0, to: x.count, by: broadcast.inner) {
            let b = y[j]
            for i in start..<min(start + broadcast.inner, x.count) { z[i] = f(x[i], b) }
            j = j + 1 == broadcast.period ? 0 : j + 1
        }
        return z
    }
}
