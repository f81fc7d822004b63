/// Cache block sizes of `sgemm`, in elements, chosen from the data caches and the micro-tile.
///
/// The loops of `sgemm` keep an `MR × kc` micro-panel of packed `A` in L1 while `kc × NR`
/// micro-panels of the packed `kc × nc` block of `B` stream past it from L2, and the `mc × kc`
/// block of packed `A` is read again from L3 for each block of `B`. With `S = 4` bytes a float
/// and the cache sizes `L1`, `L2`, `L3` (the conservative ones for levels not reported):
/// - `kc = ⌊L1 / (2·S·(MR + NR))⌋`, down to a multiple of 8 (packing transposes `8 × 8`
///   blocks): the resident `A` micro-panel and the `B` micro-panel in flight take half of L1,
///   the rest is for the tile of `C` and the lines of the next `B` panel;
/// - `nc = ⌊L2 / (2·S·kc)⌋`, down to a multiple of `NR`: the `B` block takes half of L2;
/// - `mc = ⌊L3 / (2·S·kc)⌋`, down to a multiple of `MR`: the `A` block takes half of L3.
/// Each is at least one unit (8, `NR`, `MR`).
struct GEMMBlocking: Equatable, Sendable {
    /// The most terms of the sum per packed block (`kc`).
    let maxDepth: Int
    /// Columns of `op(B)` per packed block (`nc`, a multiple of `NR`).
    let columns: Int
    /// Rows of `op(A)` per packed block (`mc`, a multiple of `MR`).
    let rows: Int

    /// Products with fewer multiply-adds than this stay on the calling thread.
    static let minimumParallelWork = 1 << 20

    /// The blocks of this build's micro-kernel on this machine.
    static let host = GEMMBlocking(cacheSizes: .host, microTile: (gemmMR, gemmNR))

    /// The blocks for an `MR × NR` micro-tile (`microTile`) on caches of `cacheSizes`, by the
    /// formulas above.
    init(cacheSizes: CacheSizes, microTile: (rows: Int, columns: Int)) {
        let caches = cacheSizes.reportedOrConservative
        let (mr, nr) = microTile, bytes = MemoryLayout<Float>.stride
        maxDepth = max(8, caches.l1 / (2 * bytes * (mr + nr)) / 8 * 8)
        columns = max(nr, caches.l2 / (2 * bytes * maxDepth) / nr * nr)
        rows = max(mr, caches.l3 / (2 * bytes * maxDepth) / mr * mr)
    }

    /// `depth 152, columns 832, rows 27592`: the three block sizes.
    var summary: String { "depth \(maxDepth), columns \(columns), rows \(rows)" }

    /// The depth of each block when `k` is cut into the fewest blocks of at most `maxDepth`,
    /// all of about the same size (a short last block would cost as much C traffic as a full one).
    func depth(for k: Int) -> Int {
        let blocks = (k + maxDepth - 1) / maxDepth
        return (k + blocks - 1) / blocks
    }
}
