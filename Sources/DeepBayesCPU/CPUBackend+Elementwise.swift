import DeepBayesCore

/// `ElementwiseKernels`: unary maps and their derivatives, broadcast binary operators, `affine`.
extension CPUBackend {
    /// `y[i] = op(x[i])` (see `UnaryOp.value`).
    public func _unary(_ op: UnaryOp, _ x: Tensor) throws -> Tensor {
        try generateVectors(x.shape, costPerItem: op.cost, UnaryTerm(op: op, input: try values(x)))
    }

    /// `∂L/∂x[i] = g[i] · op'(x[i])` (see `UnaryOp.derivative`).
    public func _unaryBackward(_ op: UnaryOp, _ x: Tensor, _ gradOutput: Tensor) throws -> Tensor {
        try generateVectors(x.shape, costPerItem: op.cost + 1, UnaryGradientTerm(op: op, input: try values(x), grad: try values(gradOutput)))
    }

    /// `z[i] = x[i] op y[(i / inner) % period]`, exact to one rounding per element.
    public func _binary(_ op: BinaryOp, _ x: Tensor, _ y: Tensor, broadcast: Broadcast) throws -> Tensor {
        switch op {
        case .add: return try broadcastBinary(x, y, broadcast) { $0 + $1 }
        case .subtract: return try broadcastBinary(x, y, broadcast) { $0 - $1 }
        case .multiply: return try broadcastBinary(x, y, broadcast) { $0 * $1 }
        case .divide: return try broadcastBinary(x, y, broadcast) { $0 / $1 }
        }
    }

    /// `z[i] = y[(i / inner) % period]` for `i < shape.count`: the broadcast written out, as
    /// copies of `y` (`inner = 1`) or runs of `inner` equal values.
    public func _expand(_ y: Tensor, to shape: Shape, broadcast: Broadcast) throws -> Tensor {
        let source = try values(y)
        let inner = broadcast.inner, period = broadcast.period, count = shape.count
        let (result, out) = try makeTensor(shape)
        var i = 0
        while i < count {
            let j = (i / inner) % period
            if inner == 1 {
                let run = min(period - j, count - i)
                (out + i).update(from: source + j, count: run)
                i += run
            } else {
                let run = min(inner - i % inner, count - i)
                (out + i).update(repeating: source[j], count: run)
                i += run
            }
        }
        return result
    }

    /// `y = scale·x + shift`, one rounding for the product and one for the sum.
    public func _affine(_ x: Tensor, scale: Float, shift: Float) throws -> Tensor {
        let input = try values(x)
        let (result, out) = try makeTensor(x.shape)
        let scaleVector = FloatVector(repeating: scale), shiftVector = FloatVector(repeating: shift)
        Parallel.forEachChunk(x.count, costPerItem: 2) { range in
            VectorLoop.forEach(range) { i, lanes in
                out.store(scaleVector * input.vector(at: i, lanes: lanes) + shiftVector, at: i, lanes: lanes)
            }
        }
        return result
    }

    /// `binary` for one operator `f`, specialized per call site. The flat index range is walked
    /// in runs over which `y` is either contiguous (`inner == 1`) or one repeated value.
    @inline(__always)
    private func broadcastBinary(_ x: Tensor, _ y: Tensor, _ broadcast: Broadcast,
                         _ f: (FloatVector, FloatVector) -> FloatVector) throws -> Tensor {
        let left = try values(x), right = try values(y)
        let period = broadcast.period
        let inner = period == 1 ? x.count : broadcast.inner
        let (result, out) = try makeTensor(x.shape)
        Parallel.forEachChunk(x.count, costPerItem: 2) { range in
            var i = range.lowerBound
            while i < range.upperBound {
                let j = (i / inner) % period
                if inner == 1 {
                    let run = min(period - j, range.upperBound - i)
                    VectorLoop.forEach(0..<run) { k, lanes in
                        out.store(f(left.vector(at: i + k, lanes: lanes), right.vector(at: j + k, lanes: lanes)), at: i + k, lanes: lanes)
                    }
                    i += run
                } else {
                    let run = min(inner - i % inner, range.upperBound - i)
                    let repeated = FloatVector(repeating: right[j])
                    VectorLoop.forEach(i..<(i + run)) { k, lanes in
                        out.store(f(left.vector(at: k, lanes: lanes), repeated), at: k, lanes: lanes)
                    }
                    i += run
                }
            }
        }
        return result
    }
}

/// The terms `op(x)` of `unary`. The loop is one function for every op, which switches on `op`
/// per 16 elements (one predictable branch); each case's formula is inlined there.
private struct UnaryTerm: VectorTerm {
    let op: UnaryOp
    let input: UnsafePointer<Float>

    @inline(__always)
    func value(_ i: Int, _ n: Int) -> FloatVector { op.value(input.vector(at: i, lanes: n)) }
}

/// The terms `g · op'(x)` of `unaryBackward`, as `UnaryTerm`.
private struct UnaryGradientTerm: VectorTerm {
    let op: UnaryOp
    let input, grad: UnsafePointer<Float>

    @inline(__always)
    func value(_ i: Int, _ n: Int) -> FloatVector { grad.vector(at: i, lanes: n) * op.derivative(input.vector(at: i, lanes: n)) }
}
