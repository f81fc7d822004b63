import DeepBayesBackendConformance
import DeepBayesCore
import DeepBayesOpenCL
import DeepBayesReferenceBackend
import Testing

/// The conformance kit (`DeepBayesBackendConformance`) on every backend this repository ships,
/// exactly as an out-of-tree backend would run it: kernels against the `Double` reference,
/// the fused-kernel defaults against the reference and the native kernels, gradients against
/// finite differences, and training against the reference backend. OpenCL runs for real under
/// CI (PoCL); elsewhere it is skipped with the loud warning of `TestBackends`.
@Suite struct ConformanceTests {
    static let backends = TestBackends.names + [ReferenceBackend.factory.name]

    @Test(arguments: backends)
    func backendPassesTheConformanceKit(backendName: String) throws {
        let report = try BackendConformance {
            backendName == ReferenceBackend.factory.name ? ReferenceBackend() : TestBackends.backend(backendName)
        }.run()
        print("conformance \(report.backend): \(report.checks - report.failures.count) of \(report.checks) checks passed")
        #expect(report.passed, "\(report)")
        #expect(report.checks > 3 * KernelCases.all.count)
    }
}

/// Cross-backend parity: every kernel case on every other backend against the CPU backend,
/// within the case's stated tolerance (twice it: each side may be off by the tolerance).
@Suite struct ParityTests {
    @Test(arguments: TestBackends.othersThanCPU, KernelCases.all)
    func kernelAgreesWithCPU(backendName: String, kernel: KernelCase) throws {
        let want = try kernel.run(TestBackends.cpu).map(Double.init)
        let got = try kernel.run(TestBackends.backend(backendName))
        let error = normalizedError(got, want)
        print("parity \("cpu") vs \(backendName): \(kernel.name): normalized difference \(error)")
        #expect(error <= 2 * kernel.tolerance, "\(kernel.name): \(backendName) differs from cpu by \(error)")
    }
}

/// The plain tiled GPU matmul (selectable on any device, and the GEMM tuner's reference) is
/// checked on whatever OpenCL device is here, so it is tested even on PoCL: matmul and
/// convolution cases against the reference. (`.blocked`, the GPU default: `BlockedGemmTests`.)
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

/// The per-feature work-group kernels of `layers.cl` (the default off CPU devices) are checked
/// on whatever OpenCL device is here, so they are tested on PoCL too: the layer cases against
/// the reference.
@Suite struct FeatureGroupReductionTests {
    static let groupBackend: OpenCLBackend? = {
        guard TestBackends.available["opencl"] != nil, let backend = try? OpenCLBackend.factory.make(nil) as? OpenCLBackend else { return nil }
        backend.featureGroupReductions = true
        return backend
    }()

    @Test(.enabled(if: groupBackend != nil, "no OpenCL device here"), arguments: KernelCases.layers)
    func featureGroupKernelsMatchReference(kernel: KernelCase) throws {
        let got = try kernel.run(Self.groupBackend!)
        let error = normalizedError(got, kernel.reference())
        #expect(error <= kernel.tolerance, "work-group \(kernel.name): normalized error \(error) > \(kernel.tolerance)")
    }

    /// The layer cases without the work-group reductions (the default on CPU devices) against
    /// the reference too, so both paths are checked whatever the device.
    @Test(.enabled(if: groupBackend != nil, "no OpenCL device here"), arguments: KernelCases.layers)
    func kernelsWithoutGroupsMatchReference(kernel: KernelCase) throws {
        let backend = try #require(try OpenCLBackend.factory.make(nil) as? OpenCLBackend)
        backend.featureGroupReductions = false
        let error = normalizedError(try kernel.run(backend), kernel.reference())
        #expect(error <= kernel.tolerance, "without groups \(kernel.name): normalized error \(error) > \(kernel.tolerance)")
    }

    @Test(.enabled(if: groupBackend != nil, "no OpenCL device here"))
    func capabilitiesSayWhichKernelsAreNative() throws {
        let backend = try #require(Self.groupBackend)
        #expect(backend.capabilities.nativeKernels.isSuperset(of: [.biasActivationBackward, .batchNormStatistics]))
        let withoutGroups = try #require(try OpenCLBackend.factory.make(nil) as? OpenCLBackend)
        withoutGroups.featureGroupReductions = false
        #expect(withoutGroups.capabilities.nativeKernels.contains(.biasActivationBackward))
        #expect(!withoutGroups.capabilities.nativeKernels.contains(.batchNormStatistics))
    }
}
