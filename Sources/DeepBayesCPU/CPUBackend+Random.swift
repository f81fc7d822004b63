import DeepBayesCore

/// `RandomKernels`: Philox4x32-10 words turned into floats exactly as every backend does
/// (see `Philox`), so the CPU and OpenCL draw the same numbers. Sixteen blocks
/// (64 elements) are generated at once with `Philox.words16`.
extension CPUBackend {
    /// The four words of a group of 16 blocks, or their four floats: lane `b` of item `k` belongs
    /// to element `4b + k` of the group.
    typealias WordGroup = (UInt32Vector, UInt32Vector, UInt32Vector, UInt32Vector)
    typealias ValueGroup = (FloatVector, FloatVector, FloatVector, FloatVector)

    /// `u[i] = Philox.uniform(word i % 4 of block random.block(of: i))`, in (0, 1].
    public func _randomUniform(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        try fillBlocks(shape, random) { w in (Philox.uniform(w.0), Philox.uniform(w.1), Philox.uniform(w.2), Philox.uniform(w.3)) }
    }

    /// Box–Muller in `Float` on lane pairs (0, 1) and (2, 3) of each block (`Philox.normals16`).
    public func _randomNormal(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        try fillBlocks(shape, random, Philox.normals16)
    }

    /// `m[i] = u[i] > p ? 1 / (1 - p) : 0` with `u` as in `randomUniform`.
    public func _dropoutMask(_ shape: Shape, dropProbability p: Float, _ random: RandomStream) throws -> Tensor {
        let keep = 1 / (1 - p)
        func mask(_ x: UInt32Vector) -> FloatVector { FloatVector().replacing(with: keep, where: Philox.uniform(x) .> p) }
        return try fillBlocks(shape, random) { w in (mask(w.0), mask(w.1), mask(w.2), mask(w.3)) }
    }

    /// A tensor whose elements `64g ..< 64g + 64` are `transform(Philox.words16(seed, stream,
    /// random.block(of: 64g)))` interleaved by element (the last group cut to the element
    /// count), groups filled in parallel.
    @_transparent
    private func fillBlocks(_ shape: Shape, _ random: RandomStream, _ transform: (WordGroup) -> ValueGroup) throws -> Tensor {
        let (result, out) = try makeTensor(shape)
        let count = shape.count
        Parallel.forEachChunk(Self.groupCount(count), costPerItem: 1024) { groups in
            Self.fillGroups(groups, out, count: count, random, transform, then: IgnoreDraws())
        }
        return result
    }

    /// The number of 64-element groups that cover `count` elements.
    static func groupCount(_ count: Int) -> Int { (count + 63) / 64 }

    /// Writes the elements of `groups` (of `out[0..<count]`) as `fillBlocks` fills its tensor and
    /// also hands each run of 16 elements to `then.consume(start, lanes, values)` (lanes past
    /// `lanes` are unspecified), so a fused kernel uses the values in registers instead of reading
    /// them back in a second pass. Callers run it under `Parallel.forEachChunk(groupCount(count))`;
    /// `then` is a value type, so the kernel is specialized with its formula inlined (a closure
    /// captured by the parallel loop's closure stays an indirect call per run).
    @_transparent
    static func fillGroups<Consumer: DrawConsumer>(_ groups: Range<Int>, _ out: UnsafeMutablePointer<Float>, count: Int,
                                                   _ random: RandomStream, _ transform: (WordGroup) -> ValueGroup,
                                                   then: Consumer) {
        for group in groups {
            let v = transform(Philox.words16(seed: random.seed, stream: random.stream, firstBlock: random.block(of: 64 * group)))
            let first = 64 * group, valid = min(64, count - first)
            let quarters = (interleaved(v, quarter: 0), interleaved(v, quarter: 1), interleaved(v, quarter: 2), interleaved(v, quarter: 3))
            // Transparent: a called `emit` is the only difference between the kernels, and
            // LLVM merges them into one that calls it through a pointer.
            @_transparent
            func emit(_ quarter: Int, _ values: FloatVector) {
                guard 16 * quarter < valid else { return }
                let start = first + 16 * quarter, lanes = min(16, valid - 16 * quarter)
                out.store(values, at: start, lanes: lanes)
                then.consume(start, lanes, values)
            }
            emit(0, quarters.0)
            emit(1, quarters.1)
            emit(2, quarters.2)
            emit(3, quarters.3)
        }
    }

    /// Elements `16q ..< 16q + 16` of a group, in order: element `4b + k` is lane `b` of item `k`,
    /// so this is blocks `4q ..< 4q + 4`, four words each (a transpose in registers; `q` is a
    /// constant at every call, so the lane moves are fixed shuffles).
    @_transparent
    static func interleaved(_ v: ValueGroup, quarter q: Int) -> FloatVector {
        let b = 4 * q
        return FloatVector(v.0[b], v.1[b], v.2[b], v.3[b], v.0[b + 1], v.1[b + 1], v.2[b + 1], v.3[b + 1],
                           v.0[b + 2], v.1[b + 2], v.2[b + 2], v.3[b + 2], v.0[b + 3], v.1[b + 3], v.2[b + 3], v.3[b + 3])
    }
}

/// What a fused kernel does with the values `CPUBackend.fillGroups` draws.
protocol DrawConsumer {
    /// Uses lanes `0..<lanes` of `values`, the elements `start ..< start + lanes`.
    func consume(_ start: Int, _ lanes: Int, _ values: FloatVector)
}

/// The consumer of plain random tensors: the drawn values are only stored.
struct IgnoreDraws: DrawConsumer {
    @inline(__always)
    func consume(_ start: Int, _ lanes: Int, _ values: FloatVector) {}
}
