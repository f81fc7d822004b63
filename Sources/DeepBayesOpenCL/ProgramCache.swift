import COpenCL
import DeepBayesCore
import Foundation

/// Builds each program once per context (so once per process: see `OpenCLRuntime`), keyed by
/// program and build options, and keeps one `cl_kernel` per kernel name. Not thread-safe by
/// itself: `OpenCLBackend.launch` holds the runtime's lock while it uses the cache.
final class ProgramCache {
    private let context: cl_context
    private let device: cl_device_id
    /// Options every program is built with (never fast-math or mad-enable: results must match
    /// the CPU backend up to summation order).
    private let baseOptions: String
    private var programs: [String: cl_program] = [:]
    private var kernels: [String: cl_kernel] = [:]

    init(context: cl_context, device: OpenCLDevice) {
        self.context = context
        self.device = device.id
        let correctlyRounded = device.singleFloatConfig & cl_device_fp_config(CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0
        baseOptions = "-cl-std=CL1.2" + (correctlyRounded ? " -cl-fp32-correctly-rounded-divide-sqrt" : "")
    }

    deinit {
        kernels.values.forEach { clReleaseKernel($0) }
        programs.values.forEach { clReleaseProgram($0) }
    }

    /// The kernel `name` of `program` built with the extra `options` (`-D` defines).
    func kernel(_ program: KernelProgram, _ name: String, options: String) throws -> cl_kernel {
        let programKey = program.rawValue + ".cl" + (options.isEmpty ? "" : " " + options)
        if let kernel = kernels[programKey + "#" + name] { return kernel }
        let built = try programs[programKey] ?? build(program, options: options, key: programKey)
        var status: cl_int = 0
        guard let kernel = clCreateKernel(built, name, &status), status == CL_SUCCESS else {
            throw DeepBayesError.deviceFailure(call: "clCreateKernel(\(name))", code: OpenCLStatus.name(status))
        }
        kernels[programKey + "#" + name] = kernel
        return kernel
    }

    /// Compiles the program's sources; a compile error throws
    /// `OpenCLError.kernelBuildFailed` with the log.
    private func build(_ program: KernelProgram, options: String, key: String) throws -> cl_program {
        let sources = try program.files.map(KernelSources.source)
        var pointers = sources.map { UnsafePointer<CChar>(strdup($0)) }
        defer { pointers.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
        var status: cl_int = 0
        guard let built = clCreateProgramWithSource(context, cl_uint(sources.count), &pointers, nil, &status), status == CL_SUCCESS else {
            throw DeepBayesError.deviceFailure(call: "clCreateProgramWithSource", code: OpenCLStatus.name(status))
        }
        var device: cl_device_id? = self.device
        status = clBuildProgram(built, 1, &device, baseOptions + " " + options, nil, nil)
        if status != CL_SUCCESS {
            let log = (try? OpenCLDiscovery.string("clGetProgramBuildInfo") {
                clGetProgramBuildInfo(built, self.device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), $0, $1, $2)
            }) ?? ""
            clReleaseProgram(built)
            if status == CL_BUILD_PROGRAM_FAILURE || status == CL_INVALID_BUILD_OPTIONS {
                throw OpenCLError.kernelBuildFailed(program: key, log: log)
            }
            throw DeepBayesError.deviceFailure(call: "clBuildProgram", code: OpenCLStatus.name(status))
        }
        programs[key] = built
        return built
    }
}
