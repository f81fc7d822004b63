import DeepBayesCore

/// `RecurrentKernels` (`Kernels/recurrent.cl`): column slices and their adjoint, one
/// work-item per element, and the LSTM and GRU steps with their gradients, one work-item per
/// 16 state columns of a row (global size `[⌈H/16⌉, B]`).
extension OpenCLBackend {
    /// `y[r, c] = x[r, start + c]` (kernel `slice_columns`).
    public func _sliceColumns(_ x: Tensor, start: Int, count: Int) throws -> Tensor {
        let rows = x.shape[0]
        let (y, out) = try makeTensor([rows, count])
        try launch(.recurrent, "slice_columns", global: [count, rows], [.buffer(try buffer(x)), .buffer(out), .int(x.shape[1]), .int(start), .int(count)])
        return y
    }

    /// `x` at column `start` of a `[R, width]` matrix of zeros (kernel `place_columns`).
    public func _placeColumns(_ x: Tensor, start: Int, width: Int) throws -> Tensor {
        let rows = x.shape[0]
        let (y, out) = try makeTensor([rows, width])
        try launch(.recurrent, "place_columns", global: [width, rows], [.buffer(try buffer(x)), .buffer(out), .int(x.shape[1]), .int(start), .int(width)])
        return y
    }

    /// `c' = f ⊙ c + i ⊙ g`, `h' = o ⊙ tanh c'` (kernel `lstm_cell`).
    public func _lstmCell(_ gates: Tensor, _ cell: Tensor) throws -> (hidden: Tensor, cell: Tensor) {
        let (hidden, hiddenOut) = try makeTensor(cell.shape), (newCell, cellOut) = try makeTensor(cell.shape)
        try launch(.recurrent, "lstm_cell", global: stateGrid(cell),
                   [.buffer(try buffer(gates)), .buffer(try buffer(cell)), .buffer(hiddenOut), .buffer(cellOut), .int(cell.shape[1])])
        return (hidden, newCell)
    }

    /// The gradients of `lstmCell` for the gates and the previous cell (kernel `lstm_cell_backward`).
    public func _lstmCellBackward(_ gates: Tensor, _ cell: Tensor, _ newCell: Tensor, _ gradHidden: Tensor,
                                  _ gradCell: Tensor) throws -> (gates: Tensor, cell: Tensor) {
        let (gradGates, gatesOut) = try makeTensor(gates.shape), (gradPrevious, previousOut) = try makeTensor(cell.shape)
        try launch(.recurrent, "lstm_cell_backward", global: stateGrid(cell),
                   [gates, cell, newCell, gradHidden, gradCell].map { .buffer(try buffer($0)) }
                   + [.buffer(gatesOut), .buffer(previousOut), .int(cell.shape[1])])
        return (gradGates, gradPrevious)
    }

    /// `h' = (1 - z) ⊙ n + z ⊙ h` (kernel `gru_cell`).
    public func _gruCell(_ inputGates: Tensor, _ hiddenGates: Tensor, _ hidden: Tensor) throws -> Tensor {
        let (result, out) = try makeTensor(hidden.shape)
        try launch(.recurrent, "gru_cell", global: stateGrid(hidden),
                   [inputGates, hiddenGates, hidden].map { .buffer(try buffer($0)) } + [.buffer(out), .int(hidden.shape[1])])
        return result
    }

    /// The gradients of `gruCell` for its three inputs (kernel `gru_cell_backward`).
    public func _gruCellBackward(_ inputGates: Tensor, _ hiddenGates: Tensor, _ hidden: Tensor,
                                 _ gradOutput: Tensor) throws -> (inputGates: Tensor, hiddenGates: Tensor, hidden: Tensor) {
        let (gradInput, inputOut) = try makeTensor(inputGates.shape), (gradRecurrent, recurrentOut) = try makeTensor(inputGates.shape)
        let (gradHidden, hiddenOut) = try makeTensor(hidden.shape)
        try launch(.recurrent, "gru_cell_backward", global: stateGrid(hidden),
                   [inputGates, hiddenGates, hidden, gradOutput].map { .buffer(try buffer($0)) }
                   + [.buffer(inputOut), .buffer(recurrentOut), .buffer(hiddenOut), .int(hidden.shape[1])])
        return (gradInput, gradRecurrent, gradHidden)
    }

    /// The global size of the cell kernels for a `[B, H]` state: `[⌈H/16⌉, B]`.
    private func stateGrid(_ state: Tensor) -> [Int] { [chunks(state.shape[1]), state.shape[0]] }
}
