/// A 64-byte-aligned host array of `Float` from `HostMemoryPool`: the storage of a CPU tensor.
final class CPUBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    let pool: HostMemoryPool

    /// Uninitialized storage for `count` floats (at least one, so a pointer always exists);
    /// throws `allocationTooLarge` when the host cannot provide it.
    init(count: Int, pool: HostMemoryPool) throws {
        self.count = count
        self.pool = pool
        pointer = try pool.take(count)
    }

    deinit { pool.give(pointer, count: count) }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
