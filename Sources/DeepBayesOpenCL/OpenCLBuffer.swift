import COpenCL

/// A device buffer of `count` floats: the storage of an OpenCL tensor and of kernel
/// temporaries. Releasing the last reference releases the `cl_mem`; OpenCL keeps the memory
/// alive until commands already enqueued on it have finished.
final class OpenCLBuffer {
    let mem: cl_mem
    let count: Int

    init(mem: cl_mem, count: Int) {
        self.mem = mem
        self.count = count
    }

    deinit { clReleaseMemObject(mem) }
}
