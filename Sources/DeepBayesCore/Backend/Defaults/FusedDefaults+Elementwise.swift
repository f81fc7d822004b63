extension FusedDefaults {
    /// An independent copy: a new tensor, then `assign`.
    public static func copy(_ x: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        let result = try backend._filled(x.shape, value: 0)
        try backend._assign(result, from: x)
        return result
    }

    /// `y = scale·x + shift`.
    public static func affine(_ x: Tensor, scale: Float, shift: Float, on backend: any BackendPrimitives) throws -> Tensor {
        try Composer(backend).affine(x, scale, shift)
    }

    /// `∂L/∂x = ∂L/∂y · op'(x)`, with `op'` as `UnaryOp` documents each case.
    public static func unaryBackward(_ op: UnaryOp, _ x: Tensor, _ g: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        let derivative: Tensor
        switch op {
        case .relu: derivative = try c.map(.step, x)
        case .leakyRelu: derivative = try c.affine(c.map(.step, x), 1 - UnaryOp.leakySlope, UnaryOp.leakySlope)
        case .tanh:
            let t = try c.map(.tanh, x)
            derivative = try c.affine(c.multiply(t, t), -1, 1)
        case .sigmoid:
            let s = try c.map(.sigmoid, x)
            derivative = try c.multiply(s, c.affine(s, -1, 1))
        case .softplus: derivative = try c.map(.sigmoid, x)
        case .exp: derivative = try c.map(.exp, x)
        case .log: return try c.divide(g, x)
        case .square: derivative = try c.multiply(x, 2)
        case .sqrt: return try c.divide(g, c.multiply(c.map(.sqrt, x), 2))
        case .negate: return try c.map(.negate, g)
        case .abs: derivative = try c.map(.sign, x)
        case .sign, .step: return try backend._filled(x.shape, value: 0)
        }
        return try c.multiply(g, derivative)
    }

    /// `z[i] = y[(i / inner) % period]` for `i` in `0..<shape.count`: `y` broadcast to `shape`,
    /// as `0 + y`.
    public static func expand(_ y: Tensor, to shape: Shape, broadcast: Broadcast, on backend: any BackendPrimitives) throws -> Tensor {
        try backend._binary(.add, backend._filled(shape, value: 0), y, broadcast: broadcast)
    }
}
