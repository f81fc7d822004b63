import DeepBayesBackends

/// How a benchmark's throughput is counted.
enum Work {
    /// Floating-point operations per run (reported as GFLOP/s).
    case flops(Double)
    /// Bytes read and written per run (reported as GB/s).
    case bytes(Double)
    /// Items (images) processed per run (reported as items/s).
    case items(Double)
}

/// What the host (CPU) backend's result and speed are compared with; a device backend is
/// always compared with the CPU backend running the same benchmark.
enum Yardstick {
    /// OpenBLAS `cblas_sgemm` on the same inputs: both the ratio and the validation.
    case sgemm(MatmulGeometry, a: [Float], b: [Float])
    /// A host im2col (or col2im) convolution around OpenBLAS `cblas_sgemm`: the ratio and the validation.
    case openBLASConvolution(Conv2DGeometry, pass: ConvBenchmarks.Pass, x: [Float], w: [Float], dy: [Float])
    /// `memcpy` of half the bytes the kernel moves (one read and one write each: the same
    /// traffic), and a host loop (the validation).
    case copy(expected: () -> [Float])
    /// The first other backend measured in the run (a whole training step has no host
    /// library equivalent); with none, the row has no ratio and validation only checks that
    /// the result is finite.
    case otherBackend
}

/// How a benchmark's call is timed after its first, validated call.
enum Schedule {
    /// Two warm-up runs, then `--runs` timed runs, each repeating the call for at least 20 ms
    /// (`Timing.median`): for kernels.
    case repeated
    /// `runs` timed calls, one per run, the validated first call being the only warm-up
    /// (`Timing.medianOfCalls`): for calls of seconds, such as a training epoch.
    case long(runs: Int)
}

/// One kernel on one shape: `prepare` uploads the inputs to a backend and returns the call to
/// time, which returns the outputs that validation compares (concatenated).
struct Benchmark {
    let kernel: String
    let shape: String
    let work: Work
    let yardstick: Yardstick
    var schedule = Schedule.repeated
    let prepare: (any Backend) throws -> () throws -> [Tensor]
}

/// A timed result, as one row of the table or one JSON line.
struct Measurement {
    let kernel: String
    let backend: String
    let shape: String
    let medianMilliseconds: Double
    let work: Work
    let reference: String
    /// This kernel's throughput divided by the reference's, measured in the same process
    /// (NaN when there is no reference).
    let ratio: Double
    /// Normalized difference from the reference result, `max |a - b| / max(1, max |b|)`.
    let validationError: Double

    var throughput: Double {
        switch work {
        case .flops(let flops): return flops / medianMilliseconds / 1e6
        case .bytes(let bytes): return bytes / medianMilliseconds / 1e6
        case .items(let items): return items / medianMilliseconds * 1e3
        }
    }

    var unit: String {
        switch work {
        case .flops: return "GFLOP/s"
        case .bytes: return "GB/s"
        case .items: return "items/s"
        }
    }

    /// The JSON key of the throughput.
    var throughputKey: String {
        switch work {
        case .flops: return "gflops"
        case .bytes: return "gbps"
        case .items: return "items_per_s"
        }
    }
}

/// `max |a - b| / max(1, max |b|)`.
func normalizedDifference(_ a: [Float], _ b: [Float]) -> Double {
    guard a.count == b.count else { return .infinity }
    var worst: Float = 0, scale: Float = 1
    for (x, y) in zip(a, b) {
        if x.isNaN || y.isNaN { return .infinity }
        worst = max(worst, abs(x - y))
        scale = max(scale, abs(y))
    }
    return Double(worst / scale)
}
