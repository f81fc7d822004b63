import DeepBayesCore

/// `RandomKernels`: Philox4x32-10 words turned into floats exactly as every backend does
/// (see `Philox`), so the CPU and OpenCL draw the same numbers.
///
/// Elements go in groups of 64 (16 blocks, `Philox.words16`) and groups in tiles of
/// `tileGroups`, each tile in two passes over memory that stays in L1: the words of all its
/// groups into a scratch tile, then the floats made from them, interleaved into element order
/// and stored. Fused into one pass, the compiler lets the float code's shuffles reach back into
/// the integer rounds and splits their vectors into pieces; kept apart, both stay whole
/// 16-lane instructions.
extension CPUBackend {
    /// The four words of a group of 16 blocks, or their four floats: lane `j` of item `k` belongs
    /// to element `4b + k` of the group, `b = Philox.blockOfLane[j]`.
    typealias WordGroup = (UInt32Vector, UInt32Vector, UInt32Vector, UInt32Vector)
    typealias ValueGroup = (FloatVector, FloatVector, FloatVector, FloatVector)

    /// Groups per tile: 1024 elements, 4 KiB of words (and of each array a fused kernel reads).
    static let tileGroups = 16

    /// `u[i] = Philox.uniform(word i % 4 of block random.block(of: i))`, in (0, 1].
    public func _randomUniform(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        let (result, out) = try makeTensor(shape)
        let count = shape.count
        Self.drawTiles(count: count, random, costPerGroup: Self.uniformCostPerGroup) { groups, words in
            for group in groups {
                let w = Self.words(words, group - groups.lowerBound)
                Self.store((Philox.uniform(w.0), Philox.uniform(w.1), Philox.uniform(w.2), Philox.uniform(w.3)), out, first: 64 * group, count: count)
            }
        }
        return result
    }

    /// Box–Muller in `Float` on lane pairs (0, 1) and (2, 3) of each block (`Philox.normals16`).
    public func _randomNormal(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        let (result, out) = try makeTensor(shape)
        let count = shape.count
        Self.drawTiles(count: count, random, costPerGroup: Self.normalCostPerGroup) { groups, words in
            Self.storeNormals(groups, words, out, count: count)
        }
        return result
    }

    /// `m[i] = u[i] > p ? 1 / (1 - p) : 0` with `u` as in `randomUniform`.
    public func _dropoutMask(_ shape: Shape, dropProbability p: Float, _ random: RandomStream) throws -> Tensor {
        let (result, out) = try makeTensor(shape)
        let count = shape.count, keep = 1 / (1 - p)
        func mask(_ x: UInt32Vector) -> FloatVector { FloatVector().replacing(with: keep, where: Philox.uniform(x) .> p) }
        Self.drawTiles(count: count, random, costPerGroup: Self.uniformCostPerGroup) { groups, words in
            for group in groups {
                let w = Self.words(words, group - groups.lowerBound)
                Self.store((mask(w.0), mask(w.1), mask(w.2), mask(w.3)), out, first: 64 * group, count: count)
            }
        }
        return result
    }

    /// Rough work of one group of uniforms (the Philox rounds) and of normals, for
    /// `Parallel.forEachChunk`.
    static let uniformCostPerGroup = 300, normalCostPerGroup = 1024

    /// The number of 64-element groups that cover `count` elements.
    static func groupCount(_ count: Int) -> Int { (count + 63) / 64 }

    /// Calls `use(groups, words)` for every tile of the groups that cover `count` elements, tiles
    /// in parallel, with `words[4j + k]` the word vector `k` of `Philox.words16` of group
    /// `groups.lowerBound + j`, block `random.block(of: 64 · group)` first. `use` runs once per
    /// tile, so it costs one call per thousand elements however it is compiled.
    static func drawTiles(count: Int, _ random: RandomStream, costPerGroup: Int,
                          _ use: (_ groups: Range<Int>, _ words: UnsafePointer<UInt32Vector>) -> Void) {
        let groupCount = groupCount(count)
        let tileCount = (groupCount + tileGroups - 1) / tileGroups
        Parallel.forEachChunk(tileCount, costPerItem: costPerGroup * tileGroups) { tiles in
            drawTiles(tiles, groupCount: groupCount, random, use)
        }
    }

    /// `drawTiles` for the tiles `tiles` (of `tileGroups` groups each, the last cut at
    /// `groupCount`) alone, in order, on the calling thread.
    @inline(__always)
    static func drawTiles(_ tiles: Range<Int>, groupCount: Int, _ random: RandomStream,
                          _ use: (_ groups: Range<Int>, _ words: UnsafePointer<UInt32Vector>) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt32Vector.self, capacity: 4 * tileGroups) { scratch in
            let words = scratch.baseAddress!
            for tile in tiles {
                let groups = (tile * tileGroups)..<min(groupCount, (tile + 1) * tileGroups)
                for group in groups {
                    let w = Philox.words16(seed: random.seed, stream: random.stream, firstBlock: random.block(of: 64 * group))
                    let slot = words + 4 * (group - groups.lowerBound)
                    (slot[0], slot[1], slot[2], slot[3]) = w
                }
                use(groups, UnsafePointer(words))
            }
        }
    }

    /// The words `drawTiles` left for group `j` of its tile.
    @_transparent
    static func words(_ words: UnsafePointer<UInt32Vector>, _ j: Int) -> WordGroup {
        let slot = words + 4 * j
        return (slot[0], slot[1], slot[2], slot[3])
    }

    /// Writes the normals of `groups` (`Philox.normals16` of their words, see `drawTiles`) into
    /// `out[0..<count]` in element order.
    static func storeNormals(_ groups: Range<Int>, _ words: UnsafePointer<UInt32Vector>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        for group in groups {
            store(Philox.normals16(Self.words(words, group - groups.lowerBound)), out, first: 64 * group, count: count)
        }
    }

    /// Writes the values of the group of elements `first ..< first + 64` into `out`, interleaved
    /// into element order (`interleaved`) and cut at `count`.
    @_transparent
    static func store(_ values: ValueGroup, _ out: UnsafeMutablePointer<Float>, first: Int, count: Int) {
        var rows = interleaved(values)
        if first + 64 <= count {
            out.store(rows.0, at: first, lanes: 16)
            out.store(rows.1, at: first + 16, lanes: 16)
            out.store(rows.2, at: first + 32, lanes: 16)
            out.store(rows.3, at: first + 48, lanes: 16)
        } else {
            withUnsafeBytes(of: &rows) { UnsafeMutableRawPointer(out + first).copyMemory(from: $0.baseAddress!, byteCount: 4 * (count - first)) }
        }
    }

    /// The elements of a group in order: row `q` holds elements `16q ..< 16q + 16`, that is
    /// blocks `4q ..< 4q + 4` with their four words each. With `Philox.blockOfLane`'s lane order
    /// block `4q + L` is lane `4L + q` of every item, in 128-bit lane `L`, so this is a 4×4
    /// transpose within each 128-bit lane: two unpack steps of two-input shuffles. The second
    /// reads its inputs as 64-bit lanes, which keeps the compiler from merging the steps into a
    /// shuffle per element.
    @_transparent
    static func interleaved(_ v: ValueGroup) -> ValueGroup {
        // Per 128-bit lane L: words (0, 1) and (2, 3) of blocks L, L + 4 (a0, b0) and L + 8, L + 12 (a1, b1).
        let (a0, a1) = unpack32(v.0, v.1), (b0, b1) = unpack32(v.2, v.3)
        let (row0, row1) = unpack64(a0, b0), (row2, row3) = unpack64(a1, b1)
        return (row0, row1, row2, row3)
    }

    /// Per 128-bit lane, `a₀ b₀ a₁ b₁` and `a₂ b₂ a₃ b₃`.
    @_transparent
    private static func unpack32(_ a: FloatVector, _ b: FloatVector) -> (FloatVector, FloatVector) {
        (FloatVector(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5], a[8], b[8], a[9], b[9], a[12], b[12], a[13], b[13]),
         FloatVector(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7], a[10], b[10], a[11], b[11], a[14], b[14], a[15], b[15]))
    }

    /// Per 128-bit lane, the 64-bit halves `a₀ b₀` and `a₁ b₁`.
    @_transparent
    private static func unpack64(_ a: FloatVector, _ b: FloatVector) -> (FloatVector, FloatVector) {
        let x = unsafeBitCast(a, to: SIMD8<Double>.self), y = unsafeBitCast(b, to: SIMD8<Double>.self)
        return (unsafeBitCast(SIMD8<Double>(x[0], y[0], x[2], y[2], x[4], y[4], x[6], y[6]), to: FloatVector.self),
                unsafeBitCast(SIMD8<Double>(x[1], y[1], x[3], y[3], x[5], y[5], x[7], y[7]), to: FloatVector.self))
    }
}
