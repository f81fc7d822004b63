extension FusedDefaults {
    /// `y[r, c] = x[r, start + c]` for `x` of shape `[R, C]`: `count` columns from `start`,
    /// shape `[R, count]`. Composed as `x · S` with the 0/1 selection matrix
    /// `S[p, c] = [p = start + c]` (`[C, count]`), which is exact for finite `x` (every product
    /// is `x·1` or `x·0` and the sums add zeros); an infinity or NaN anywhere in a row makes
    /// that row's results NaN here, where a native kernel copies.
    public static func sliceColumns(_ x: Tensor, start: Int, count: Int, on backend: any BackendPrimitives) throws -> Tensor {
        let (rows, columns) = (x.shape[0], x.shape[1])
        let selection = try Composer(backend).selection(rows: columns, columns: count, offset: start)
        return try backend._matmul(x, selection, geometry: MatmulGeometry(m: rows, n: count, k: columns))
    }

    /// The adjoint of `sliceColumns`: `y[r, c] = x[r, c - start]` for `start ≤ c < start + C`,
    /// else 0, for `x` of shape `[R, C]`; shape `[R, width]`. Composed as `x · Sᵀ` with the
    /// selection matrix of `sliceColumns` (exact for finite `x`, as there).
    public static func placeColumns(_ x: Tensor, start: Int, width: Int, on backend: any BackendPrimitives) throws -> Tensor {
        let (rows, columns) = (x.shape[0], x.shape[1])
        let selection = try Composer(backend).selection(rows: width, columns: columns, offset: start)
        return try backend._matmul(x, selection, geometry: MatmulGeometry(m: rows, n: width, k: columns, transposeB: true))
    }

    /// One LSTM step from the gate pre-activations `a = [a_i, a_f, a_g, a_o]` (`[B, 4H]`, the
    /// four blocks of `H` columns in that order) and the previous cell `c` (`[B, H]`):
    ///
    ///     i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
    ///     c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
    ///
    /// Returns `(h', c')`, each `[B, H]`.
    public static func lstmCell(_ gates: Tensor, _ cell: Tensor, on backend: any BackendPrimitives) throws -> (hidden: Tensor, cell: Tensor) {
        let c = Composer(backend)
        let blocks = try c.gateBlocks(gates, count: 4)
        let (i, f) = (try c.map(.sigmoid, blocks[0]), try c.map(.sigmoid, blocks[1]))
        let (g, o) = (try c.map(.tanh, blocks[2]), try c.map(.sigmoid, blocks[3]))
        let newCell = try c.add(c.multiply(f, cell), c.multiply(i, g))
        return (try c.multiply(o, c.map(.tanh, newCell)), newCell)
    }

    /// The gradients of `lstmCell` for the upstream `∂L/∂h'` and `∂L/∂c'` (each `[B, H]`), from
    /// the step's inputs `a`, `c` and its output `c'`, with the gate values recomputed from `a`:
    ///
    ///     δc = ∂L/∂c' + ∂L/∂h' ⊙ o ⊙ (1 - tanh²c')
    ///     ∂L/∂a_i = δc ⊙ g ⊙ i(1 - i),   ∂L/∂a_f = δc ⊙ c ⊙ f(1 - f)
    ///     ∂L/∂a_g = δc ⊙ i ⊙ (1 - g²),   ∂L/∂a_o = ∂L/∂h' ⊙ tanh c' ⊙ o(1 - o)
    ///     ∂L/∂c = δc ⊙ f
    ///
    /// Returns `(∂L/∂a, ∂L/∂c)`, shapes `[B, 4H]` and `[B, H]`.
    public static func lstmCellBackward(_ gates: Tensor, _ cell: Tensor, _ newCell: Tensor, _ gradHidden: Tensor, _ gradCell: Tensor,
                                        on backend: any BackendPrimitives) throws -> (gates: Tensor, cell: Tensor) {
        let c = Composer(backend)
        let blocks = try c.gateBlocks(gates, count: 4)
        let (i, f) = (try c.map(.sigmoid, blocks[0]), try c.map(.sigmoid, blocks[1]))
        let (g, o) = (try c.map(.tanh, blocks[2]), try c.map(.sigmoid, blocks[3]))
        let tanhCell = try c.map(.tanh, newCell)
        let deltaCell = try c.add(gradCell, c.multiply(c.multiply(gradHidden, o), c.oneMinusSquare(tanhCell)))
        let gradI = try c.multiply(c.multiply(deltaCell, g), c.sigmoidSlope(i))
        let gradF = try c.multiply(c.multiply(deltaCell, cell), c.sigmoidSlope(f))
        let gradG = try c.multiply(c.multiply(deltaCell, i), c.oneMinusSquare(g))
        let gradO = try c.multiply(c.multiply(gradHidden, tanhCell), c.sigmoidSlope(o))
        return (try c.joinGateBlocks([gradI, gradF, gradG, gradO]), try c.multiply(deltaCell, f))
    }

    /// One GRU step (the convention of Cho et al. 2014 as cuDNN and PyTorch run it) from the
    /// input part `x = [x_r, x_z, x_n]` (`x·W_x + b_x`, `[B, 3H]`), the recurrent part
    /// `u = [u_r, u_z, u_n]` (`h·W_h + b_h`, `[B, 3H]`) and the previous state `h` (`[B, H]`):
    ///
    ///     r = σ(x_r + u_r), z = σ(x_z + u_z), n = tanh(x_n + r ⊙ u_n)
    ///     h' = (1 - z) ⊙ n + z ⊙ h
    ///
    /// Returns `h'`, `[B, H]`.
    public static func gruCell(_ inputGates: Tensor, _ hiddenGates: Tensor, _ hidden: Tensor, on backend: any BackendPrimitives) throws -> Tensor {
        let c = Composer(backend)
        let (_, z, n, _) = try gruGates(inputGates, hiddenGates, c)
        return try c.add(n, c.multiply(z, c.subtract(hidden, n)))
    }

    /// The gradients of `gruCell` for the upstream `∂L/∂h'` (`[B, H]`), with the gates
    /// recomputed from the inputs:
    ///
    ///     δn = ∂L/∂h' ⊙ (1 - z) ⊙ (1 - n²),   δz = ∂L/∂h' ⊙ (h - n) ⊙ z(1 - z)
    ///     δr = δn ⊙ u_n ⊙ r(1 - r)
    ///     ∂L/∂x = [δr, δz, δn],   ∂L/∂u = [δr, δz, δn ⊙ r],   ∂L/∂h = ∂L/∂h' ⊙ z
    ///
    /// Returns `(∂L/∂x, ∂L/∂u, ∂L/∂h)`, shapes `[B, 3H]`, `[B, 3H]`, `[B, H]`.
    public static func gruCellBackward(_ inputGates: Tensor, _ hiddenGates: Tensor, _ hidden: Tensor, _ gradOutput: Tensor,
                                       on backend: any BackendPrimitives) throws -> (inputGates: Tensor, hiddenGates: Tensor, hidden: Tensor) {
        let c = Composer(backend)
        let (r, z, n, hiddenN) = try gruGates(inputGates, hiddenGates, c)
        let deltaN = try c.multiply(c.multiply(gradOutput, c.affine(z, -1, 1)), c.oneMinusSquare(n))
        let deltaZ = try c.multiply(c.multiply(gradOutput, c.subtract(hidden, n)), c.sigmoidSlope(z))
        let deltaR = try c.multiply(c.multiply(deltaN, hiddenN), c.sigmoidSlope(r))
        return (try c.joinGateBlocks([deltaR, deltaZ, deltaN]), try c.joinGateBlocks([deltaR, deltaZ, c.multiply(deltaN, r)]),
                try c.multiply(gradOutput, z))
    }

    /// The GRU's `r`, `z` and `n` (see `gruCell`), and the recurrent block `u_n` they used.
    private static func gruGates(_ inputGates: Tensor, _ hiddenGates: Tensor, _ c: Composer) throws -> (r: Tensor, z: Tensor, n: Tensor, hiddenN: Tensor) {
        let x = try c.gateBlocks(inputGates, count: 3), u = try c.gateBlocks(hiddenGates, count: 3)
        let r = try c.map(.sigmoid, c.add(x[0], u[0]))
        let z = try c.map(.sigmoid, c.add(x[1], u[1]))
        let n = try c.map(.tanh, c.add(x[2], c.multiply(r, u[2])))
        return (r, z, n, u[2])
    }
}

extension Composer {
    /// The `[rows, columns]` matrix with `S[offset + j, j] = 1` and zeros elsewhere.
    func selection(rows: Int, columns: Int, offset: Int) throws -> Tensor {
        var values = [Float](repeating: 0, count: rows * columns)
        for j in 0..<columns { values[(offset + j) * columns + j] = 1 }
        return try backend._upload(values, shape: [rows, columns])
    }

    /// The `count` equal column blocks of a `[B, count·H]` matrix, each `[B, H]`.
    func gateBlocks(_ x: Tensor, count: Int) throws -> [Tensor] {
        let width = x.shape[1] / count
        return try (0..<count).map { try FusedDefaults.sliceColumns(x, start: $0 * width, count: width, on: backend) }
    }

    /// The `[B, k·H]` matrix whose column blocks are `blocks` (each `[B, H]`), in order.
    func joinGateBlocks(_ blocks: [Tensor]) throws -> Tensor {
        let width = blocks[0].shape[1] * blocks.count
        var joined = try FusedDefaults.placeColumns(blocks[0], start: 0, width: width, on: backend)
        for (index, block) in blocks.enumerated().dropFirst() {
            joined = try add(joined, FusedDefaults.placeColumns(block, start: index * block.shape[1], width: width, on: backend))
        }
        return joined
    }

    /// `s(1 - s)`: the slope of the sigmoid at the point where it equals `s`.
    func sigmoidSlope(_ s: Tensor) throws -> Tensor { try multiply(s, affine(s, -1, 1)) }

    /// `1 - t²`: the slope of tanh at the point where it equals `t`.
    func oneMinusSquare(_ t: Tensor) throws -> Tensor { try affine(multiply(t, t), -1, 1) }
}
