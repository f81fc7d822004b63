import COpenCL
import DeepBayesCore
import Foundation

/// Finds every OpenCL device on every platform, in one flattened list (`opencl:N` is entry N).
enum OpenCLDiscovery {
    /// What to tell a user who has no OpenCL platform or device (the `hint` of `backendUnavailable`).
    static let installHint = "install an OpenCL driver: `apt-get install ocl-icd-opencl-dev opencl-headers pocl-opencl-icd` for PoCL, or the GPU vendor's OpenCL driver"

    /// All devices of all platforms; throws `backendUnavailable` when there are none.
    static func devices() throws -> [OpenCLDevice] {
        var platformCount: cl_uint = 0
        let status = clGetPlatformIDs(0, nil, &platformCount)
        guard status != OpenCLStatus.platformNotFound, platformCount > 0 else {
            throw DeepBayesError.backendUnavailable(name: "opencl", reason: "no OpenCL platform found", hint: installHint)
        }
        try OpenCLStatus.check(status, "clGetPlatformIDs")
        var platforms = [cl_platform_id?](repeating: nil, count: Int(platformCount))
        try OpenCLStatus.check(clGetPlatformIDs(platformCount, &platforms, nil), "clGetPlatformIDs")
        let found = try platforms.compactMap { $0 }.flatMap(devices(of:))
        guard !found.isEmpty else {
            throw DeepBayesError.backendUnavailable(name: "opencl", reason: "OpenCL platforms exist but none has a device", hint: installHint)
        }
        return found
    }

    /// The devices of one platform (none, rather than an error, when it has no device).
    private static func devices(of platform: cl_platform_id) throws -> [OpenCLDevice] {
        var count: cl_uint = 0
        let status = clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &count)
        if status == CL_DEVICE_NOT_FOUND || count == 0 { return [] }
        try OpenCLStatus.check(status, "clGetDeviceIDs")
        var ids = [cl_device_id?](repeating: nil, count: Int(count))
        try OpenCLStatus.check(clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), count, &ids, nil), "clGetDeviceIDs")
        let platformName = try string("clGetPlatformInfo") { clGetPlatformInfo(platform, cl_platform_info(CL_PLATFORM_NAME), $0, $1, $2) }
        return try ids.compactMap { $0 }.map { id in
            OpenCLDevice(
                id: id, platformName: platformName,
                name: try string("clGetDeviceInfo") { clGetDeviceInfo(id, cl_device_info(CL_DEVICE_NAME), $0, $1, $2) },
                type: try value(id, CL_DEVICE_TYPE, as: cl_device_type.self),
                computeUnits: Int(try value(id, CL_DEVICE_MAX_COMPUTE_UNITS, as: cl_uint.self)),
                globalMemoryBytes: Int(clamping: try value(id, CL_DEVICE_GLOBAL_MEM_SIZE, as: cl_ulong.self)),
                maximumAllocationBytes: Int(clamping: try value(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE, as: cl_ulong.self)),
                maximumWorkGroupSize: try value(id, CL_DEVICE_MAX_WORK_GROUP_SIZE, as: Int.self),
                localMemoryBytes: Int(clamping: try value(id, CL_DEVICE_LOCAL_MEM_SIZE, as: cl_ulong.self)),
                version: try string("clGetDeviceInfo") { clGetDeviceInfo(id, cl_device_info(CL_DEVICE_VERSION), $0, $1, $2) },
                driverVersion: try string("clGetDeviceInfo") { clGetDeviceInfo(id, cl_device_info(CL_DRIVER_VERSION), $0, $1, $2) },
                singleFloatConfig: try value(id, CL_DEVICE_SINGLE_FP_CONFIG, as: cl_device_fp_config.self))
        }
    }

    /// A fixed-size device property.
    private static func value<T: FixedWidthInteger>(_ device: cl_device_id, _ parameter: Int32, as type: T.Type) throws -> T {
        var result: T = 0
        try OpenCLStatus.check(clGetDeviceInfo(device, cl_device_info(parameter), MemoryLayout<T>.size, &result, nil), "clGetDeviceInfo")
        return result
    }

    /// A string property, read with the usual size query then fetch.
    static func string(_ call: String, _ query: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int) throws -> String {
        var size = 0
        try OpenCLStatus.check(query(0, nil, &size), call)
        var bytes = [UInt8](repeating: 0, count: size)
        try OpenCLStatus.check(bytes.withUnsafeMutableBytes { query(size, $0.baseAddress, nil) }, call)
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
