import DeepBayesCore

extension OpenCLBackend {
    /// `C = op(A)·op(B)` on the device (see `gemm`); `[m, n]` or `[batch, m, n]`.
    public func _matmul(_ a: Tensor, _ b: Tensor, geometry: MatmulGeometry) throws -> Tensor {
        let shape: Shape = a.shape.rank == 3 ? [geometry.batch, geometry.m, geometry.n] : [geometry.m, geometry.n]
        return wrap(try gemm(try buffer(a), try buffer(b), geometry), shape)
    }

    /// `C[b] = op(A)[b]·op(B)[b]` into a new buffer, accumulated in `Float` with fma; each
    /// `C[b]` is stored as `[n / group, m, group]` (row-major for the default `group = n`).
    ///
    /// With `.panels` (the default on CPU devices): below `packingDepth`, `gemmPanels` reads `A`
    /// in place, and `B` too when its rows hold whole panels (untransposed, `n % 16 == 0`);
    /// otherwise `pack` lays the operand out first; `A·Bᵀ` with row-major `A` and `k % 16 == 0` runs `gemm_rows` (dot products of
    /// rows in `float16` chunks) instead. With `.blocked` (the default on GPUs), `gemmBlocked` with
    /// `blockedConfiguration`, else the tuner's choice for the device (`tunedGemmConfiguration`),
    /// else, when no configuration passed the tuner, `gemmTiled`. With `.tiled`, `gemmTiled`.
    func gemm(_ a: OpenCLBuffer, _ b: OpenCLBuffer, _ g: MatmulGeometry, group: Int? = nil) throws -> OpenCLBuffer {
        if matmulStrategy == .panels && !g.transposeA && g.transposeB && g.k % 16 == 0 {
            let c = try makeBuffer(count: g.batch * g.m * g.n)
            try launch(.matmul, "gemm_rows", global: [(g.m + 3) / 4, (g.n + 3) / 4, g.batch],
                       [.buffer(a), .buffer(b), .buffer(c), .int(g.m), .int(g.n), .int(g.k), .int(group ?? g.n)])
            return c
        }
        if matmulStrategy == .panels {
            let packsBoth = g.k >= Self.packingDepth
            let ap = packsBoth
                ? PanelOperand.packed(try pack(a, rows: g.m, depth: g.k, width: 8, transposed: g.transposeA, batch: g.batch),
                                      rows: g.m, depth: g.k, width: 8)
                : PanelOperand.inPlace(a, rows: g.m, depth: g.k, width: 8, transposed: g.transposeA)
            let bp = !packsBoth && !g.transposeB && g.n % 16 == 0
                ? PanelOperand.inPlace(b, rows: g.n, depth: g.k, width: 16, transposed: true)
                : PanelOperand.packed(try pack(b, rows: g.n, depth: g.k, width: 16, transposed: !g.transposeB, batch: g.batch),
                                      rows: g.n, depth: g.k, width: 16)
            return try gemmPanels(ap, bp, g, group: group ?? g.n)
        }
        if let configuration = try blockedGemmConfiguration() {
            return try gemmBlocked(a, b, g, group: group ?? g.n, configuration)
        }
        return try gemmTiled(a, b, g, group: group ?? g.n)
    }

    /// The configuration `gemm` runs `gemm_blocked` with: with `.blocked`, `blockedConfiguration`
    /// or else the tuner's choice; nil when `gemm` runs another kernel.
    private func blockedGemmConfiguration() throws -> GemmConfiguration? {
        matmulStrategy == .blocked ? try blockedConfiguration ?? tunedGemmConfiguration() : nil
    }

    /// The output tile one work-group of `gemm`'s kernel computes off the panel path: the
    /// blocked configuration's, else `gemm_tiled`'s 16x16 (the largest of `tiles`).
    func gemmOutputTile() throws -> (rows: Int, columns: Int) {
        guard let configuration = try blockedGemmConfiguration() else { return (Self.tiles[0], Self.tiles[0]) }
        return (configuration.tileRows, configuration.tileColumns)
    }

    /// `gemm_tiled`, a local-memory tiled kernel (16x16 tiles, or the largest of `tiles` the
    /// device allows) that reads the operands directly: each work-item computes one element of `C`.
    func gemmTiled(_ a: OpenCLBuffer, _ b: OpenCLBuffer, _ g: MatmulGeometry, group: Int) throws -> OpenCLBuffer {
        let transposes = "-DTRANS_A=\(g.transposeA ? 1 : 0) -DTRANS_B=\(g.transposeB ? 1 : 0)"
        let tile = try fittingTile(.matmul, "gemm_tiled", tiles: Self.tiles) { "\(transposes) -DTILE=\($0)" }
        let c = try makeBuffer(count: g.batch * g.m * g.n)
        try launch(.matmul, "gemm_tiled", options: "\(transposes) -DTILE=\(tile)", global: [g.n, g.m, g.batch], local: [tile, tile, 1],
                   [.buffer(a), .buffer(b), .buffer(c), .int(g.m), .int(g.n), .int(g.k), .int(group)])
        return c
    }

    /// `gemm_blocked` (`Kernels/gemm_blocked.cl`) with `configuration`: register blocks of `C`
    /// per work-item over local-memory tiles of the operands, read directly. Throws
    /// `invalidArgument` when the device cannot run the configuration.
    func gemmBlocked(_ a: OpenCLBuffer, _ b: OpenCLBuffer, _ g: MatmulGeometry, group: Int,
                     _ configuration: GemmConfiguration) throws -> OpenCLBuffer {
        guard configuration.fits(device) else {
            throw DeepBayesError.invalidArgument(
                operation: "gemm_blocked",
                reason: "configuration \(configuration) needs \(configuration.workItems) work-items and \(configuration.localMemoryBytes) bytes of "
                    + "local memory; this device allows \(device.maximumWorkGroupSize) and \(device.localMemoryBytes)")
        }
        let c = try makeBuffer(count: g.batch * g.m * g.n)
        try launch(.gemmBlocked, "gemm_blocked", options: configuration.options(g), global: configuration.globalSize(g),
                   local: configuration.workGroup, [.buffer(a), .buffer(b), .buffer(c), .int(g.m), .int(g.n), .int(g.k), .int(group)])
        return c
    }

    /// The square tiles `gemm_tiled` may use, largest first: 16x16 unless the device or the
    /// compiled kernel cannot run 256 work-items in a group, then 8x8, then 4x4.
    static let tiles = [16, 8, 4]

    /// From this depth on, `gemm` packs both operands into panels even where it could read them
    /// in place: long strided rows cost more than the two packing passes (PoCL, 2048³: 78 GFLOP/s
    /// in place, 120 packed).
    static let packingDepth = 1024

    /// `gemm_panels`: `a` is `op(A)` in panels of 8 rows, `b` is `op(B)ᵀ` in panels of 16 rows
    /// (their strides resolve the transpose flags of `g`); computes 8x16 blocks with `float16`
    /// vectors and no barriers.
    func gemmPanels(_ a: PanelOperand, _ b: PanelOperand, _ g: MatmulGeometry, group: Int) throws -> OpenCLBuffer {
        let c = try makeBuffer(count: g.batch * g.m * g.n)
        try launch(.matmul, "gemm_panels", global: [(g.m + 7) / 8, (g.n + 15) / 16, g.batch],
                   a.rowArguments + b.columnArguments + [.buffer(c), .int(g.m), .int(g.n), .int(g.k), .int(group)])
        return c
    }

    /// Panels of `width` rows of the `rows x depth` matrices in `source` (stored transposed when
    /// `transposed`): `[batch, ⌈rows/width⌉, depth, width]`, zero-padded.
    func pack(_ source: OpenCLBuffer, rows: Int, depth: Int, width: Int, transposed: Bool, batch: Int) throws -> OpenCLBuffer {
        let padded = (rows + width - 1) / width * width
        let panels = try makeBuffer(count: batch * padded * depth)
        try launch(.matmul, "pack_panels", global: [padded, depth, batch],
                   [.buffer(source), .buffer(panels), .int(rows), .int(depth), .int(width), .int(transposed ? 1 : 0)])
        return panels
    }
}
