import Foundation

/// Recycles large 64-byte-aligned host allocations: tensor storage and GEMM / im2col scratch.
///
/// A fresh multi-megabyte allocation comes from the kernel as untouched pages, and the page
/// faults of first touch cost more than many kernels themselves. Freed blocks of at least
/// `minimumPooledFloats` are therefore kept, by size class (quarter powers of two), up to
/// `idleLimitBytes` in all; smaller ones go straight back to `malloc`, which is fast for them.
final class HostMemoryPool {
    static let shared = HostMemoryPool()

    /// Allocations below this many floats are not pooled.
    static let minimumPooledFloats = 16_384
    /// The most idle memory kept.
    static let idleLimitBytes = 256 << 20

    private let lock = NSLock()
    private var idle: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var idleBytes = 0

    /// The number of floats actually reserved for a request of `count`: `count` itself when
    /// small, else the next size class `2ᵏ·{1, 1.25, 1.5, 1.75}`.
    static func capacity(for count: Int) -> Int {
        let count = max(count, 1)
        guard count >= minimumPooledFloats else { return count }
        let quarter = (1 << (Int.bitWidth - 1 - (count - 1).leadingZeroBitCount)) / 4
        return (count + quarter - 1) / quarter * quarter
    }

    /// Uninitialized memory for `capacity(for: count)` floats, exclusively the caller's until `give`.
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        let capacity = Self.capacity(for: count)
        if capacity >= Self.minimumPooledFloats {
            lock.lock()
            let reused = idle[capacity]?.popLast()
            if reused != nil { idleBytes -= capacity * MemoryLayout<Float>.stride }
            lock.unlock()
            if let reused { return reused }
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
        return raw.bindMemory(to: Float.self, capacity: capacity)
    }

    /// Returns memory obtained from `take(count)` with the same `count`.
    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let capacity = Self.capacity(for: count), bytes = capacity * MemoryLayout<Float>.stride
        if capacity >= Self.minimumPooledFloats {
            lock.lock()
            let keep = idleBytes + bytes <= Self.idleLimitBytes
            if keep {
                idle[capacity, default: []].append(pointer)
                idleBytes += bytes
            }
            lock.unlock()
            if keep { return }
        }
        UnsafeMutableRawPointer(pointer).deallocate()
    }

    /// Calls `body` with at least `count` floats of uninitialized, exclusively held scratch memory.
    func withScratch<R>(floats count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let pointer = take(count)
        defer { give(pointer, count: count) }
        return try body(pointer)
    }
}
