import DeepBayesCore

/// `RecurrentKernels`: column slices of a matrix and its adjoint (row copies), and the LSTM and
/// GRU steps with their gradients, 16 columns of a row at a time with `VectorMath.sigmoid`
/// (2.5 ulp) and `VectorMath.tanh` (1.5 ulp), rows split across threads. Each formula is the
/// one on the `FusedDefaults` function of the same name, in the same order of operations.
extension CPUBackend {
    /// `y[r, c] = x[r, start + c]`: `count` floats copied per row.
    public func _sliceColumns(_ x: Tensor, start: Int, count: Int) throws -> Tensor {
        let input = try values(x), (rows, columns) = (x.shape[0], x.shape[1])
        let (result, out) = try makeTensor([rows, count])
        Parallel.forEachChunk(rows, costPerItem: count) { range in
            for row in range { (out + row * count).update(from: input + row * columns + start, count: count) }
        }
        return result
    }

    /// `y[r, start + c] = x[r, c]`, zeros in the other columns of the `[R, width]` result.
    public func _placeColumns(_ x: Tensor, start: Int, width: Int) throws -> Tensor {
        let input = try values(x), (rows, columns) = (x.shape[0], x.shape[1])
        let (result, out) = try makeTensor([rows, width])
        Parallel.forEachChunk(rows, costPerItem: width) { range in
            for row in range {
                let line = out + row * width
                line.update(repeating: 0, count: start)
                (line + start).update(from: input + row * columns, count: columns)
                (line + start + columns).update(repeating: 0, count: width - start - columns)
            }
        }
        return result
    }

    /// `c' = f ⊙ c + i ⊙ g`, `h' = o ⊙ tanh c'` with `i, f, o = σ(a_i, a_f, a_o)`, `g = tanh a_g`.
    public func _lstmCell(_ gates: Tensor, _ cell: Tensor) throws -> (hidden: Tensor, cell: Tensor) {
        let a = try values(gates), c = try values(cell), (rows, width) = (cell.shape[0], cell.shape[1])
        let (hidden, outHidden) = try makeTensor(cell.shape), (newCell, outCell) = try makeTensor(cell.shape)
        Self.forEachRow(rows, columns: width, costPerElement: 100) { row in
            LSTMCellStep(gates: a + 4 * width * row, cell: c + width * row, width: width,
                         hidden: outHidden + width * row, newCell: outCell + width * row)
        }
        return (hidden, newCell)
    }

    /// `∂L/∂a` and `∂L/∂c` of `lstmCell`, the gates recomputed from `a` (see `FusedDefaults.lstmCellBackward`).
    public func _lstmCellBackward(_ gates: Tensor, _ cell: Tensor, _ newCell: Tensor, _ gradHidden: Tensor,
                                  _ gradCell: Tensor) throws -> (gates: Tensor, cell: Tensor) {
        let a = try values(gates), c = try values(cell), cNew = try values(newCell)
        let gh = try values(gradHidden), gc = try values(gradCell), (rows, width) = (cell.shape[0], cell.shape[1])
        let (gradGates, outGates) = try makeTensor(gates.shape), (gradPrevious, outCell) = try makeTensor(cell.shape)
        Self.forEachRow(rows, columns: width, costPerElement: 120) { row in
            let offset = width * row
            return LSTMCellGradientStep(gates: a + 4 * offset, cell: c + offset, newCell: cNew + offset, gradHidden: gh + offset,
                                        gradCell: gc + offset, width: width, gradGates: outGates + 4 * offset, gradPrevious: outCell + offset)
        }
        return (gradGates, gradPrevious)
    }

    /// `h' = n + z ⊙ (h - n)` (that is `(1 - z) ⊙ n + z ⊙ h`) with `r = σ(x_r + u_r)`,
    /// `z = σ(x_z + u_z)`, `n = tanh(x_n + r ⊙ u_n)`.
    public func _gruCell(_ inputGates: Tensor, _ hiddenGates: Tensor, _ hidden: Tensor) throws -> Tensor {
        let x = try values(inputGates), u = try values(hiddenGates), h = try values(hidden)
        let (rows, width) = (hidden.shape[0], hidden.shape[1])
        let (result, out) = try makeTensor(hidden.shape)
        Self.forEachRow(rows, columns: width, costPerElement: 70) { row in
            GRUCellStep(input: x + 3 * width * row, recurrent: u + 3 * width * row, hidden: h + width * row, width: width, output: out + width * row)
        }
        return result
    }

    /// `∂L/∂x`, `∂L/∂u` and `∂L/∂h` of `gruCell`, the gates recomputed (see `FusedDefaults.gruCellBackward`).
    public func _gruCellBackward(_ inputGates: Tensor, _ hiddenGates: Tensor, _ hidden: Tensor,
                                 _ gradOutput: Tensor) throws -> (inputGates: Tensor, hiddenGates: Tensor, hidden: Tensor) {
        let x = try values(inputGates), u = try values(hiddenGates), h = try values(hidden), g = try values(gradOutput)
        let (rows, width) = (hidden.shape[0], hidden.shape[1])
        let (gradInput, outInput) = try makeTensor(inputGates.shape), (gradRecurrent, outRecurrent) = try makeTensor(inputGates.shape)
        let (gradHidden, outHidden) = try makeTensor(hidden.shape)
        Self.forEachRow(rows, columns: width, costPerElement: 90) { row in
            let offset = width * row
            return GRUCellGradientStep(input: x + 3 * offset, recurrent: u + 3 * offset, hidden: h + offset, grad: g + offset, width: width,
                                       gradInput: outInput + 3 * offset, gradRecurrent: outRecurrent + 3 * offset, gradHidden: outHidden + offset)
        }
        return (gradInput, gradRecurrent, gradHidden)
    }

    /// Runs `step(row)` over the `columns` state columns of every row (`VectorLoop.forEach`),
    /// rows split across threads; `costPerElement` is the work of one column.
    @inline(__always)
    private static func forEachRow<Step: VectorStep>(_ rows: Int, columns: Int, costPerElement: Int, _ step: (Int) -> Step) {
        Parallel.forEachChunk(rows, costPerItem: columns * costPerElement) { range in
            for row in range { VectorLoop.forEach(0..<columns, step(row)) }
        }
    }
}

/// `i, f, o = σ(a_i, a_f, a_o)` and `g = tanh a_g` at columns `c ..< c + n` of one row's gates
/// `[a_i, a_f, a_g, a_o]`, each block `width` long.
@inline(__always)
private func lstmGates(_ gates: UnsafePointer<Float>, width: Int, _ c: Int, _ n: Int) -> (FloatVector, FloatVector, FloatVector, FloatVector) {
    (VectorMath.sigmoid(gates.vector(at: c, lanes: n)), VectorMath.sigmoid(gates.vector(at: width + c, lanes: n)),
     VectorMath.tanh(gates.vector(at: 2 * width + c, lanes: n)), VectorMath.sigmoid(gates.vector(at: 3 * width + c, lanes: n)))
}

/// The LSTM step on one row: `gates` at the row's `[a_i, a_f, a_g, a_o]`, each block `width` long.
private struct LSTMCellStep: VectorStep {
    let gates, cell: UnsafePointer<Float>
    let width: Int
    let hidden, newCell: UnsafeMutablePointer<Float>

    @inline(__always)
    func run(_ c: Int, _ n: Int) {
        let (i, f, g, o) = lstmGates(gates, width: width, c, n)
        let next = f * cell.vector(at: c, lanes: n) + i * g
        newCell.store(next, at: c, lanes: n)
        hidden.store(o * VectorMath.tanh(next), at: c, lanes: n)
    }
}

/// The LSTM gradients on one row:
/// `δc = ∂c' + ∂h' ⊙ o ⊙ (1 - tanh²c')`, `∂a = [δc·g·i(1-i), δc·c·f(1-f), δc·i·(1-g²), ∂h'·tanh c'·o(1-o)]`, `∂c = δc·f`.
private struct LSTMCellGradientStep: VectorStep {
    let gates, cell, newCell, gradHidden, gradCell: UnsafePointer<Float>
    let width: Int
    let gradGates, gradPrevious: UnsafeMutablePointer<Float>

    @inline(__always)
    func run(_ c: Int, _ n: Int) {
        let (i, f, g, o) = lstmGates(gates, width: width, c, n)
        let tanhCell = VectorMath.tanh(newCell.vector(at: c, lanes: n)), upHidden = gradHidden.vector(at: c, lanes: n)
        let delta = gradCell.vector(at: c, lanes: n) + upHidden * o * (1 - tanhCell * tanhCell)
        gradGates.store(delta * g * (i * (1 - i)), at: c, lanes: n)
        gradGates.store(delta * cell.vector(at: c, lanes: n) * (f * (1 - f)), at: width + c, lanes: n)
        gradGates.store(delta * i * (1 - g * g), at: 2 * width + c, lanes: n)
        gradGates.store(upHidden * tanhCell * (o * (1 - o)), at: 3 * width + c, lanes: n)
        gradPrevious.store(delta * f, at: c, lanes: n)
    }
}

/// The GRU's `r`, `z`, `n` of 16 columns of one row (see `GRUCellStep`).
@inline(__always)
private func gruGates(_ x: UnsafePointer<Float>, _ u: UnsafePointer<Float>, width: Int, _ c: Int, _ n: Int)
    -> (r: FloatVector, z: FloatVector, n: FloatVector, recurrentN: FloatVector) {
    let r = VectorMath.sigmoid(x.vector(at: c, lanes: n) + u.vector(at: c, lanes: n))
    let z = VectorMath.sigmoid(x.vector(at: width + c, lanes: n) + u.vector(at: width + c, lanes: n))
    let recurrentN = u.vector(at: 2 * width + c, lanes: n)
    return (r, z, VectorMath.tanh(x.vector(at: 2 * width + c, lanes: n) + r * recurrentN), recurrentN)
}

/// The GRU step on one row: `input` and `recurrent` at the row's `[·_r, ·_z, ·_n]` blocks.
private struct GRUCellStep: VectorStep {
    let input, recurrent, hidden: UnsafePointer<Float>
    let width: Int
    let output: UnsafeMutablePointer<Float>

    @inline(__always)
    func run(_ c: Int, _ n: Int) {
        let gates = gruGates(input, recurrent, width: width, c, n)
        output.store(gates.n + gates.z * (hidden.vector(at: c, lanes: n) - gates.n), at: c, lanes: n)
    }
}

/// The GRU gradients on one row: `δn = g·(1-z)·(1-n²)`, `δz = g·(h-n)·z(1-z)`,
/// `δr = δn·u_n·r(1-r)`; `∂x = [δr, δz, δn]`, `∂u = [δr, δz, δn·r]`, `∂h = g·z`.
private struct GRUCellGradientStep: VectorStep {
    let input, recurrent, hidden, grad: UnsafePointer<Float>
    let width: Int
    let gradInput, gradRecurrent, gradHidden: UnsafeMutablePointer<Float>

    @inline(__always)
    func run(_ c: Int, _ n: Int) {
        let gates = gruGates(input, recurrent, width: width, c, n), upstream = grad.vector(at: c, lanes: n)
        let deltaN = upstream * (1 - gates.z) * (1 - gates.n * gates.n)
        let deltaZ = upstream * (hidden.vector(at: c, lanes: n) - gates.n) * (gates.z * (1 - gates.z))
        let deltaR = deltaN * gates.recurrentN * (gates.r * (1 - gates.r))
        gradInput.store(deltaR, at: c, lanes: n)
        gradInput.store(deltaZ, at: width + c, lanes: n)
        gradInput.store(deltaN, at: 2 * width + c, lanes: n)
        gradRecurrent.store(deltaR, at: c, lanes: n)
        gradRecurrent.store(deltaZ, at: width + c, lanes: n)
        gradRecurrent.store(deltaN * gates.r, at: 2 * width + c, lanes: n)
        gradHidden.store(upstream * gates.z, at: c, lanes: n)
    }
}
