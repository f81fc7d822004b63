import Dispatch
import Synchronization
import Testing
@testable import DeepBayesCPU

/// The CPU backend's worker pool: every chunk of every job runs exactly once, whoever claims
/// it, across many back-to-back jobs (a stale claim would run a chunk twice or lose one), jobs
/// nested in a chunk, and jobs started by several threads at once.
@Suite struct WorkerPoolTests {
    /// A counter that chunks on any thread add to.
    private final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func add(_ n: Int) { value.add(n, ordering: .relaxed) }
        var total: Int { value.load(ordering: .relaxed) }
    }

    /// Runs `chunks` chunks on the shared pool and returns how often each one ran.
    private func runCounts(chunks: Int) -> [Int] {
        let counts = (0..<chunks).map { _ in Counter() }
        WorkerPool.shared.run(chunks: chunks) { c in counts[c].add(1) }
        return counts.map(\.total)
    }

    @Test func everyChunkOfManyJobsRunsOnce() {
        for job in 0..<20_000 {
            let chunks = 1 + job % 7
            let counts = runCounts(chunks: chunks)
            #expect(counts == [Int](repeating: 1, count: chunks), "job \(job)")
            if counts != [Int](repeating: 1, count: chunks) { return }
        }
    }

    @Test func forEachChunkCoversTheRangeOnce() {
        let count = 1_000_003
        let visits = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: count)
        defer { visits.deallocate() }
        visits.initialize(repeating: 0)
        Parallel.forEachChunk(count, costPerItem: 64) { range in
            for i in range { visits[i] &+= 1 }
        }
        #expect(visits.allSatisfy { $0 == 1 })
    }

    @Test func aJobNestedInAChunkRunsOnItsThread() {
        let total = Counter()
        WorkerPool.shared.run(chunks: 4) { _ in
            WorkerPool.shared.run(chunks: 3) { c in total.add(c + 1) }
        }
        #expect(total.total == 4 * 6)
    }

    @Test func jobsFromSeveralThreadsAtOnce() {
        let totals = (0..<4).map { _ in Counter() }
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for _ in 0..<2_000 {
                WorkerPool.shared.run(chunks: 2) { c in totals[thread].add(c + 1) }
            }
        }
        #expect(totals.map(\.total) == [Int](repeating: 2_000 * 3, count: 4))
    }
}
