import DeepBayesCore
import Foundation

/// Recycles large 64-byte-aligned host allocations: tensor storage and GEMM / im2col scratch.
///
/// A fresh multi-megabyte allocation comes from the kernel as untouched pages, and the page
/// faults of first touch cost more than many kernels themselves. Freed blocks of at least
/// `minimumPooledFloats` are therefore kept, by size class (quarter powers of two), up to
/// `idleLimitBytes` in all; smaller ones go straight back to `malloc`, which is fast for them.
///
/// When an allocation fails (or would pass `capacityLimitBytes`, a ceiling tests set to
/// simulate a small machine), the pool releases every idle block and tries once more; if that
/// fails too, the request is a typed `allocationTooLarge` error, never a trap.
final class HostMemoryPool {
    static let shared = HostMemoryPool()

    /// Allocations below this many floats are not pooled.
    static let minimumPooledFloats = 16_384
    /// The most idle memory kept.
    static let idleLimitBytes = 256 << 20

    private let lock = NSLock()
    private var idle: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var idleBytes = 0
    /// The most bytes live and idle together, or nil for no limit but the machine's.
    let capacityLimitBytes: Int?
    /// Bytes handed out and not yet given back; counted only under a capacity limit.
    private var liveBytes = 0

    /// A pool with no limit but the machine's, or one that simulates a machine with
    /// `capacityLimitBytes` of memory.
    init(capacityLimitBytes: Int? = nil) { self.capacityLimitBytes = capacityLimitBytes }

    /// Frees the idle blocks (live ones belong to tensors, which keep their backend, and with
    /// it this pool, alive). Found by LeakSanitizer: a backend that was let go kept them.
    deinit { releaseIdle() }

    /// The number of floats actually reserved for a request of `count`: `count` itself when
    /// small, else the next size class `2ᵏ·{1, 1.25, 1.5, 1.75}`.
    static func capacity(for count: Int) -> Int {
        let count = max(count, 1)
        guard count >= minimumPooledFloats else { return count }
        let quarter = (1 << (Int.bitWidth - 1 - (count - 1).leadingZeroBitCount)) / 4
        return (count + quarter - 1) / quarter * quarter
    }

    /// Uninitialized memory for `capacity(for: count)` floats, exclusively the caller's until `give`.
    func take(_ count: Int) throws -> UnsafeMutablePointer<Float> {
        guard count <= Int.max / 8 else {
            throw DeepBayesError.allocationTooLarge(backend: "cpu", bytes: nil, limit: capacityLimitBytes)
        }
        let floats = Self.capacity(for: count), bytes = floats * MemoryLayout<Float>.stride
        let pooled = floats >= Self.minimumPooledFloats
        if !pooled, capacityLimitBytes == nil, let pointer = Self.allocate(bytes) { return pointer }
        lock.lock()
        defer { lock.unlock() }
        if pooled, let reused = idle[floats]?.popLast() {
            idleBytes -= bytes
            liveBytes += bytes
            return reused
        }
        if let pointer = allocateCounted(bytes) { return pointer }
        releaseIdle()
        if let pointer = allocateCounted(bytes) { return pointer }
        throw DeepBayesError.allocationTooLarge(backend: "cpu", bytes: bytes, limit: capacityLimitBytes)
    }

    /// Returns memory obtained from `take(count)` with the same `count`.
    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let floats = Self.capacity(for: count), bytes = floats * MemoryLayout<Float>.stride
        if floats < Self.minimumPooledFloats, capacityLimitBytes == nil {
            free(pointer)
            return
        }
        lock.lock()
        defer { lock.unlock() }
        liveBytes -= bytes
        if floats >= Self.minimumPooledFloats, idleBytes + bytes <= Self.idleLimitBytes {
            idle[floats, default: []].append(pointer)
            idleBytes += bytes
        } else {
            free(pointer)
        }
    }

    /// Memory for a kernel's own temporaries (GEMM packing blocks, im2col columns, partial
    /// sums), taken inside worker threads that cannot throw. Their sizes are bounded by the
    /// cache blocking or by tensors that already exist, so failure means the machine is out of
    /// memory altogether, and that stops the process with a message naming the size.
    func takeScratch(_ count: Int) -> UnsafeMutablePointer<Float> {
        do {
            return try take(count)
        } catch {
            fatalError("out of host memory for \(count) floats of kernel scratch: \(error)")
        }
    }

    /// Calls `body` with at least `count` floats of uninitialized, exclusively held scratch memory.
    func withScratch<R>(floats count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let pointer = takeScratch(count)
        defer { give(pointer, count: count) }
        return try body(pointer)
    }

    /// Bytes kept for reuse now.
    var idleBufferBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return idleBytes
    }

    /// `allocate` within the capacity limit, counting the bytes. Called with `lock` held.
    private func allocateCounted(_ bytes: Int) -> UnsafeMutablePointer<Float>? {
        if let limit = capacityLimitBytes, liveBytes + idleBytes + bytes > limit { return nil }
        guard let pointer = Self.allocate(bytes) else { return nil }
        liveBytes += bytes
        return pointer
    }

    /// `posix_memalign` of `bytes` at 64-byte alignment, or nil when the system refuses.
    private static func allocate(_ bytes: Int) -> UnsafeMutablePointer<Float>? {
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else { return nil }
        return raw.bindMemory(to: Float.self, capacity: bytes / MemoryLayout<Float>.stride)
    }

    /// Frees every idle block. Called with `lock` held.
    private func releaseIdle() {
        for pointer in idle.values.joined() { free(pointer) }
        idle.removeAll()
        idleBytes = 0
    }
}
