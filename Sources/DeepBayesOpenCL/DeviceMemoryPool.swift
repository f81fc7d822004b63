import COpenCL
import Foundation

/// Recycles the `cl_mem` buffers of one context: tensor storage and kernel temporaries (packed
/// panels, column matrices, partial sums).
///
/// A fresh buffer costs a `clCreateBuffer` and, on CPU devices, the page faults of first touch,
/// which for multi-megabyte buffers cost more than the kernel that fills them. Released buffers
/// are therefore kept by exact size, up to `idleLimitBytes` in all, and handed out again.
/// Reuse is safe without waiting: the device has one in-order queue, so a kernel enqueued on a
/// reused buffer runs after every command enqueued on it before it was released.
final class DeviceMemoryPool {
    /// The most idle memory kept.
    static let idleLimitBytes = 512 << 20

    private let context: cl_context
    private let lock = NSLock()
    private var idle: [Int: [cl_mem]] = [:]
    private var idleBytes = 0

    init(context: cl_context) { self.context = context }

    deinit { idle.values.joined().forEach { clReleaseMemObject($0) } }

    /// A buffer of `count` floats, reused or created; returned to the pool when released.
    func take(_ count: Int) -> (mem: cl_mem?, status: cl_int) {
        lock.lock()
        let reused = idle[count]?.popLast()
        if reused != nil { idleBytes -= bytes(count) }
        lock.unlock()
        if let reused { return (reused, CL_SUCCESS) }
        var status: cl_int = 0
        let mem = clCreateBuffer(context, cl_mem_flags(CL_MEM_READ_WRITE), bytes(count), nil, &status)
        return (mem, status)
    }

    /// Takes back `mem` of `count` floats, or releases it when the pool is full.
    func give(_ mem: cl_mem, count: Int) {
        lock.lock()
        let keep = idleBytes + bytes(count) <= Self.idleLimitBytes
        if keep {
            idle[count, default: []].append(mem)
            idleBytes += bytes(count)
        }
        lock.unlock()
        if !keep { clReleaseMemObject(mem) }
    }

    private func bytes(_ count: Int) -> Int { max(count, 1) * MemoryLayout<Float>.stride }
}
