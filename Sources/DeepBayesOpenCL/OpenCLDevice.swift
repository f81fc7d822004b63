import COpenCL
import DeepBayesCore

/// One OpenCL device as discovered: its handles and the facts `deepbayes devices` shows.
struct OpenCLDevice {
    let id: cl_device_id
    let platformName: String
    let name: String
    let type: cl_device_type
    let computeUnits: Int
    let globalMemoryBytes: UInt64
    let version: String
    let singleFloatConfig: cl_device_fp_config

    /// True for devices of type GPU.
    var isGPU: Bool { type & cl_device_type(CL_DEVICE_TYPE_GPU) != 0 }
    /// True for devices of type CPU (PoCL's pthread device, Intel's CPU runtime).
    var isCPU: Bool { type & cl_device_type(CL_DEVICE_TYPE_CPU) != 0 }

    /// `GPU`, `CPU`, `accelerator` or `other`.
    var typeName: String {
        if isGPU { return "GPU" }
        if isCPU { return "CPU" }
        if type & cl_device_type(CL_DEVICE_TYPE_ACCELERATOR) != 0 { return "accelerator" }
        return "other"
    }

    /// The listing entry for selector `opencl:<index>`.
    func info(index: Int) -> DeviceInfo {
        DeviceInfo(selector: "opencl:\(index)", details: [
            ("platform", platformName), ("name", name), ("type", typeName),
            ("compute units", "\(computeUnits)"), ("global memory", "\(globalMemoryBytes >> 20) MiB"),
            ("version", version),
        ])
    }
}
