/// A 64-byte-aligned host array of `Float`: the storage of a CPU tensor.
final class CPUBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// Uninitialized storage for `count` floats (at least one, so a pointer always exists).
    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
