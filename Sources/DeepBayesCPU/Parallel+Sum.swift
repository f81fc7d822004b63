extension Parallel {
    /// The number of items per partial sum in `deterministicSum`.
    static let reductionBlock = 4096

    /// `Σ partial(block)` over fixed blocks of `reductionBlock` consecutive items of
    /// `0..<count`, computed in parallel and combined in block order. The blocks do not depend
    /// on the thread count, so neither does the result: it is bitwise reproducible.
    static func deterministicSum(_ count: Int, costPerItem: Int = 1, _ partial: (Range<Int>) -> Double) -> Double {
        let blocks = (count + reductionBlock - 1) / reductionBlock
        var partials = [Double](repeating: 0, count: blocks)
        partials.withUnsafeMutableBufferPointer { results in
            forEachChunk(blocks, costPerItem: costPerItem * reductionBlock) { range in
                for block in range {
                    results[block] = partial(block * reductionBlock..<min(count, (block + 1) * reductionBlock))
                }
            }
        }
        return partials.reduce(0, +)
    }
}
