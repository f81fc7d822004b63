import DeepBayesCore
import DeepBayesOpenCL
import Testing

/// The backend conformance suite: every kernel case on every started backend against the
/// scalar reference. A new backend is covered by registering it in `standardRegistry`.
@Suite struct ConformanceTests {
    @Test(arguments: TestBackends.names, KernelCases.all)
    func kernelMatchesReference(backendName: String, kernel: KernelCase) throws {
        let got = try kernel.run(TestBackends.backend(backendName))
        let error = normalizedError(got, kernel.reference())
        #expect(error <= kernel.tolerance, "\(backendName) \(kernel.name): normalized error \(error) > \(kernel.tolerance)")
    }
}

/// Cross-backend parity: every kernel case on every other backend against the CPU backend,
/// within the case's stated tolerance (twice it: each side may be off by the tolerance).
@Suite struct ParityTests {
    @Test(arguments: TestBackends.othersThanReference, KernelCases.all)
    func kernelAgreesWithCPU(backendName: String, kernel: KernelCase) throws {
        let want = try kernel.run(TestBackends.reference).map(Double.init)
        let got = try kernel.run(TestBackends.backend(backendName))
        let error = normalizedError(got, want)
        print("parity \(TestBackends.names[0]) vs \(backendName): \(kernel.name): normalized difference \(error)")
        #expect(error <= 2 * kernel.tolerance, "\(kernel.name): \(backendName) differs from cpu by \(error)")
    }
}

/// The GPU-minded tiled matmul (the default off CPU devices) is checked on whatever OpenCL
/// device is here, so it is tested even on PoCL: matmul and convolution cases against the reference.
@Suite struct TiledMatmulTests {
    static let tiledBackend: OpenCLBackend? = {
        guard TestBackends.available["opencl"] != nil, let backend = try? OpenCLBackend.factory.make(nil) as? OpenCLBackend else { return nil }
        backend.matmulStrategy = .tiled
        return backend
    }()

    @Test(.enabled(if: tiledBackend != nil, "no OpenCL device here"), arguments: KernelCases.matmul + KernelCases.convolution)
    func tiledMatmulMatchesReference(kernel: KernelCase) throws {
        let got = try kernel.run(Self.tiledBackend!)
        let error = normalizedError(got, kernel.reference())
        #expect(error <= kernel.tolerance, "tiled \(kernel.name): normalized error \(error) > \(kernel.tolerance)")
    }
}
