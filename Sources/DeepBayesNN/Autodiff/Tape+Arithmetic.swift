import DeepBayesCore

extension Tape {
    /// `x op y` for equal shapes, a one-element `y`, or a `y` spanning `axis` of `x` (see
    /// `Backend.combine`). The gradient for a broadcast `y` sums over the repeated elements.
    public func combine(_ op: BinaryOp, _ x: Variable, _ y: Variable, alongAxis axis: Int? = nil) throws -> Variable {
        let backend = self.backend
        let z = try backend.combine(op, x.value, y.value, alongAxis: axis)
        let reduceToY = { (t: Tensor) throws -> Tensor in try Tape.reduce(t, to: y.value.shape, alongAxis: axis, backend) }
        return record(z, inputs: [x, y]) { g in
            switch op {
            case .add:
                return [g, try reduceToY(g)]
            case .subtract:
                return [g, try backend.scaled(reduceToY(g), by: -1)]
            case .multiply:
                return [try backend.combine(.multiply, g, y.value, alongAxis: axis),
                        try reduceToY(backend.combine(.multiply, g, x.value))]
            case .divide:
                let gx = try backend.combine(.divide, g, y.value, alongAxis: axis)
                return [gx, try backend.scaled(reduceToY(backend.combine(.multiply, gx, z)), by: -1)]
            }
        }
    }

    /// `x + y` (same broadcasting as `combine`).
    public func add(_ x: Variable, _ y: Variable, alongAxis axis: Int? = nil) throws -> Variable {
        try combine(.add, x, y, alongAxis: axis)
    }

    /// `x · y` elementwise (same broadcasting as `combine`).
    public func multiply(_ x: Variable, _ y: Variable, alongAxis axis: Int? = nil) throws -> Variable {
        try combine(.multiply, x, y, alongAxis: axis)
    }

    /// `x - y` (same broadcasting as `combine`).
    public func subtract(_ x: Variable, _ y: Variable, alongAxis axis: Int? = nil) throws -> Variable {
        try combine(.subtract, x, y, alongAxis: axis)
    }

    /// `op(x)` elementwise.
    public func apply(_ op: UnaryOp, _ x: Variable) throws -> Variable {
        let backend = self.backend
        return record(try backend.apply(op, x.value), inputs: [x]) { g in
            [try backend.applyBackward(op, x.value, gradOutput: g)]
        }
    }

    /// `scale·x + shift`.
    public func scaled(_ x: Variable, by scale: Float, plus shift: Float = 0) throws -> Variable {
        let backend = self.backend
        return record(try backend.scaled(x.value, by: scale, plus: shift), inputs: [x]) { g in
            [try backend.scaled(g, by: scale)]
        }
    }

    /// The sum of all elements, a scalar.
    public func sum(_ x: Variable) throws -> Variable {
        let backend = self.backend
        return record(try backend.sum(x.value, keepingAxis: nil), inputs: [x]) { g in
            [try Tape.expand(g, to: x.value.shape, alongAxis: nil, backend)]
        }
    }

    /// The mean of all elements, a scalar.
    public func mean(_ x: Variable) throws -> Variable {
        try scaled(sum(x), by: 1 / Float(x.value.count))
    }

    /// Sums down to axis `axis`: shape `[x.shape[axis]]` (per-channel or per-row sums).
    public func sum(_ x: Variable, keepingAxis axis: Int) throws -> Variable {
        let backend = self.backend
        return record(try backend.sum(x.value, keepingAxis: axis), inputs: [x]) { g in
            [try Tape.expand(g, to: x.value.shape, alongAxis: axis, backend)]
        }
    }

    /// The same values viewed with another shape of equal element count.
    public func reshape(_ x: Variable, to shape: Shape) throws -> Variable {
        let original = x.value.shape
        return record(try x.value.reshaped(shape), inputs: [x]) { g in [try g.reshaped(original)] }
    }

    /// The adjoint of broadcasting `t`'s shape-`shape` partner across `t`: sums the elements
    /// of `t` that met the same element.
    static func reduce(_ t: Tensor, to shape: Shape, alongAxis axis: Int?, _ backend: any Backend) throws -> Tensor {
        if shape.count == t.count { return try t.reshaped(shape) }
        let summed = try backend.sum(t, keepingAxis: shape.count == 1 ? nil : axis)
        return try summed.reshaped(shape)
    }

    /// Repeats `g` (one element, or the size of `axis`) across `shape`.
    static func expand(_ g: Tensor, to shape: Shape, alongAxis axis: Int?, _ backend: any Backend) throws -> Tensor {
        try backend.expand(g.count == 1 ? g.reshaped([1]) : g, to: shape, alongAxis: g.count == 1 ? nil : axis)
    }
}
