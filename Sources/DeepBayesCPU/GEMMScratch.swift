import Foundation

/// Reusable 64-byte-aligned scratch memory for packed GEMM blocks and column matrices.
///
/// Fresh multi-megabyte allocations come straight from the kernel as zero pages, and touching
/// them costs more than a small product itself; buffers are therefore kept in a small pool
/// between calls. Each caller gets a buffer no other thread holds.
enum GEMMScratch {
    /// Calls `body` with at least `count` floats of uninitialized, exclusively held memory.
    static func with<R>(floats count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let buffer = pool.take(count)
        defer { pool.give(buffer) }
        return try body(buffer.pointer)
    }

    private static let pool = Pool()

    /// An owned allocation and its size in floats.
    private struct Buffer {
        let pointer: UnsafeMutablePointer<Float>
        let count: Int
    }

    /// The idle buffers, guarded by a lock; at most `limit` are kept.
    private final class Pool {
        private let lock = NSLock()
        private var idle: [Buffer] = []
        private let limit = 2 * Parallel.threadCount + 2

        /// The smallest idle buffer that is large enough, or a new one.
        func take(_ count: Int) -> Buffer {
            lock.lock()
            let index = idle.indices.filter { idle[$0].count >= count }.min { idle[$0].count < idle[$1].count }
            let reused = index.map { idle.remove(at: $0) }
            lock.unlock()
            if let reused { return reused }
            let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
            return Buffer(pointer: raw.bindMemory(to: Float.self, capacity: max(count, 1)), count: max(count, 1))
        }

        /// Keeps `buffer` for later, dropping the smallest idle one when the pool is full.
        func give(_ buffer: Buffer) {
            lock.lock()
            idle.append(buffer)
            var dropped: Buffer?
            if idle.count > limit, let smallest = idle.indices.min(by: { idle[$0].count < idle[$1].count }) {
                dropped = idle.remove(at: smallest)
            }
            lock.unlock()
            dropped?.pointer.deallocate()
        }
    }
}
