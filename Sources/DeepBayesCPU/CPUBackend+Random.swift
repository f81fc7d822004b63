import DeepBayesCore

/// `RandomKernels`: Philox4x32-10 words turned into floats exactly as every backend does
/// (see `Philox` and DESIGN.md), so the CPU and OpenCL draw the same numbers. Sixteen blocks
/// (64 elements) are generated at once with `Philox.words16`.
extension CPUBackend {
    /// The four words of a group of 16 blocks, or their four floats: lane `b` of item `k` belongs
    /// to element `4b + k` of the group.
    typealias WordGroup = (UInt32Vector, UInt32Vector, UInt32Vector, UInt32Vector)
    typealias ValueGroup = (FloatVector, FloatVector, FloatVector, FloatVector)

    /// `u[i] = Philox.uniform(word i % 4 of block random.block(of: i))`, in (0, 1].
    public func randomUniform(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        fillBlocks(shape, random) { w in (Philox.uniform(w.0), Philox.uniform(w.1), Philox.uniform(w.2), Philox.uniform(w.3)) }
    }

    /// Box–Muller in `Float` on lane pairs (0, 1) and (2, 3) of each block (`Philox.normals16`).
    public func randomNormal(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        fillBlocks(shape, random, Philox.normals16)
    }

    /// `m[i] = u[i] > p ? 1 / (1 - p) : 0` with `u` as in `randomUniform`.
    public func dropoutMask(_ shape: Shape, dropProbability p: Float, _ random: RandomStream) throws -> Tensor {
        let keep = 1 / (1 - p)
        func mask(_ x: UInt32Vector) -> FloatVector { FloatVector().replacing(with: keep, where: Philox.uniform(x) .> p) }
        return fillBlocks(shape, random) { w in (mask(w.0), mask(w.1), mask(w.2), mask(w.3)) }
    }

    /// A tensor whose elements `64g ..< 64g + 64` are `transform(Philox.words16(seed, stream,
    /// random.block(of: 64g)))` interleaved by element (the last group cut to the element
    /// count), groups filled in parallel.
    @inline(__always)
    private func fillBlocks(_ shape: Shape, _ random: RandomStream, _ transform: (WordGroup) -> ValueGroup) -> Tensor {
        let (result, out) = makeTensor(shape)
        fillGroups(out, count: shape.count, random, costPerGroup: 1024, transform) { _ in }
        return result
    }

    /// Writes `out[0..<count]` as `fillBlocks` fills its tensor and, right after each group is
    /// written, calls `then(range)` with the group's element range, whose values are still in
    /// the level-1 cache: a fused kernel reads them back there instead of in a second pass over
    /// memory. `costPerGroup` is the work of one group, transform and `then` together.
    @inline(__always)
    func fillGroups(_ out: UnsafeMutablePointer<Float>, count: Int, _ random: RandomStream, costPerGroup: Int,
                    _ transform: (WordGroup) -> ValueGroup, then: (Range<Int>) -> Void) {
        Parallel.forEachChunk((count + 63) / 64, costPerItem: costPerGroup) { groups in
            for group in groups {
                let v = transform(Philox.words16(seed: random.seed, stream: random.stream, firstBlock: random.block(of: 64 * group)))
                let first = out + 64 * group, valid = min(64, count - 64 * group)
                for b in 0..<16 where 4 * b < valid {
                    let quad = SIMD4(v.0[b], v.1[b], v.2[b], v.3[b])
                    if 4 * b + 4 <= valid {
                        UnsafeMutableRawPointer(first + 4 * b).storeBytes(of: quad, as: SIMD4<Float>.self)
                    } else {
                        for k in 0..<(valid - 4 * b) { first[4 * b + k] = quad[k] }
                    }
                }
                then((64 * group)..<(64 * group + valid))
            }
        }
    }
}
