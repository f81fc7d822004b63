/// A 64-byte-aligned host array of `Float` from `HostMemoryPool`: the storage of a CPU tensor.
final class CPUBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// Uninitialized storage for `count` floats (at least one, so a pointer always exists).
    init(count: Int) {
        self.count = count
        pointer = HostMemoryPool.shared.take(count)
    }

    deinit { HostMemoryPool.shared.give(pointer, count: count) }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
