import COpenCL
import DeepBayesCore
import Foundation

/// Recycles the `cl_mem` buffers of one context: tensor storage and kernel temporaries (packed
/// panels, column matrices, partial sums).
///
/// A fresh buffer costs a `clCreateBuffer` and, on CPU devices, the page faults of first touch,
/// which for multi-megabyte buffers cost more than the kernel that fills them. Released buffers
/// are therefore kept by exact size, up to `idleLimitBytes` in all, and handed out again.
/// Reuse is safe without waiting: the device has one in-order queue, so a kernel enqueued on a
/// reused buffer runs after every command enqueued on it before it was released.
///
/// Under memory pressure (a failed `clCreateBuffer`, or `capacityLimitBytes` reached) the pool
/// releases its idle buffers and tries once more before it throws `allocationTooLarge`.
/// Thread-safe: buffers are released from whichever thread drops the last reference.
final class DeviceMemoryPool {
    /// The most idle memory kept.
    static let idleLimitBytes = 512 << 20

    private let context: cl_context
    /// The device's `CL_DEVICE_MAX_MEM_ALLOC_SIZE`.
    private let maximumAllocationBytes: Int
    private let lock = NSLock()
    private var idle: [Int: [cl_mem]] = [:]
    private var idleBytes = 0
    /// Bytes of the buffers handed out and not yet given back (or being created).
    private var liveBytes = 0
    private var capacity: Int?

    init(context: cl_context, maximumAllocationBytes: Int) {
        self.context = context
        self.maximumAllocationBytes = maximumAllocationBytes
    }

    deinit { idle.values.joined().forEach { clReleaseMemObject($0) } }

    /// A simulated device size: live plus idle bytes never exceed it (nil: no limit beyond the
    /// device's own).
    var capacityLimitBytes: Int? {
        get { lock.withLock { capacity } }
        set { lock.withLock { capacity = newValue } }
    }

    /// Bytes held in idle buffers, ready for reuse.
    var idleBufferBytes: Int { lock.withLock { idleBytes } }

    /// A buffer of `count` floats, reused or created; returned to the pool when released.
    /// Throws `allocationTooLarge` when it exceeds the device's largest allocation, or the
    /// memory left (by the device, or by `capacityLimitBytes`) even after releasing the idle
    /// buffers.
    func take(_ count: Int) throws -> cl_mem {
        let (size, overflow) = max(count, 1).multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        guard !overflow else { throw DeepBayesError.allocationTooLarge(backend: "opencl", bytes: nil, limit: maximumAllocationBytes) }
        guard size <= maximumAllocationBytes else {
            throw DeepBayesError.allocationTooLarge(backend: "opencl", bytes: size, limit: maximumAllocationBytes)
        }
        if let reused = try reserve(count, size) { return reused }
        var status: cl_int = 0
        var mem = clCreateBuffer(context, cl_mem_flags(CL_MEM_READ_WRITE), size, nil, &status)
        if Self.outOfMemory(status) {
            releaseIdle()
            mem = clCreateBuffer(context, cl_mem_flags(CL_MEM_READ_WRITE), size, nil, &status)
        }
        guard let mem, status == CL_SUCCESS else {
            lock.withLock { liveBytes -= size }
            if Self.outOfMemory(status) {
                throw DeepBayesError.allocationTooLarge(backend: "opencl", bytes: size, limit: maximumAllocationBytes)
            }
            throw DeepBayesError.deviceFailure(call: "clCreateBuffer", code: OpenCLStatus.name(status))
        }
        return mem
    }

    /// Takes back `mem` of `count` floats, or releases it when the pool is full.
    func give(_ mem: cl_mem, count: Int) {
        let size = bytes(count)
        let keep = lock.withLock {
            liveBytes -= size
            let keep = idleBytes + size <= Self.idleLimitBytes
            if keep {
                idle[count, default: []].append(mem)
                idleBytes += size
            }
            return keep
        }
        if !keep { clReleaseMemObject(mem) }
    }

    /// Releases every idle buffer.
    func releaseIdle() {
        lock.withLock { drainIdle() }.forEach { clReleaseMemObject($0) }
    }

    /// Counts `size` bytes as live and returns an idle buffer of `count` floats if there is
    /// one (nil: the caller creates it). Under `capacityLimitBytes`, releases the idle buffers
    /// when they stand in the way and throws `allocationTooLarge` when even that is not enough.
    private func reserve(_ count: Int, _ size: Int) throws -> cl_mem? {
        var released: [cl_mem] = []
        defer { released.forEach { clReleaseMemObject($0) } }
        return try lock.withLock {
            if let reused = idle[count]?.popLast() {
                idleBytes -= size
                liveBytes += size
                return reused
            }
            if let capacity, liveBytes + idleBytes + size > capacity {
                released = drainIdle()
                guard liveBytes + size <= capacity else {
                    throw DeepBayesError.allocationTooLarge(backend: "opencl", bytes: size, limit: capacity)
                }
            }
            liveBytes += size
            return nil
        }
    }

    /// Empties the idle lists and returns their buffers for the caller to release once it
    /// has let go of the lock (which it holds).
    private func drainIdle() -> [cl_mem] {
        defer { idle = [:]; idleBytes = 0 }
        return Array(idle.values.joined())
    }

    /// Whether `status` says the device or host ran out of memory.
    private static func outOfMemory(_ status: cl_int) -> Bool {
        status == CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL_OUT_OF_RESOURCES || status == CL_OUT_OF_HOST_MEMORY
    }

    private func bytes(_ count: Int) -> Int { max(count, 1) * MemoryLayout<Float>.stride }
}
