import DeepBayesCore

/// The compile-time parameters of `gemm_blocked` (`Kernels/gemm_blocked.cl`), the launch they
/// need, and whether a device can run them.
///
/// A work-group computes a `tileRows x tileColumns` tile of `C` (TM x TN), stepping through
/// the depth `depth` (TK) at a time with a TM x TK tile of `op(A)` and a TK x TN tile of
/// `op(B)` in local memory; each of its `(TN / WPTN) x (TM / WPTM)` work-items keeps a
/// `blockRows x blockColumns` (WPTM x WPTN) block of `C` in registers, the elements
/// `(m0 + tm + wm·TM/WPTM, n0 + tn + wn·TN/WPTN)`. Global loads read `vectorWidth` floats at
/// once where the stored rows allow it (`loadWidth`).
struct GemmConfiguration: Codable, Hashable, Sendable, CustomStringConvertible {
    /// TM: rows of the tile of `C` of one work-group.
    let tileRows: Int
    /// TN: columns of the tile of `C` of one work-group.
    let tileColumns: Int
    /// TK: the depth of one local-memory step.
    let depth: Int
    /// WPTM: rows of the block of `C` of one work-item.
    let blockRows: Int
    /// WPTN: columns of the block of `C` of one work-item.
    let blockColumns: Int
    /// Floats per global load (1, 2 or 4) where the operand's stored rows allow it.
    let vectorWidth: Int

    /// Floats of padding after each row of a local tile (PAD): an odd row stride, so the
    /// work-items of a row, reading one column of a transposed tile, hit different banks.
    static let padding = 1

    /// The configurations the tuner tries, the well-known good ones for NVIDIA-class GPUs
    /// (256 work-items, 8x8 or 4x4 register blocks, float4 or float2 loads; myGEMM's and
    /// CLBlast's NVIDIA parameters, with CLBlast's M, the contiguous dimension of its
    /// column-major `C`, as our TN). Each is valid (`isValid`).
    static let candidates = [
        GemmConfiguration(tileRows: 128, tileColumns: 128, depth: 16, blockRows: 8, blockColumns: 8, vectorWidth: 4),
        GemmConfiguration(tileRows: 128, tileColumns: 128, depth: 8, blockRows: 8, blockColumns: 8, vectorWidth: 4),
        GemmConfiguration(tileRows: 64, tileColumns: 128, depth: 16, blockRows: 4, blockColumns: 8, vectorWidth: 2),
        GemmConfiguration(tileRows: 64, tileColumns: 64, depth: 16, blockRows: 4, blockColumns: 4, vectorWidth: 4),
        GemmConfiguration(tileRows: 64, tileColumns: 64, depth: 8, blockRows: 4, blockColumns: 4, vectorWidth: 2),
        GemmConfiguration(tileRows: 64, tileColumns: 64, depth: 16, blockRows: 8, blockColumns: 8, vectorWidth: 4),
    ]

    /// `TMxTNxTK/WPTMxWPTN/vW`, e.g. `128x128x16/8x8/v4`.
    var description: String { "\(tileRows)x\(tileColumns)x\(depth)/\(blockRows)x\(blockColumns)/v\(vectorWidth)" }

    /// Whether the kernel's assumptions hold: the blocks divide the tile, the vector width is
    /// 1, 2 or 4 and divides TM, TN and TK (so vector loads start on multiples of it).
    var isValid: Bool {
        [tileRows, tileColumns, depth, blockRows, blockColumns].allSatisfy { $0 > 0 }
            && tileRows % blockRows == 0 && tileColumns % blockColumns == 0
            && [1, 2, 4].contains(vectorWidth) && [tileRows, tileColumns, depth].allSatisfy { $0 % vectorWidth == 0 }
    }

    /// The work-group: `(TN / WPTN, TM / WPTM, 1)`, local id 0 along the columns of `C`.
    var workGroup: [Int] { [tileColumns / blockColumns, tileRows / blockRows, 1] }

    /// Work-items in one work-group.
    var workItems: Int { workGroup.reduce(1, *) }

    /// Local memory of one work-group, at most (the larger orientation of each tile):
    /// `4·((TM + PAD)(TK + PAD) + (TN + PAD)(TK + PAD))` bytes.
    var localMemoryBytes: Int {
        MemoryLayout<Float>.size * (tileRows + Self.padding + tileColumns + Self.padding) * (depth + Self.padding)
    }

    /// Whether the device can run it: its work-group within `CL_DEVICE_MAX_WORK_GROUP_SIZE`, its
    /// tiles within `CL_DEVICE_LOCAL_MEM_SIZE`. (The compiled kernel's own limit is checked at launch.)
    func fits(maximumWorkGroupSize: Int, localMemoryBytes available: Int) -> Bool {
        isValid && workItems <= maximumWorkGroupSize && localMemoryBytes <= available
    }

    /// Whether `device` can run it (see `fits(maximumWorkGroupSize:localMemoryBytes:)`).
    func fits(_ device: OpenCLDevice) -> Bool {
        fits(maximumWorkGroupSize: device.maximumWorkGroupSize, localMemoryBytes: device.localMemoryBytes)
    }

    /// The global size of the product `g`: one work-group per tile of `C`, per batch entry.
    func globalSize(_ g: MatmulGeometry) -> [Int] {
        [(g.n + tileColumns - 1) / tileColumns * workGroup[0], (g.m + tileRows - 1) / tileRows * workGroup[1], g.batch]
    }

    /// The width of the global loads of an operand whose stored rows hold `rowLength` floats:
    /// `vectorWidth` when it divides `rowLength` (every vector then starts on a multiple of the
    /// width, inside one row, and is wholly inside or outside the matrix), else 1.
    func loadWidth(rowLength: Int) -> Int { rowLength % vectorWidth == 0 ? vectorWidth : 1 }

    /// The build options of `gemm_blocked` for the product `g`: the parameters, the transposes,
    /// and the load widths of `A` (rows of `k`, or of `m` when transposed) and `B` (rows of `n`,
    /// or of `k` when transposed).
    func options(_ g: MatmulGeometry) -> String {
        let widthA = loadWidth(rowLength: g.transposeA ? g.m : g.k), widthB = loadWidth(rowLength: g.transposeB ? g.k : g.n)
        return "-DTM=\(tileRows) -DTN=\(tileColumns) -DTK=\(depth) -DWPTM=\(blockRows) -DWPTN=\(blockColumns)"
            + " -DVWA=\(widthA) -DVWB=\(widthB) -DPAD=\(Self.padding)"
            + " -DTRANS_A=\(g.transposeA ? 1 : 0) -DTRANS_B=\(g.transposeB ? 1 : 0)"
    }
}
