import COpenCL
import DeepBayesCore

/// One OpenCL device as discovered: its handles and the facts `deepbayes devices` shows.
struct OpenCLDevice {
    let id: cl_device_id
    let platformName: String
    let name: String
    let type: cl_device_type
    let computeUnits: Int
    /// `CL_DEVICE_GLOBAL_MEM_SIZE`.
    let globalMemoryBytes: Int
    /// `CL_DEVICE_MAX_MEM_ALLOC_SIZE`: the largest single `clCreateBuffer`.
    let maximumAllocationBytes: Int
    /// `CL_DEVICE_MAX_WORK_GROUP_SIZE`: the most work-items in one work-group of any kernel.
    let maximumWorkGroupSize: Int
    /// `CL_DEVICE_LOCAL_MEM_SIZE`: the local memory one work-group may use, in bytes.
    let localMemoryBytes: Int
    let version: String
    /// `CL_DRIVER_VERSION`: what the tuner's choices and cached program binaries are keyed by,
    /// with the platform and device names (see `identity`).
    let driverVersion: String
    let singleFloatConfig: cl_device_fp_config

    /// Platform, device name, OpenCL version and driver version: the key under which the cache
    /// folder keeps what was learned on this device. A new driver gives a new key, so nothing
    /// tuned or compiled by the old one is reused.
    var identity: String { [platformName, name, version, driverVersion].joined(separator: " | ") }

    /// True for devices of type GPU.
    var isGPU: Bool { type & cl_device_type(CL_DEVICE_TYPE_GPU) != 0 }
    /// True for devices of type CPU (PoCL's pthread device, Intel's CPU runtime).
    var isCPU: Bool { type & cl_device_type(CL_DEVICE_TYPE_CPU) != 0 }

    /// The device type as a `DeviceKind`: GPU, CPU, accelerator, or other.
    var kind: DeviceKind {
        if isGPU { return .gpu }
        if isCPU { return .cpu }
        if type & cl_device_type(CL_DEVICE_TYPE_ACCELERATOR) != 0 { return .accelerator }
        return .other
    }

    /// Whether a new backend on this device runs the per-feature reductions of `layers.cl` as
    /// work-groups (`OpenCLBackend.featureGroupReductions`): everywhere but on CPU devices.
    var prefersFeatureGroupReductions: Bool { !isCPU }

    /// The device's typed facts, with the native kernels of a backend whose
    /// `featureGroupReductions` is as given (by default, as on a new backend). OpenCL 1.2 has no portable query for free memory, so `freeMemoryBytes` is nil.
    func capabilities(featureGroupReductions: Bool? = nil) -> BackendCapabilities {
        BackendCapabilities(deviceKind: kind, totalMemoryBytes: globalMemoryBytes, freeMemoryBytes: nil,
                            maximumAllocationBytes: maximumAllocationBytes, maximumWorkGroupSize: maximumWorkGroupSize,
                            computeUnits: computeUnits,
                            nativeKernels: OpenCLBackend.nativeKernels(featureGroupReductions: featureGroupReductions ?? prefersFeatureGroupReductions))
    }

    /// The listing entry for selector `opencl:<index>`: the capabilities, plus the platform
    /// and the OpenCL version the device reports.
    func info(index: Int) -> DeviceInfo {
        DeviceInfo(selector: "opencl:\(index)", name: name, capabilities: capabilities(),
                   details: [("platform", platformName), ("version", version), ("driver", driverVersion)])
    }
}
