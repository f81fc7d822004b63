import Foundation

/// Wall-clock timing: warm-up, then the median of several timed runs.
enum Timing {
    /// Seconds since an arbitrary origin, monotonic.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// The median seconds of one call of `body`, over `runs` timed runs after two warm-up runs.
    /// Each run repeats `body` enough times to last at least `minimumRunSeconds`, so short
    /// kernels are not swamped by timer resolution.
    static func median(runs: Int, minimumRunSeconds: Double = 0.02, _ body: () throws -> Void) rethrows -> Double {
        let start = now()
        try body()
        try body()
        let single = max((now() - start) / 2, 1e-7)
        let repeats = max(1, Int((minimumRunSeconds / single).rounded(.up)))
        var samples: [Double] = []
        for _ in 0..<runs {
            let begin = now()
            for _ in 0..<repeats { try body() }
            samples.append((now() - begin) / Double(repeats))
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    /// The median seconds of `runs` calls of `body`, each timed alone and none before them:
    /// for bodies that last seconds and were already run once.
    static func medianOfCalls(runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var samples: [Double] = []
        for _ in 0..<runs {
            let begin = now()
            try body()
            samples.append(now() - begin)
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}
