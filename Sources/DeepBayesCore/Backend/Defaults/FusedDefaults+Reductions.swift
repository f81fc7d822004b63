extension FusedDefaults {
    /// `Σ_i x[i]` as a scalar tensor (shape `[]`).
    public static func sum(_ x: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        try backend._sumBroadcast(x, broadcast: Broadcast(inner: 1, period: 1)).reshaped(.scalar)
    }

    /// Softmax over the last axis: `y[r, c] = e^{x[r,c] - m_r} / Σ_c' e^{x[r,c'] - m_r}`, `m_r = max_c x[r, c]`.
    public static func softmax(_ x: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        let exponentials = try c.map(.exp, c.perRow(.subtract, x, backend._rowMaximum(x, columns: c.rows(x).columns)))
        return try c.perRow(.divide, exponentials, c.rowSums(exponentials))
    }

    /// `log softmax` over the last axis: `x - m - log Σ_c e^{x - m}`.
    public static func logSoftmax(_ x: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        let shifted = try c.perRow(.subtract, x, backend._rowMaximum(x, columns: c.rows(x).columns))
        return try c.perRow(.subtract, shifted, c.map(.log, c.rowSums(c.map(.exp, shifted))))
    }

    /// Given `y = softmax(x)`: `∂L/∂x[r, c] = y[r, c] · (g[r, c] - Σ_c' g[r, c'] y[r, c'])`.
    public static func softmaxBackward(_ y: Tensor, _ g: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        return try c.multiply(y, c.perRow(.subtract, g, c.rowSums(c.multiply(g, y))))
    }

    /// Given `y = logSoftmax(x)`: `∂L/∂x[r, c] = g[r, c] - e^{y[r, c]} Σ_c' g[r, c']`.
    public static func logSoftmaxBackward(_ y: Tensor, _ g: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        return try c.subtract(g, c.perRow(.multiply, c.map(.exp, y), c.rowSums(g)))
    }
}
