import DeepBayesBackends
import DeepBayesCPU
import Testing

/// Allocations that cannot fit are typed errors naming the bytes and the limit, and a pool
/// under memory pressure releases its idle buffers and retries before it gives up.
@Suite struct MemoryLimitTests {
    static func isTooLarge(_ error: any Error) -> Bool {
        if case .allocationTooLarge = error as? DeepBayesError { return true }
        return false
    }

    @Test(arguments: TestBackends.names)
    func anAllocationBeyondTheDeviceIsATypedError(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let limit = try #require(backend.capabilities.maximumAllocationBytes)
        let floats = limit / 4 + 1
        #expect(performing: { try backend.zeros([floats]) }, throws: { Self.isTooLarge($0) })
        #expect(performing: { try backend.randomNormal([floats], RandomStream(seed: 0, stream: 0)) }, throws: { Self.isTooLarge($0) })
        #expect(performing: { try backend.zeros([Int.max / 2]) }, throws: { Self.isTooLarge($0) })
        let error = DeepBayesError.allocationTooLarge(backend: backendName, bytes: floats * 4, limit: limit)
        #expect(error.description.contains("\(floats * 4) bytes") && error.description.contains("\(limit) bytes"))
    }

    @Test func theCPUPoolReleasesIdleBuffersAndRetries() throws {
        let backend = CPUBackend(memoryLimitBytes: 8 << 20)
        do {
            let held = try (0..<4).map { _ in try backend.zeros([384 << 10]) }
            #expect(held.count == 4)
        }
        #expect(backend.idleMemoryBytes == 4 * (384 << 10) * 4, "freed tensors are kept for reuse")
        let large = try backend.filled([768 << 10], value: 2)
        #expect(backend.idleMemoryBytes == 0, "the idle buffers were released to make room")
        #expect(try large.toArray().allSatisfy { $0 == 2 })
        #expect(performing: { try backend.zeros([1536 << 10]) }, throws: { Self.isTooLarge($0) })
    }
}
