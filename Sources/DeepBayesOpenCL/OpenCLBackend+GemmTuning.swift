import DeepBayesCore
import Foundation

extension OpenCLBackend {
    /// The problem the tuner checks and times on this device: `GemmTuner.gpuProblem` (1024³) on
    /// GPUs, 256³ elsewhere (CPU devices run `.panels` unless told otherwise).
    var gemmTuningProblem: MatmulGeometry { device.isGPU ? GemmTuner.gpuProblem : MatmulGeometry(m: 256, n: 256, k: 256) }

    /// The configuration `.blocked` runs with unless `blockedConfiguration` forces one: tuned on
    /// the first call in the process (`GemmChoice`), with the choice kept in the runtime's cache
    /// folder. Nil when no candidate passed.
    func tunedGemmConfiguration() throws -> GemmConfiguration? {
        try runtime.gemmChoice.configuration {
            try GemmTuner(folder: runtime.cacheFolder, problem: gemmTuningProblem).choice(for: DeviceGemmTuning(backend: self))
        }
    }
}

/// The device of an `OpenCLBackend` as the GEMM tuner sees it.
struct DeviceGemmTuning: GemmTuningDevice {
    let backend: OpenCLBackend

    /// `OpenCLDevice.identity`.
    var identity: String { backend.device.identity }

    /// Whether the device's work-group and local memory limits admit `configuration`.
    func fits(_ configuration: GemmConfiguration) -> Bool { configuration.fits(backend.device) }

    /// Pseudo-random operands in (-1, 1] for `problem`, uploaded once.
    func trials(of problem: MatmulGeometry) throws -> any GemmTrials { try DeviceGemmTrials(backend: backend, problem: problem) }
}

/// The uploaded operands of one tuning problem, multiplied by `gemm_tiled` or `gemm_blocked`.
struct DeviceGemmTrials: GemmTrials {
    let backend: OpenCLBackend
    let problem: MatmulGeometry
    let a: OpenCLBuffer, b: OpenCLBuffer

    /// Fills `A` and `B` of `problem` with fixed pseudo-random values in (-1, 1] (Philox
    /// uniforms of seed 1, streams 0 and 1).
    init(backend: OpenCLBackend, problem: MatmulGeometry) throws {
        self.backend = backend
        self.problem = problem
        let a = Self.values(problem.batch * problem.m * problem.k, stream: 0), b = Self.values(problem.batch * problem.k * problem.n, stream: 1)
        self.a = try a.withUnsafeBytes { try backend.makeBuffer(count: a.count, from: $0.baseAddress) }
        self.b = try b.withUnsafeBytes { try backend.makeBuffer(count: b.count, from: $0.baseAddress) }
    }

    /// `count` values `2u - 1` for the Philox uniforms `u` in (0, 1] of `stream`.
    private static func values(_ count: Int, stream: UInt64) -> [Float] {
        (0..<count).map { i in
            2 * Philox.uniform(Philox.words(seed: 1, stream: stream, block: UInt64(i / 4))[i % 4]) - 1
        }
    }

    /// One product, read back.
    func product(_ configuration: GemmConfiguration?) throws -> [Float] {
        let c = try run(configuration)
        return try backend._download(backend.wrap(c, [c.count]))
    }

    /// Wall-clock seconds of one `gemm_blocked` product on an idle queue, up to its `clFinish`.
    func seconds(_ configuration: GemmConfiguration) throws -> Double {
        try backend.synchronize()
        let start = DispatchTime.now().uptimeNanoseconds
        let c = try run(configuration)
        try backend.synchronize()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        withExtendedLifetime(c) {}
        return Double(elapsed) * 1e-9
    }

    /// Enqueues the product with `configuration`, or with `gemm_tiled` when nil.
    private func run(_ configuration: GemmConfiguration?) throws -> OpenCLBuffer {
        let group = problem.n
        guard let configuration else { return try backend.gemmTiled(a, b, problem, group: group) }
        return try backend.gemmBlocked(a, b, problem, group: group, configuration)
    }
}
