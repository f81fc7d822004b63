import CBLASLibrary
import DeepBayesCore

/// A DeepBayes backend on the host CPU whose matrix product and convolutions run on
/// OpenBLAS's `cblas_sgemm`; the other primitives are plain Swift loops, and every fused
/// kernel is the SDK's default composition of the primitives (`FusedDefaults`).
///
/// `--device openblas` once the plugin `libdeepbayes-backend-openblas.so` is on the plugin
/// search path. Read the files in this order: storage (`OpenBLASStorage`, `+Storage`),
/// `+Matmul` (with `SGEMM`), `+Convolution` (with `ConvolutionColumns`), `+Elementwise`,
/// `+Reductions`, `+Random`, and `+Plugin`, the entry point the host calls.
public final class OpenBLASBackend: Backend {
    public let name = "openblas"

    /// The backend; OpenBLAS needs no set-up (it starts its threads on first use).
    public init() {}

    /// The registry entry for `--device openblas`: one device, the host.
    public static let factory = BackendFactory(
        name: "openblas",
        summary: "host CPU: matmul and convolutions on OpenBLAS cblas_sgemm, the rest in plain Swift",
        make: { index in
            guard index == nil || index == 0 else {
                throw DeepBayesError.unknownBackend(name: "openblas:\(index!)", available: ["openblas"])
            }
            return OpenBLASBackend()
        },
        devices: {
            [DeviceInfo(selector: "openblas", name: OpenBLASLibrary.configuration,
                        capabilities: OpenBLASBackend.hostCapabilities(),
                        details: [("BLAS threads", "\(OpenBLASLibrary.threadCount)")])]
        })

    public var deviceDescription: String {
        "\(OpenBLASLibrary.configuration) (\(OpenBLASLibrary.threadCount) threads)"
    }

    /// A host device with no native fused kernels. Read once per process, because the checked
    /// entry points consult it on every allocation; `deepbayes devices` reads afresh.
    public var capabilities: BackendCapabilities { Self.processCapabilities }

    private static let processCapabilities = hostCapabilities()

    /// The host's memory from `/proc/meminfo`; one allocation may be as large as the memory.
    static func hostCapabilities() -> BackendCapabilities {
        let memory = HostMemory.read()
        return BackendCapabilities(deviceKind: .cpu, totalMemoryBytes: memory.total, freeMemoryBytes: memory.available,
                                   maximumAllocationBytes: memory.total, computeUnits: OpenBLASLibrary.threadCount)
    }
}
