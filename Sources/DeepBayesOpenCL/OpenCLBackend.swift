import COpenCL
import DeepBayesCore
import Foundation

/// The OpenCL backend: one device, its context, one in-order command queue, and a cache of
/// built programs. Tensors live in device buffers; values reach the host only through
/// `download`.
///
/// Kernels live in `OpenCLBackend+<Family>.swift` and `Kernels/<family>.cl`. On CPU devices
/// (PoCL) matmul uses a barrier-free vector kernel; on other devices a local-memory tiled one.
public final class OpenCLBackend: Backend {
    public let name = "opencl"
    let device: OpenCLDevice
    let context: cl_context
    let queue: cl_command_queue
    let programs: ProgramCache
    /// Which matmul kernel runs (also inside convolutions). Defaults to `.panels` on CPU
    /// devices and `.tiled` elsewhere; either is correct on any device.
    public var matmulStrategy: MatmulStrategy
    /// Serialises kernel lookup, argument setting and enqueueing (a `cl_kernel` is shared).
    let lock = NSLock()

    /// A backend on `device`, with a fresh context and queue.
    init(device: OpenCLDevice) throws {
        self.device = device
        matmulStrategy = device.isCPU ? .panels : .tiled
        var status: cl_int = 0
        var id: cl_device_id? = device.id
        guard let context = clCreateContext(nil, 1, &id, nil, nil, &status), status == CL_SUCCESS else {
            throw DeepBayesError.deviceFailure(call: "clCreateContext", code: OpenCLStatus.name(status))
        }
        guard let queue = clCreateCommandQueue(context, device.id, 0, &status), status == CL_SUCCESS else {
            clReleaseContext(context)
            throw DeepBayesError.deviceFailure(call: "clCreateCommandQueue", code: OpenCLStatus.name(status))
        }
        self.context = context
        self.queue = queue
        programs = ProgramCache(context: context, device: device)
    }

    deinit {
        clReleaseCommandQueue(queue)
        clReleaseContext(context)
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

    /// The two matmul kernels of `Kernels/matmul.cl`.
    public enum MatmulStrategy: Sendable {
        /// Barrier-free `float16` kernel over packed 8-row and 16-column panels: fast on CPU
        /// devices, where local memory and barriers are slow.
        case panels
        /// 16x16 local-memory tiles: the GPU-minded kernel.
        case tiled
    }

    public var deviceDescription: String { "\(device.name) (\(device.typeName), \(device.platformName), \(device.version))" }
}
