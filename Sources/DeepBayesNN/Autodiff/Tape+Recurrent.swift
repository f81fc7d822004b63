import DeepBayesCore

extension Tape {
    /// `count` columns of the matrix `x` from column `start` (a sequence's step, one gate's
    /// block); the gradient is placed back at those columns.
    public func sliceColumns(_ x: Variable, start: Int, count: Int) throws -> Variable {
        let backend = self.backend
        let width = x.shape.rank == 2 ? x.shape[1] : 0
        let slice = try backend.sliceColumns(x.value, start: start, count: count)
        return record(slice, inputs: [x]) { g in [try backend.placeColumns(g, start: start, width: width)] }
    }

    /// One LSTM step from the gate pre-activations `[B, 4H]` (blocks i, f, g, o) and the cell
    /// `[B, H]` (see `FusedDefaults.lstmCell`): the new hidden state and cell. One fused kernel
    /// each way; an output whose gradient never arrives counts as a zero gradient.
    public func lstmCell(gates: Variable, cell: Variable) throws -> (hidden: Variable, cell: Variable) {
        let backend = self.backend
        let (hidden, newCell) = try backend.lstmCell(gates: gates.value, cell: cell.value)
        let outputs = record([hidden, newCell], inputs: [gates, cell]) { upstream in
            let gradHidden = try upstream[0] ?? backend.zeros(hidden.shape)
            let gradCell = try upstream[1] ?? backend.zeros(newCell.shape)
            let gradients = try backend.lstmCellBackward(gates: gates.value, cell: cell.value, newCell: newCell,
                                                         gradHidden: gradHidden, gradCell: gradCell)
            return [gradients.gates, gradients.cell]
        }
        return (outputs[0], outputs[1])
    }

    /// One GRU step from the input part `x·W_x + b_x` and recurrent part `h·W_h + b_h` (each
    /// `[B, 3H]`, blocks r, z, n) and the state `h` (see `FusedDefaults.gruCell`).
    public func gruCell(inputGates: Variable, hiddenGates: Variable, hidden: Variable) throws -> Variable {
        let backend = self.backend
        let newHidden = try backend.gruCell(inputGates: inputGates.value, hiddenGates: hiddenGates.value, hidden: hidden.value)
        return record(newHidden, inputs: [inputGates, hiddenGates, hidden]) { g in
            let gradients = try backend.gruCellBackward(inputGates: inputGates.value, hiddenGates: hiddenGates.value,
                                                        hidden: hidden.value, gradOutput: g)
            return [gradients.inputGates, gradients.hiddenGates, gradients.hidden]
        }
    }
}
