import COpenCL

/// A device buffer of `count` floats: the storage of an OpenCL tensor and of kernel
/// temporaries. Releasing the last reference hands the `cl_mem` back to its pool; OpenCL keeps
/// the memory alive until commands already enqueued on it have finished, and the in-order
/// queue orders any reuse after them.
final class OpenCLBuffer {
    let mem: cl_mem
    let count: Int
    private let pool: DeviceMemoryPool

    init(mem: cl_mem, count: Int, pool: DeviceMemoryPool) {
        self.mem = mem
        self.count = count
        self.pool = pool
    }

    deinit { pool.give(mem, count: count) }
}
