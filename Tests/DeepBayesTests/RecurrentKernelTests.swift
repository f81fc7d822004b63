import DeepBayesBackendConformance
import DeepBayesCore
import Testing

/// Sanity checks of the recurrent kernels beyond the conformance kit's values: every shipped
/// backend runs them natively (so the kit's defaults-against-native comparison compares two
/// implementations), and a batch's rows are independent however the rows are split across
/// threads or work-items.
@Suite struct RecurrentKernelTests {
    static let recurrentKernels: Set<FusedKernel> = [.sliceColumns, .placeColumns, .lstmCell, .lstmCellBackward, .gruCell, .gruCellBackward]

    /// The capabilities list the six, and the column kernels copy: an infinity and a NaN come
    /// through unchanged beside finite values (the matrix-product defaults make such rows NaN).
    @Test(arguments: TestBackends.names)
    func backendRunsTheRecurrentKernelsNatively(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let native = backend.capabilities.nativeKernels
        #expect(Self.recurrentKernels.isSubset(of: native), "\(backendName) composes \(Self.recurrentKernels.subtracting(native))")
        let x = try backend.tensor([1, .infinity, 2, 3, .nan, 4], shape: [2, 3])
        #expect(try backend.sliceColumns(x, start: 0, count: 1).toArray() == [1, 3])
        #expect(try backend.sliceColumns(x, start: 1, count: 1).toArray().first == .infinity)
        let placed = try backend.placeColumns(x, start: 1, width: 5).toArray()
        #expect(placed[0] == 0 && placed[1] == 1 && placed[2] == .infinity && placed[4] == 0 && placed[6] == 3 && placed[7].isNaN)
    }

    /// Each row of an LSTM and a GRU step over 257 rows (enough work to split across threads)
    /// equals, bit for bit, the step of that row alone.
    @Test(arguments: TestBackends.names)
    func batchRowsMatchSingleRowSteps(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        var random = HostRandom(seed: 41)
        let (batch, width) = (257, 48)
        let a = random.array(batch * 4 * width, -6, 6), c = random.array(batch * width, -3, 3)
        let x = random.array(batch * 3 * width, -4, 4), u = random.array(batch * 3 * width, -2, 2), h = random.array(batch * width)
        let lstm = try backend.lstmCell(gates: backend.tensor(a, shape: [batch, 4 * width]), cell: backend.tensor(c, shape: [batch, width]))
        let gru = try backend.gruCell(inputGates: backend.tensor(x, shape: [batch, 3 * width]), hiddenGates: backend.tensor(u, shape: [batch, 3 * width]),
                                      hidden: backend.tensor(h, shape: [batch, width]))
        let (lstmHidden, lstmCell, gruHidden) = (try lstm.hidden.toArray(), try lstm.cell.toArray(), try gru.toArray())
        for row in [0, 1, 128, batch - 1] {
            func rowOf(_ values: [Float], _ columns: Int) -> [Float] { Array(values[(row * columns)..<((row + 1) * columns)]) }
            let single = try backend.lstmCell(gates: backend.tensor(rowOf(a, 4 * width), shape: [1, 4 * width]),
                                              cell: backend.tensor(rowOf(c, width), shape: [1, width]))
            #expect(try single.hidden.toArray() == rowOf(lstmHidden, width), "LSTM h' row \(row)")
            #expect(try single.cell.toArray() == rowOf(lstmCell, width), "LSTM c' row \(row)")
            let singleGRU = try backend.gruCell(inputGates: backend.tensor(rowOf(x, 3 * width), shape: [1, 3 * width]),
                                                hiddenGates: backend.tensor(rowOf(u, 3 * width), shape: [1, 3 * width]),
                                                hidden: backend.tensor(rowOf(h, width), shape: [1, width]))
            #expect(try singleGRU.toArray() == rowOf(gruHidden, width), "GRU h' row \(row)")
        }
    }
}
