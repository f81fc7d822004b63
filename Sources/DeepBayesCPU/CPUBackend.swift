import DeepBayesCore
import Foundation

/// The host backend: SIMD inner loops, work split across every core, no BLAS.
///
/// Kernels live in `CPUBackend+<Family>.swift`, one file per kernel family.
public final class CPUBackend: Backend {
    public let name = "cpu"

    public init() {}

    /// The registry entry for `--device cpu`.
    public static let factory = BackendFactory(
        name: "cpu",
        summary: "host CPU: SIMD kernels on \(Parallel.threadCount) threads",
        make: { index in
            guard index == nil || index == 0 else {
                throw DeepBayesError.unknownBackend(name: "cpu:\(index!)", available: ["cpu"])
            }
            return CPUBackend()
        },
        devices: {
            [DeviceInfo(selector: "cpu", details: [("name", CPUBackend.processorName), ("threads", "\(Parallel.threadCount)")])]
        })

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
    func buffer(_ tensor: Tensor) -> CPUBuffer { unsafeDowncast(tensor.storage, to: CPUBuffer.self) }

    /// A new uninitialized tensor of `shape`; kernels fill every element.
    func makeTensor(_ shape: Shape) -> (Tensor, UnsafeMutablePointer<Float>) {
        let storage = CPUBuffer(count: shape.count)
        return (Tensor(shape: shape, backend: self, storage: storage), storage.pointer)
    }

    public func upload(_ values: [Float], shape: Shape) throws -> Tensor {
        let (tensor, out) = makeTensor(shape)
        values.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: values.count) }
        return tensor
    }

    public func filled(_ shape: Shape, value: Float) throws -> Tensor {
        let (tensor, out) = makeTensor(shape)
        out.update(repeating: value, count: shape.count)
        return tensor
    }

    public func download(_ tensor: Tensor) throws -> [Float] {
        try checkOwnership("download", tensor)
        return Array(buffer(tensor).buffer)
    }

    /// CPU kernels finish before they return, so there is nothing to wait for.
    public func synchronize() throws {}

    public func copy(_ tensor: Tensor) throws -> Tensor {
        try checkOwnership("copy", tensor)
        let (result, out) = makeTensor(tensor.shape)
        out.update(from: buffer(tensor).pointer, count: tensor.count)
        return result
    }
}
