import Foundation
import Synchronization

/// Persistent worker threads for `Parallel.forEachChunk`, which wait for work by spinning for a
/// while before they sleep.
///
/// A training step launches hundreds of kernels a few microseconds to a few hundred
/// microseconds long, with serial work (the tape, small kernels) between them. Dispatch's
/// `concurrentPerform` parks its threads within microseconds, so nearly every kernel paid a
/// futex wake-up and a context switch. Here a worker polls for `spinLimit` rounds after each
/// job before it sleeps, so kernels that follow each other find it awake, as OpenMP runtimes do.
///
/// One job at a time. Chunks are claimed from the word `claim = (job << 32) | (chunks << 16) | next`
/// by compare-and-swap, by the calling thread and the workers alike, so a worker that is slow to
/// wake (or descheduled on a busy machine) costs nothing: the caller runs the chunks nobody
/// took. The whole job is in that one word, so a claim for an earlier job fails. A caller that finds
/// the pool busy (another thread's job, or a `forEachChunk` nested in a chunk) runs its chunks
/// itself, one after the other: the same result, never a deadlock.
final class WorkerPool: @unchecked Sendable {
    /// The pool `Parallel` uses: one worker per thread beyond the calling one.
    static let shared = WorkerPool(workers: Parallel.threadCount - 1)

    /// Polls of the job word before a worker sleeps (each poll is a load and a compare).
    static let spinLimit = 1 << 17
    /// Bits of the claim word for the chunk count and for the next chunk index.
    private static let chunkBits = 16

    /// `(job << 2·chunkBits) | (chunks << chunkBits) | next`: the current job's number, its
    /// chunk count and its next unclaimed chunk.
    private let claim = Atomic<Int>(0)
    /// Chunks of the current job that have finished.
    private let finished = Atomic<Int>(0)
    /// Workers asleep on `wake` (or about to be).
    private let sleepers = Atomic<Int>(0)
    /// Whether a job is running (taken by compare-and-swap).
    private let busy = Atomic<Bool>(false)
    private let wake = NSCondition()
    /// The current job's chunks; written only while no chunk can be claimed.
    private var chunk: ((Int) -> Void)?

    private init(workers: Int) {
        for _ in 0..<max(workers, 0) {
            let thread = Thread { [unowned self] in self.serve() }
            thread.start()
        }
    }

    /// Calls `body(c)` for every `c` in `0..<chunks`, in parallel when the pool is free, and
    /// returns when all have finished.
    func run(chunks: Int, _ body: (Int) -> Void) {
        precondition(chunks < 1 << Self.chunkBits, "too many chunks")
        guard chunks > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for c in 0..<chunks { body(c) }
            return
        }
        withoutActuallyEscaping(body) { body in
            chunk = body
            finished.store(0, ordering: .relaxed)
            let job = (claim.load(ordering: .relaxed) >> (2 * Self.chunkBits)) + 1
            claim.store((job << (2 * Self.chunkBits)) | (chunks << Self.chunkBits), ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            while let c = claimChunk(of: job) {
                body(c)
                finished.add(1, ordering: .relaxed)
            }
            var polls = 0
            while finished.load(ordering: .acquiring) < chunks {
                polls += 1
                if polls > Self.spinLimit { sched_yield() }
            }
            chunk = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// The next chunk of job `job`, or nil once all are claimed or a newer job has begun.
    private func claimChunk(of job: Int) -> Int? {
        let mask = (1 << Self.chunkBits) - 1
        var word = claim.load(ordering: .acquiring)
        while word >> (2 * Self.chunkBits) == job {
            let next = word & mask
            guard next < (word >> Self.chunkBits) & mask else { return nil }
            let (exchanged, current) = claim.compareExchange(expected: word, desired: word + 1, ordering: .acquiringAndReleasing)
            if exchanged { return next }
            word = current
        }
        return nil
    }

    /// A worker's loop: wait for a job it has not seen, run the chunks it can claim.
    private func serve() -> Never {
        var seen = 0
        while true {
            seen = nextJob(after: seen)
            while let c = claimChunk(of: seen) {
                runChunk(c)
                finished.add(1, ordering: .releasing)
            }
        }
    }

    /// The number of the first job after `seen`: polled `spinLimit` times, then slept for.
    private func nextJob(after seen: Int) -> Int {
        for _ in 0..<Self.spinLimit {
            let job = claim.load(ordering: .acquiring) >> (2 * Self.chunkBits)
            if job != seen { return job }
        }
        wake.lock()
        defer { wake.unlock() }
        sleepers.add(1, ordering: .sequentiallyConsistent)
        defer { sleepers.subtract(1, ordering: .relaxed) }
        while true {
            let job = claim.load(ordering: .sequentiallyConsistent) >> (2 * Self.chunkBits)
            if job != seen { return job }
            wake.wait()
        }
    }

    /// Runs one chunk of the current job; out of line, so the closure is released before the
    /// worker reports the chunk finished.
    @inline(never)
    private func runChunk(_ c: Int) {
        chunk!(c)
    }
}
