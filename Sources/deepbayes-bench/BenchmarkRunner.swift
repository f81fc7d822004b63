import DeepBayesBackends
import Foundation

/// Runs one benchmark on one backend: validate first, then time, then time the reference.
final class BenchmarkRunner {
    /// The largest normalized difference from the reference result that passes validation.
    static let validationTolerance = 1e-3

    let runs: Int
    let host: any Backend
    /// CPU-backend results and median seconds, by benchmark, for comparing device backends.
    private var hostResults: [String: ([Float], Double)] = [:]

    init(runs: Int, host: any Backend) {
        self.runs = runs
        self.host = host
    }

    func measure(_ benchmark: Benchmark, on backend: any Backend) throws -> Measurement {
        let call = try benchmark.prepare(backend)
        let result = try call().flatMap { try $0.toArray() }
        let seconds = try Timing.median(runs: runs) {
            _ = try call()
            try backend.synchronize()
        }
        let (reference, referenceSeconds, referenceResult): (String, Double, [Float])
        if backend === host {
            (reference, referenceSeconds, referenceResult) = hostYardstick(benchmark)
            hostResults[key(benchmark)] = (result, seconds)
        } else {
            let (cpuResult, cpuSeconds) = try hostResults[key(benchmark)] ?? hostRun(benchmark)
            (reference, referenceSeconds, referenceResult) = ("cpu backend", cpuSeconds, cpuResult)
        }
        return Measurement(kernel: benchmark.kernel, backend: backend.name, shape: benchmark.shape,
                           medianMilliseconds: seconds * 1e3, work: benchmark.work, reference: reference,
                           ratio: referenceSeconds / seconds, validationError: normalizedDifference(result, referenceResult))
    }

    private func key(_ benchmark: Benchmark) -> String { benchmark.kernel + "|" + benchmark.shape }

    private func hostRun(_ benchmark: Benchmark) throws -> ([Float], Double) {
        let call = try benchmark.prepare(host)
        let result = try call().flatMap { try $0.toArray() }
        let seconds = try Timing.median(runs: runs) { _ = try call() }
        hostResults[key(benchmark)] = (result, seconds)
        return (result, seconds)
    }

    /// The host backend's yardstick: its name, median seconds and result.
    private func hostYardstick(_ benchmark: Benchmark) -> (String, Double, [Float]) {
        switch benchmark.yardstick {
        case let .sgemm(g, a, b):
            let (seconds, product) = References.sgemm(g, a: a, b: b, runs: runs)
            return ("openblas sgemm", seconds, product)
        case let .openBLASConvolution(g, pass, x, w, dy):
            let convolution = OpenBLASConvolution(g: g)
            let result = convolution.run(pass, x: x, w: w, dy: dy)
            let seconds = Timing.median(runs: runs) { _ = convolution.run(pass, x: x, w: w, dy: dy) }
            return ("openblas im2col", seconds, result)
        case let .copy(expected):
            guard case let .bytes(bytes) = benchmark.work else { preconditionFailure("a copy yardstick needs a byte count") }
            return ("memcpy", References.copySeconds(bytes: Int(bytes) / 2, runs: runs), expected())
        }
    }
}
