import DeepBayesBackends
import Foundation

/// Runs one benchmark on one backend: validate first, then time, then time the reference.
final class BenchmarkRunner {
    /// The largest normalized difference from the reference result that passes validation.
    static let validationTolerance = 1e-3

    let runs: Int
    let host: any Backend
    /// Every backend of the run; the first one that is not `host` is the `otherBackend` yardstick.
    let backends: [any Backend]
    /// Results and median seconds by benchmark and backend, so that no run is measured twice.
    private var results: [String: ([Float], Double)] = [:]

    init(runs: Int, host: any Backend, backends: [any Backend]) {
        self.runs = runs
        self.host = host
        self.backends = backends
    }

    func measure(_ benchmark: Benchmark, on backend: any Backend) throws -> Measurement {
        let (result, seconds) = try run(benchmark, on: backend)
        let (reference, referenceSeconds, referenceResult): (String, Double, [Float])
        if backend === host {
            (reference, referenceSeconds, referenceResult) = try hostYardstick(benchmark, result: result)
        } else {
            let (cpuResult, cpuSeconds) = try run(benchmark, on: host)
            (reference, referenceSeconds, referenceResult) = ("cpu backend", cpuSeconds, cpuResult)
        }
        return Measurement(kernel: benchmark.kernel, backend: backend.name, shape: benchmark.shape,
                           medianMilliseconds: seconds * 1e3, work: benchmark.work, reference: reference,
                           ratio: referenceSeconds / seconds, validationError: normalizedDifference(result, referenceResult))
    }

    /// The first result of `benchmark` on `backend` (the one validated) and its median seconds
    /// after warm-up, measured once per run of the program.
    private func run(_ benchmark: Benchmark, on backend: any Backend) throws -> ([Float], Double) {
        let key = benchmark.kernel + "|" + benchmark.shape + "|" + backend.name
        if let cached = results[key] { return cached }
        let call = try benchmark.prepare(backend)
        let result = try call().flatMap { try $0.toArray() }
        let timed = {
            _ = try call()
            try backend.synchronize()
        }
        let seconds: Double
        switch benchmark.schedule {
        case .repeated: seconds = try Timing.median(runs: runs, timed)
        case let .long(runs): seconds = try Timing.medianOfCalls(runs: runs, timed)
        }
        results[key] = (result, seconds)
        return (result, seconds)
    }

    /// The host backend's yardstick: its name, median seconds and result (`result` is the host
    /// backend's own, for yardsticks that have no result of their own to compare).
    private func hostYardstick(_ benchmark: Benchmark, result: [Float]) throws -> (String, Double, [Float]) {
        switch benchmark.yardstick {
        case let .sgemm(g, a, b):
            let (seconds, product) = References.sgemm(g, a: a, b: b, runs: runs)
            return (References.sgemmName, seconds, product)
        case let .openBLASConvolution(g, pass, x, w, dy):
            let convolution = OpenBLASConvolution(g: g)
            let result = convolution.run(pass, x: x, w: w, dy: dy)
            let seconds = Timing.median(runs: runs) { _ = convolution.run(pass, x: x, w: w, dy: dy) }
            return ("openblas im2col", seconds, result)
        case let .copy(expected):
            guard case let .bytes(bytes) = benchmark.work else { preconditionFailure("a copy yardstick needs a byte count") }
            return ("memcpy", References.copySeconds(bytes: Int(bytes) / 2, runs: runs), expected())
        case .otherBackend:
            guard let other = backends.first(where: { $0 !== host }) else {
                return ("none", .nan, result.allSatisfy(\.isFinite) ? result : [.nan])
            }
            let (otherResult, otherSeconds) = try run(benchmark, on: other)
            return (other.name + " backend", otherSeconds, otherResult)
        }
    }
}
