/// How backward-filter on the GPU path (`matmulStrategy != .panels`) splits the long reduction
/// of `dW = dY'·colᵀ` over `k = N·OH·OW` into a batch of `chunks` products of depth `chunk`,
/// whose partial filters are then summed in a fixed order.
///
/// One `m x n` product (`m = O`, `n = C·KH·KW`) runs as `⌈m/TM⌉·⌈n/TN⌉` work-groups, one per
/// `TM x TN` output tile of the GEMM that runs (16x16 for `gemm_tiled`, the configuration's
/// tile for `gemm_blocked`), often far fewer than the device has compute units (`O = 16`,
/// `C·KH·KW = 27` in 16x16 tiles: 2 groups, each walking all 50,176 columns of a 64x3x28x28
/// batch). Each chunk adds as many groups again, so the split aims at `groupsPerComputeUnit`
/// groups per compute unit:
///
///     chunks₀ = ⌈computeUnits·groupsPerComputeUnit / (⌈m/TM⌉·⌈n/TN⌉)⌉
///     chunk   = max(minimumChunk, ⌈k / chunks₀⌉ rounded up to a multiple of 16)
///     chunks  = ⌈k / chunk⌉
///
/// and stays one product (`chunk = k`) when that gives one chunk, as for every `k ≤ minimumChunk`. The
/// last chunk may be shorter than `chunk`; the chunked layout zero-pads it, so the sum is
/// exact. `chunk` is a multiple of 16 so that `im2col_blocks` can store its column blocks.
struct FilterReductionSplit {
    /// Depth of each product of the batch (the last one zero-padded to it).
    let chunk: Int
    /// Products in the batch, 1 when the reduction is not split.
    let chunks: Int

    /// Work-groups per compute unit the split aims at: enough that each unit has several
    /// groups in flight to hide memory latency.
    static let groupsPerComputeUnit = 4
    /// The shortest chunk: below it the partial filters (`chunks·m·n` floats written and summed)
    /// cost more than the parallelism gains, and a small problem stays one product.
    static let minimumChunk = 256
    /// The multiple `chunk` is rounded to: the column blocks `im2col_blocks` stores.
    static let chunkMultiple = 16

    /// The split of an `m x n` product of depth `k`, computed in `tile` output tiles per
    /// work-group, on a device with `computeUnits` compute units.
    init(m: Int, n: Int, k: Int, tile: (rows: Int, columns: Int), computeUnits: Int) {
        let groups = ((m + tile.rows - 1) / tile.rows) * ((n + tile.columns - 1) / tile.columns)
        let wanted = (max(1, computeUnits) * Self.groupsPerComputeUnit + groups - 1) / groups
        let even = (k + wanted - 1) / wanted
        let chunk = max(Self.minimumChunk, (even + Self.chunkMultiple - 1) / Self.chunkMultiple * Self.chunkMultiple)
        let chunks = (k + chunk - 1) / chunk
        (self.chunk, self.chunks) = chunks > 1 ? (chunk, chunks) : (k, 1)
    }
}
