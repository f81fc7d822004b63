import COpenCL
import DeepBayesCore
import Foundation

/// What every backend on one device shares, created once per process: the context, the one
/// in-order command queue, the program cache (so each program is built once per process, and
/// loaded from the binary cache of `DeviceCacheFolder.fromEnvironment()` when an earlier process
/// built it), the pool of device buffers, the lock that serialises kernel launches (a
/// `cl_kernel` holds its arguments) and the tuned GEMM configuration.
final class OpenCLRuntime {
    let device: OpenCLDevice
    let context: cl_context
    let queue: cl_command_queue
    let programs: ProgramCache
    let memory: DeviceMemoryPool
    let lock = NSLock()
    /// `CL_KERNEL_WORK_GROUP_SIZE` of each built kernel, asked once (guarded by `lock`).
    var kernelWorkGroupLimits: [cl_kernel: Int] = [:]
    /// The tuned `gemm_blocked` configuration of the device, found once per process.
    let gemmChoice = GemmChoice()
    /// Where program binaries and the GEMM tuner's choice are kept between runs; nil keeps none.
    let cacheFolder: DeviceCacheFolder?

    /// A runtime of its own on `device` (the process shares the one of `shared(for:)`; tests
    /// make their own to restart with a given program binary folder, nil for none).
    init(device: OpenCLDevice, cacheFolder: DeviceCacheFolder?) throws {
        self.device = device
        self.cacheFolder = cacheFolder
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
        programs = ProgramCache(context: context, device: device, folder: cacheFolder)
        memory = DeviceMemoryPool(context: context, maximumAllocationBytes: device.maximumAllocationBytes)
    }

    /// Releases the queue and the context (of a test's own runtime: the shared ones live as
    /// long as the process); programs and buffers, released after, hold the context themselves.
    deinit {
        clReleaseCommandQueue(queue)
        clReleaseContext(context)
    }

    private static let registryLock = NSLock()
    private static var runtimes: [UInt: OpenCLRuntime] = [:]

    /// The runtime of `device`, created on first use and kept for the life of the process.
    static func shared(for device: OpenCLDevice) throws -> OpenCLRuntime {
        registryLock.lock()
        defer { registryLock.unlock() }
        let key = UInt(bitPattern: device.id)
        if let runtime = runtimes[key] { return runtime }
        let runtime = try OpenCLRuntime(device: device, cacheFolder: DeviceCacheFolder.fromEnvironment())
        runtimes[key] = runtime
        return runtime
    }
}
