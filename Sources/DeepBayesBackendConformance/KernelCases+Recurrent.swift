import DeepBayesCore

extension KernelCases {
    /// `(rows, columns, start, count)` of the column-slice cases: single columns, the first
    /// and the last column, odd widths, and a large block.
    public static let columnSlices: [(Int, Int, Int, Int)] = [
        (1, 1, 0, 1), (3, 7, 6, 1), (3, 7, 0, 7), (17, 33, 0, 16), (17, 132, 99, 33), (5, 28, 21, 7), (129, 512, 128, 128), (129, 9, 4, 3),
    ]

    /// `(B, H)` of the LSTM and GRU cases: single rows and columns, odd sizes, full vectors.
    public static let recurrentStates: [(Int, Int)] = [(1, 1), (3, 7), (17, 33), (1, 128), (129, 7), (129, 128), (3, 17)]

    /// Column slices and their adjoint (copies, exact: `Tolerance.elementwise`), and the LSTM
    /// and GRU steps and gradients (sigmoid and tanh: `Tolerance.transcendental`), with gate
    /// pre-activations over -6…6 so that the gates saturate.
    public static let recurrent: [KernelCase] = {
        var cases: [KernelCase] = []
        var random = HostRandom(seed: 12)
        for (rows, columns, start, count) in columnSlices {
            let x = random.array(rows * columns, -4, 4), y = random.array(rows * count, -4, 4)
            cases.append(KernelCase(
                name: "sliceColumns [\(rows), \(columns)] \(start)..<\(start + count)", tolerance: Tolerance.elementwise,
                run: { try $0.sliceColumns(upload($0, x, [rows, columns]), start: start, count: count).toArray() },
                reference: { Reference.sliceColumns(x.map(Double.init), columns: columns, start: start, count: count) }))
            cases.append(KernelCase(
                name: "placeColumns [\(rows), \(count)] at \(start) of \(columns)", tolerance: Tolerance.elementwise,
                run: { try $0.placeColumns(upload($0, y, [rows, count]), start: start, width: columns).toArray() },
                reference: { Reference.placeColumns(y.map(Double.init), columns: count, start: start, width: columns) }))
        }
        for (batch, width) in recurrentStates {
            let state: Shape = [batch, width], lstmGates: Shape = [batch, 4 * width], gruGates: Shape = [batch, 3 * width]
            let a = random.array(lstmGates.count, -6, 6), c = random.array(state.count, -3, 3)
            let gradHidden = random.array(state.count), gradCell = random.array(state.count)
            let (aD, cD) = (a.map(Double.init), c.map(Double.init))
            let newCell = Reference.lstmCell(aD, cD, width: width).cell.map(Float.init)
            cases.append(KernelCase(
                name: "lstmCell [\(batch), \(width)]", tolerance: Tolerance.transcendental,
                run: { backend in
                    let (h, next) = try backend.lstmCell(gates: upload(backend, a, lstmGates), cell: upload(backend, c, state))
                    return try h.toArray() + next.toArray()
                },
                reference: { let step = Reference.lstmCell(aD, cD, width: width); return step.hidden + step.cell }))
            cases.append(KernelCase(
                name: "lstmCellBackward [\(batch), \(width)]", tolerance: Tolerance.transcendental,
                run: { backend in
                    let grads = try backend.lstmCellBackward(gates: upload(backend, a, lstmGates), cell: upload(backend, c, state),
                                                             newCell: upload(backend, newCell, state), gradHidden: upload(backend, gradHidden, state),
                                                             gradCell: upload(backend, gradCell, state))
                    return try grads.gates.toArray() + grads.cell.toArray()
                },
                reference: {
                    let grads = Reference.lstmCellBackward(aD, cD, newCell.map(Double.init), gradHidden.map(Double.init),
                                                           gradCell.map(Double.init), width: width)
                    return grads.gates + grads.cell
                }))
            let x = random.array(gruGates.count, -4, 4), u = random.array(gruGates.count, -2, 2)
            let h = random.array(state.count), g = random.array(state.count)
            let (xD, uD, hD) = (x.map(Double.init), u.map(Double.init), h.map(Double.init))
            cases.append(KernelCase(
                name: "gruCell [\(batch), \(width)]", tolerance: Tolerance.transcendental,
                run: { try $0.gruCell(inputGates: upload($0, x, gruGates), hiddenGates: upload($0, u, gruGates), hidden: upload($0, h, state)).toArray() },
                reference: { Reference.gruCell(xD, uD, hD, width: width) }))
            cases.append(KernelCase(
                name: "gruCellBackward [\(batch), \(width)]", tolerance: Tolerance.transcendental,
                run: { backend in
                    let grads = try backend.gruCellBackward(inputGates: upload(backend, x, gruGates), hiddenGates: upload(backend, u, gruGates),
                                                            hidden: upload(backend, h, state), gradOutput: upload(backend, g, state))
                    return try grads.inputGates.toArray() + grads.hiddenGates.toArray() + grads.hidden.toArray()
                },
                reference: {
                    let grads = Reference.gruCellBackward(xD, uD, hD, g.map(Double.init), width: width)
                    return grads.inputGates + grads.hiddenGates + grads.hidden
                }))
        }
        return cases
    }()
}
