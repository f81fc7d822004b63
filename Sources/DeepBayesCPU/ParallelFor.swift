import Foundation

/// Splits loops across the cores, but only when each piece has enough work to pay for the
/// hand-off (a few microseconds), so small tensors run on the calling thread.
enum Parallel {
    /// The number of worker threads: the active cores, or `DEEPBAYES_THREADS` if set.
    static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["DEEPBAYES_THREADS"], let n = Int(text), n >= 1 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Calls `body(range)` on disjoint ranges covering `0..<count`, in parallel when
    /// `count · costPerItem` (roughly, in floating-point operations) is large enough.
    static func forEachChunk(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = chunkCount(count, costPerItem: costPerItem)
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        WorkerPool.shared.run(chunks: chunks) { chunk in
            let start = count * chunk / chunks
            let end = count * (chunk + 1) / chunks
            if start < end { body(start..<end) }
        }
    }

    /// The number of pieces `forEachChunk` splits `count` items into: one per thread at most,
    /// each with at least 32,768 operations of work (`costPerItem` per item), and at least one.
    static func chunkCount(_ count: Int, costPerItem: Int = 1) -> Int {
        let minimumWorkPerChunk = 32_768
        return min(threadCount, count, max(1, count * max(costPerItem, 1) / minimumWorkPerChunk))
    }
}
