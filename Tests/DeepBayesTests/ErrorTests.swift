import DeepBayesBackends
import DeepBayesCPU
import Testing

/// Bad input is a typed error, never a trap.
@Suite struct ErrorTests {
    @Test(arguments: TestBackends.names)
    func wrongShapesThrowShapeMismatch(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let a = try backend.zeros([3, 4]), b = try backend.zeros([5, 6])
        func isShapeMismatch(_ error: any Error) -> Bool {
            if case .shapeMismatch = error as? DeepBayesError { return true }
            return false
        }
        #expect(performing: { try backend.matmul(a, b) }, throws: isShapeMismatch)
        #expect(performing: { try backend.matmul(a, try backend.zeros([2, 3, 4])) }, throws: isShapeMismatch)
        #expect(performing: { try backend.combine(.add, a, b) }, throws: isShapeMismatch)
        #expect(performing: { try backend.combine(.add, a, try backend.zeros([5]), alongAxis: 1) }, throws: isShapeMismatch)
        #expect(performing: { try backend.conv2d(try backend.zeros([1, 2, 5, 5]), try backend.zeros([4, 3, 3, 3])) }, throws: isShapeMismatch)
        #expect(performing: { try backend.conv2d(try backend.zeros([1, 3, 2, 2]), try backend.zeros([4, 3, 3, 3])) }, throws: isShapeMismatch)
        #expect(performing: { try backend.crossEntropy(logits: a, labels: try backend.zeros([4])) }, throws: isShapeMismatch)
        #expect(performing: { try backend.sampleGaussian(mu: a, rho: b, seed: 0, stream: 0) }, throws: isShapeMismatch)
        #expect(performing: { try backend.tensor([1, 2, 3], shape: [2, 2]) }, throws: isShapeMismatch)
        #expect(performing: { try a.reshaped([5]) }, throws: isShapeMismatch)
        #expect(performing: { try a.scalar() }, throws: isShapeMismatch)
    }

    @Test(arguments: TestBackends.names)
    func badArgumentsThrowInvalidArgument(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let x = try backend.zeros([1, 1, 4, 4]), w = try backend.zeros([1, 1, 3, 3])
        #expect(throws: DeepBayesError.self) { try backend.conv2d(x, w, stride: (0, 1)) }
        #expect(throws: DeepBayesError.self) { try backend.dropoutMask([4], dropProbability: 1, seed: 0, stream: 0) }
        #expect(throws: DeepBayesError.self) { try ScaleMixturePrior(pi: 1, sigma1: 1, sigma2: 0.1) }
        #expect(throws: DeepBayesError.self) { try backend.klGaussian(mu: x, rho: x, priorSigma: 0) }
        let p = try backend.zeros([3])
        #expect(throws: DeepBayesError.self) {
            try backend.adamStep(parameter: p, gradient: p, firstMoment: try backend.zeros([3]), secondMoment: try backend.zeros([3]),
                                 configuration: AdamConfiguration(), step: 0)
        }
    }

    @Test(arguments: TestBackends.othersThanCPU)
    func mixingBackendsThrowsBackendMismatch(backendName: String) throws {
        let cpu = TestBackends.cpu, other = TestBackends.backend(backendName)
        let a = try cpu.zeros([2, 2]), b = try other.zeros([2, 2])
        #expect(throws: DeepBayesError.backendMismatch(operation: "matmul", expected: other.name, found: cpu.name)) {
            try other.matmul(a, b)
        }
        #expect(throws: DeepBayesError.backendMismatch(operation: "binary", expected: cpu.name, found: other.name)) {
            try cpu.combine(.add, a, b)
        }
        #expect(throws: DeepBayesError.backendMismatch(operation: "download", expected: cpu.name, found: other.name)) {
            try cpu.download(b)
        }
    }

    @Test func registryRejectsUnknownDevices() throws {
        #expect(throws: DeepBayesError.unknownBackend(name: "bogus", available: TestBackends.registry.names)) {
            try TestBackends.registry.makeBackend("bogus")
        }
        #expect(throws: DeepBayesError.self) { try TestBackends.registry.makeBackend("cpu:x") }
        #expect(throws: DeepBayesError.self) { try TestBackends.registry.makeBackend("opencl:999") }
        #expect(try TestBackends.registry.makeBackend("cpu").name == "cpu")
    }

    /// One backend per device: the same selector gives the same backend, whose tensors mix;
    /// two instances made by hand are refused in words that say so.
    @Test func oneBackendPerDevice() throws {
        let registry = BackendRegistry([CPUBackend.factory])
        let first = try registry.makeBackend("cpu"), second = try registry.makeBackend("cpu")
        #expect((first as AnyObject) === (second as AnyObject))
        _ = try first.combine(.add, first.tensor([1], shape: [1]), second.tensor([2], shape: [1]))
        let other = CPUBackend()
        #expect(throws: DeepBayesError.backendMismatch(operation: "binary", expected: "cpu", found: "cpu")) {
            try first.combine(.add, first.tensor([1], shape: [1]), other.tensor([2], shape: [1]))
        }
        #expect(DeepBayesError.backendMismatch(operation: "combine", expected: "cpu", found: "cpu").description
                == "combine: the tensors belong to two different cpu backends (two instances of one kind); make the backend once"
                + " and share it (BackendRegistry.makeBackend gives the same one for the same device)")
    }
}
