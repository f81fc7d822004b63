import COpenCL
import DeepBayesCore
import Foundation

/// The OpenCL backend: one device and its process-wide runtime (context, one in-order command
/// queue, a cache of built programs). Tensors live in device buffers; values reach the host
/// only through `download`.
///
/// Kernels live in `OpenCLBackend+<Family>.swift` and `Kernels/<family>.cl`. On CPU devices
/// (PoCL) matmul uses a barrier-free vector kernel; on other devices a register-blocked one
/// whose configuration is tuned once per device and driver (`GemmTuner`).
public final class OpenCLBackend: Backend {
    /// The registry name, `opencl`.
    public let name = "opencl"
    /// The device's context, queue and programs, shared with every other backend on it.
    let runtime: OpenCLRuntime
    /// Which matmul kernel runs (also inside convolutions). Defaults to `.panels` on CPU
    /// devices and `.blocked` elsewhere; each is correct on any device.
    public var matmulStrategy: MatmulStrategy
    /// The configuration `.blocked` runs with; nil (the default) takes the tuner's choice for
    /// the device. Tests set it to run every candidate.
    var blockedConfiguration: GemmConfiguration?

    /// Whether the bias add's gradient and the batch statistics run as one work-group per
    /// feature (`Kernels/layers.cl`); otherwise the bias gradient is summed by `sum_broadcast`
    /// and the statistics run by their `FusedDefaults`. On by default off CPU
    /// devices (`OpenCLDevice.prefersFeatureGroupReductions`); either way is correct.
    public var featureGroupReductions: Bool

    var device: OpenCLDevice { runtime.device }
    var context: cl_context { runtime.context }
    var queue: cl_command_queue { runtime.queue }
    var programs: ProgramCache { runtime.programs }
    var lock: NSLock { runtime.lock }

    /// A backend on `device`, using the device's process-wide runtime.
    convenience init(device: OpenCLDevice) throws {
        self.init(runtime: try OpenCLRuntime.shared(for: device))
    }

    /// A backend on `runtime` (tests pass a runtime of their own).
    init(runtime: OpenCLRuntime) {
        self.runtime = runtime
        matmulStrategy = runtime.device.isCPU ? .panels : .blocked
        featureGroupReductions = runtime.device.prefersFeatureGroupReductions
    }

    /// The registry entry for `--device opencl` (the first GPU, else the first device) and
    /// `--device opencl:N` (entry N of the devices of all platforms, in platform order).
    public static let factory = BackendFactory(
        name: "opencl",
        summary: "OpenCL 1.2 devices: GPUs through their vendor's driver, CPUs through PoCL",
        make: { index in
            let devices = try OpenCLDiscovery.devices()
            guard let index else { return try OpenCLBackend(device: devices.first(where: \.isGPU) ?? devices[0]) }
            guard index < devices.count else {
                throw DeepBayesError.unknownBackend(
                    name: "opencl:\(index)",
                    available: devices.enumerated().map { "opencl:\($0.offset) (\($0.element.name))" })
            }
            return try OpenCLBackend(device: devices[index])
        },
        devices: { try OpenCLDiscovery.devices().enumerated().map { $0.element.info(index: $0.offset) } })

    /// The matmul kernels: two of `Kernels/matmul.cl`, and `Kernels/gemm_blocked.cl`.
    public enum MatmulStrategy: Sendable {
        /// Barrier-free `float16` kernel over packed 8-row and 16-column panels: fast on CPU
        /// devices, where local memory and barriers are slow.
        case panels
        /// Local-memory tiles (16x16, smaller where the device's work-groups are smaller), one
        /// element of `C` per work-item: the plain GPU kernel, and the tuner's reference.
        case tiled
        /// Register blocks of `C` per work-item over local-memory tiles, vector loads, its
        /// configuration tuned per device and driver (`GemmTuner`): the fast GPU kernel.
        case blocked
    }

    /// The device's name, kind, platform and OpenCL version.
    public var deviceDescription: String { "\(device.name) (\(device.kind.rawValue), \(device.platformName), \(device.version))" }

    /// The device's kind, memory and work-group limits, and the fused kernels it runs natively.
    public var capabilities: BackendCapabilities { device.capabilities(featureGroupReductions: featureGroupReductions) }

    /// The fused kernels this backend runs as its own OpenCL kernels: all but `expand` and
    /// `runningStatisticsUpdate`, which use `FusedDefaults`, and without `featureGroupReductions`
    /// `batchNormStatistics`.
    static func nativeKernels(featureGroupReductions: Bool) -> Set<FusedKernel> {
        let composed: Set<FusedKernel> = featureGroupReductions ? [] : [.batchNormStatistics]
        return Set(FusedKernel.allCases).subtracting(composed.union([.expand, .runningStatisticsUpdate]))
    }
}
