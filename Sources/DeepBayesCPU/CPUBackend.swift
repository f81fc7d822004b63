import DeepBayesCore
import Foundation

/// The host backend: SIMD inner loops, work split across every core, no BLAS.
///
/// Kernels live in `CPUBackend+<Family>.swift`, one file per kernel family.
public final class CPUBackend: Backend {
    public let name = "cpu"

    /// The pool tensor storage comes from: the process-wide one, or a private one with a limit.
    let pool: HostMemoryPool

    /// A CPU backend on the process-wide memory pool.
    public init() { pool = .shared }

    /// A CPU backend whose tensors come from a private pool that may hold at most `bytes` live
    /// and idle in all: it simulates a smaller machine (the memory-pressure tests use it).
    public init(memoryLimitBytes bytes: Int) {
        pool = HostMemoryPool(capacityLimitBytes: bytes)
    }

    /// Bytes of freed tensor storage the pool keeps for reuse now.
    public var idleMemoryBytes: Int { pool.idleBufferBytes }

    /// The registry entry for `--device cpu`: this build, as the variant for the instruction-set
    /// level it was compiled for.
    public static let factory = BackendFactory(
        name: "cpu",
        summary: "host CPU: SIMD kernels for \(InstructionSetLevel.compiled.label) on \(Parallel.threadCount) threads",
        variant: InstructionSetLevel.compiledVariant,
        make: { index in
            guard index == nil || index == 0 else {
                throw DeepBayesError.unknownBackend(name: "cpu:\(index!)", available: ["cpu"])
            }
            return CPUBackend()
        },
        devices: {
            [DeviceInfo(selector: "cpu", name: CPUBackend.processorName, capabilities: CPUBackend.hostCapabilities(),
                        details: [("threads", "\(Parallel.threadCount)"),
                                  ("instruction set", "built for \(InstructionSetLevel.compiled.label), machine has \(InstructionSetLevel.machine.label)"),
                                  ("caches", CacheSizes.host.summary),
                                  ("matmul blocks", "tile \(gemmMR)×\(gemmNR), \(GEMMBlocking.host.summary)")])]
        })

    /// Every fused kernel has a SIMD implementation here. Read once per process (the checked
    /// entry points consult it on every allocation); `deepbayes devices` reads afresh.
    public var capabilities: BackendCapabilities { Self.processCapabilities }

    private static let processCapabilities = hostCapabilities()

    /// The host's memory from `/proc/meminfo`; a single allocation may be as large as the
    /// memory the machine has.
    static func hostCapabilities() -> BackendCapabilities {
        let memory = HostMemory.read()
        return BackendCapabilities(deviceKind: .cpu, totalMemoryBytes: memory.total, freeMemoryBytes: memory.available,
                                   maximumAllocationBytes: memory.total, computeUnits: Parallel.threadCount,
                                   nativeKernels: Set(FusedKernel.allCases))
    }

    public var deviceDescription: String { "\(CPUBackend.processorName) (\(Parallel.threadCount) threads)" }

    /// The processor's model name from /proc/cpuinfo, or the architecture.
    static let processorName: String = {
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let value = line.split(separator: ":", maxSplits: 1).last {
            return value.trimmingCharacters(in: .whitespaces)
        }
        #if arch(x86_64)
        return "x86_64"
        #else
        return "arm64"
        #endif
    }()

    // MARK: Storage

    /// The buffer of a tensor this backend made (ownership is checked by the callers).
    @inline(__always)
    func buffer(_ tensor: Tensor) throws -> CPUBuffer { try storage(of: tensor, as: CPUBuffer.self) }

    /// A new uninitialized tensor of `shape`; kernels fill every element.
    func makeTensor(_ shape: Shape) throws -> (Tensor, UnsafeMutablePointer<Float>) {
        let storage = try CPUBuffer(count: shape.count, pool: pool)
        return (Tensor(shape: shape, backend: self, storage: storage), storage.pointer)
    }

    public func _upload(_ values: [Float], shape: Shape) throws -> Tensor {
        let (tensor, out) = try makeTensor(shape)
        values.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: values.count) }
        return tensor
    }

    public func _filled(_ shape: Shape, value: Float) throws -> Tensor {
        let (tensor, out) = try makeTensor(shape)
        out.update(repeating: value, count: shape.count)
        return tensor
    }

    public func _download(_ tensor: Tensor) throws -> [Float] {
        return Array(try buffer(tensor).buffer)
    }

    /// CPU kernels finish before they return, so there is nothing to wait for.
    public func synchronize() throws {}

    public func _assign(_ destination: Tensor, from source: Tensor) throws {
        try buffer(destination).pointer.update(from: try buffer(source).pointer, count: source.count)
    }

    public func _copy(_ tensor: Tensor) throws -> Tensor {
        let (result, out) = try makeTensor(tensor.shape)
        out.update(from: try buffer(tensor).pointer, count: tensor.count)
        return result
    }
}
