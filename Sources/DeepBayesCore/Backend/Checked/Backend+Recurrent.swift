/// The kernels of recurrent layers: column blocks of a matrix (a sequence's steps, a layer's
/// gates) and the LSTM and GRU steps with their gradients. Each hook's formula is on the
/// `FusedDefaults` function of the same name.
extension Backend {
    /// `count` columns of the matrix `x` (`[R, C]`) from column `start`: `[R, count]`.
    public func sliceColumns(_ x: Tensor, start: Int, count: Int) throws -> Tensor {
        try checkOwnership("sliceColumns", x)
        let columns = try matrixColumns(x, "sliceColumns", "x")
        try checkColumnRange(start: start, count: count, within: columns, "sliceColumns")
        try capabilities.checkAllocation(floats: x.shape[0] * count, on: name)
        return try _sliceColumns(x, start: start, count: count)
    }

    /// The adjoint of `sliceColumns`: `x` (`[R, C]`) placed at column `start` of a `[R, width]`
    /// matrix of zeros.
    public func placeColumns(_ x: Tensor, start: Int, width: Int) throws -> Tensor {
        try checkOwnership("placeColumns", x)
        let columns = try matrixColumns(x, "placeColumns", "x")
        try checkColumnRange(start: start, count: columns, within: width, "placeColumns")
        try capabilities.checkAllocation(floats: x.shape[0] * width, on: name)
        return try _placeColumns(x, start: start, width: width)
    }

    /// One LSTM step: `gates` `[B, 4H]` (pre-activations of i, f, g, o) and the cell `[B, H]`
    /// give the new hidden state and cell, each `[B, H]`.
    public func lstmCell(gates: Tensor, cell: Tensor) throws -> (hidden: Tensor, cell: Tensor) {
        try checkOwnership("lstmCell", gates, cell)
        try checkGates(gates, state: cell, blocks: 4, "lstmCell")
        return try _lstmCell(gates, cell)
    }

    /// The gradients of `lstmCell` for the gates and the previous cell, from the step's
    /// inputs, its new cell and the upstream gradients of the new hidden state and cell.
    public func lstmCellBackward(gates: Tensor, cell: Tensor, newCell: Tensor, gradHidden: Tensor,
                                 gradCell: Tensor) throws -> (gates: Tensor, cell: Tensor) {
        try checkOwnership("lstmCellBackward", gates, cell, newCell, gradHidden, gradCell)
        try checkGates(gates, state: cell, blocks: 4, "lstmCellBackward")
        for (role, tensor) in [("newCell", newCell), ("gradHidden", gradHidden), ("gradCell", gradCell)] {
            try requireShape(tensor, cell.shape, "lstmCellBackward", role)
        }
        return try _lstmCellBackward(gates, cell, newCell, gradHidden, gradCell)
    }

    /// One GRU step: the input part `x·W_x + b_x` and recurrent part `h·W_h + b_h` (each
    /// `[B, 3H]`, blocks r, z, n) and the state `h` (`[B, H]`) give the new state `[B, H]`.
    public func gruCell(inputGates: Tensor, hiddenGates: Tensor, hidden: Tensor) throws -> Tensor {
        try checkOwnership("gruCell", inputGates, hiddenGates, hidden)
        try checkGates(inputGates, state: hidden, blocks: 3, "gruCell")
        try requireShape(hiddenGates, inputGates.shape, "gruCell", "hiddenGates")
        return try _gruCell(inputGates, hiddenGates, hidden)
    }

    /// The gradients of `gruCell` for its three inputs, from the upstream gradient of the new state.
    public func gruCellBackward(inputGates: Tensor, hiddenGates: Tensor, hidden: Tensor,
                                gradOutput: Tensor) throws -> (inputGates: Tensor, hiddenGates: Tensor, hidden: Tensor) {
        try checkOwnership("gruCellBackward", inputGates, hiddenGates, hidden, gradOutput)
        try checkGates(inputGates, state: hidden, blocks: 3, "gruCellBackward")
        try requireShape(hiddenGates, inputGates.shape, "gruCellBackward", "hiddenGates")
        try requireShape(gradOutput, hidden.shape, "gruCellBackward", "gradOutput")
        return try _gruCellBackward(inputGates, hiddenGates, hidden, gradOutput)
    }

    /// The column count of a rank-2 `x`; `shapeMismatch` for another rank.
    private func matrixColumns(_ x: Tensor, _ operation: String, _ role: String) throws -> Int {
        guard x.shape.rank == 2 else {
            throw DeepBayesError.shapeMismatch(operation: operation, reason: "\(role) must be a matrix, got shape \(x.shape)")
        }
        return x.shape[1]
    }

    /// `invalidArgument` unless `0 ≤ start` and `start + count ≤ columns` with `count ≥ 0`.
    private func checkColumnRange(start: Int, count: Int, within columns: Int, _ operation: String) throws {
        guard start >= 0, count >= 0, start <= columns - count else {
            throw DeepBayesError.invalidArgument(operation: operation, reason: "columns \(start)..<\(start + count) do not lie within 0..<\(columns)")
        }
    }

    /// `shapeMismatch` unless `state` is `[B, H]` and `gates` `[B, blocks·H]`.
    private func checkGates(_ gates: Tensor, state: Tensor, blocks: Int, _ operation: String) throws {
        _ = try matrixColumns(state, operation, "the state")
        try requireShape(gates, [state.shape[0], blocks * state.shape[1]], operation, "gates")
    }
}
