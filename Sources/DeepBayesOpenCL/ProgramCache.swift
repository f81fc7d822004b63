import COpenCL
import DeepBayesCore
import Foundation

/// Builds each program once per context (so once per process: see `OpenCLRuntime`), keyed by
/// program and build options, and keeps one `cl_kernel` per kernel name. Not thread-safe by
/// itself: `OpenCLBackend.launch` holds the runtime's lock while it uses the cache.
///
/// With a `DeviceCacheFolder`, each built program's binary is also kept on disk
/// (`ProgramBinaryFile`, named by `DeviceCacheFolder.fileName(prefix: "program", key:, suffix: "bin")`),
/// keyed by the device's `identity`, the full build options and the full source text: a later
/// process loads it with `clCreateProgramWithBinary` instead of compiling. A file that is
/// missing, malformed, for another key, or that the driver refuses is ignored: the program is
/// built from source and the file rewritten.
final class ProgramCache {
    /// How a program of the cache was obtained.
    enum Origin: Equatable {
        /// Compiled from the sources in `Kernels/`.
        case source
        /// Loaded from the binary a previous build left in the cache folder.
        case binary
    }

    private let context: cl_context
    private let device: cl_device_id
    /// The device's `identity`, the first part of every binary's key.
    private let identity: String
    /// Options every program is built with (never fast-math or mad-enable: results must match
    /// the CPU backend up to summation order).
    private let baseOptions: String
    /// Where binaries are kept between runs; nil keeps none.
    private let folder: DeviceCacheFolder?
    private var programs: [String: cl_program] = [:]
    private var origins: [String: Origin] = [:]
    private var kernels: [String: cl_kernel] = [:]

    /// The cache of programs for `device` in `context`, keeping binaries in `folder` (nil: none).
    init(context: cl_context, device: OpenCLDevice, folder: DeviceCacheFolder?) {
        self.context = context
        self.device = device.id
        identity = device.identity
        self.folder = folder
        let correctlyRounded = device.singleFloatConfig & cl_device_fp_config(CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0
        baseOptions = "-cl-std=CL1.2" + (correctlyRounded ? " -cl-fp32-correctly-rounded-divide-sqrt" : "")
    }

    deinit {
        kernels.values.forEach { clReleaseKernel($0) }
        programs.values.forEach { clReleaseProgram($0) }
    }

    /// The kernel `name` of `program` built with the extra `options` (`-D` defines).
    func kernel(_ program: KernelProgram, _ name: String, options: String) throws -> cl_kernel {
        let programKey = Self.programKey(program, options: options)
        if let kernel = kernels[programKey + "#" + name] { return kernel }
        let built = try programs[programKey] ?? build(program, options: options, key: programKey)
        var status: cl_int = 0
        guard let kernel = clCreateKernel(built, name, &status), status == CL_SUCCESS else {
            throw DeepBayesError.deviceFailure(call: "clCreateKernel(\(name))", code: OpenCLStatus.name(status))
        }
        kernels[programKey + "#" + name] = kernel
        return kernel
    }

    /// How `program` with `options` was obtained, or nil when it has not been built.
    func origin(of program: KernelProgram, options: String = "") -> Origin? {
        origins[Self.programKey(program, options: options)]
    }

    /// The in-process key of a program build: `<program>.cl` and its extra options.
    private static func programKey(_ program: KernelProgram, options: String) -> String {
        program.rawValue + ".cl" + (options.isEmpty ? "" : " " + options)
    }

    /// The program from the cache folder's binary when that loads, else compiled from source
    /// (and its binary written to the folder); records which in `origins`.
    private func build(_ program: KernelProgram, options: String, key: String) throws -> cl_program {
        let sources = try program.files.map(KernelSources.source)
        let fullOptions = baseOptions + " " + options
        let binaryKey = ProgramBinaryFile.key(identity: identity, options: fullOptions, source: sources.joined())
        let fileName = DeviceCacheFolder.fileName(prefix: "program", key: binaryKey, suffix: "bin")
        let built: cl_program
        if let binary = folder?.read(fileName, maximumBytes: ProgramBinaryFile.maximumBytes)
            .flatMap({ ProgramBinaryFile.binary(in: $0, key: binaryKey) }),
            let loaded = load(binary, options: fullOptions) {
            built = loaded
            origins[key] = .binary
        } else {
            built = try compile(sources, options: fullOptions, key: key)
            origins[key] = .source
            if let folder, let binary = binary(of: built) {
                let contents = ProgramBinaryFile.contents(key: binaryKey, binary: binary)
                if contents.count <= ProgramBinaryFile.maximumBytes { folder.write(contents, as: fileName) }
            }
        }
        programs[key] = built
        return built
    }

    /// Compiles `sources` (concatenated in order); a compile error throws
    /// `OpenCLError.kernelBuildFailed` with the log.
    private func compile(_ sources: [String], options: String, key: String) throws -> cl_program {
        var pointers = sources.map { UnsafePointer<CChar>(strdup($0)) }
        defer { pointers.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
        var status: cl_int = 0
        guard let built = clCreateProgramWithSource(context, cl_uint(sources.count), &pointers, nil, &status), status == CL_SUCCESS else {
            throw DeepBayesError.deviceFailure(call: "clCreateProgramWithSource", code: OpenCLStatus.name(status))
        }
        var device: cl_device_id? = self.device
        status = clBuildProgram(built, 1, &device, options, nil, nil)
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
        return built
    }

    /// The program made from a cached `binary` and built with `options`, or nil when the
    /// driver refuses the binary or the build.
    private func load(_ binary: Data, options: String) -> cl_program? {
        var device: cl_device_id? = self.device
        var length = binary.count
        var binaryStatus: cl_int = 0, status: cl_int = 0
        let program = binary.withUnsafeBytes { bytes -> cl_program? in
            var pointer: UnsafePointer<UInt8>? = bytes.bindMemory(to: UInt8.self).baseAddress
            return clCreateProgramWithBinary(context, 1, &device, &length, &pointer, &binaryStatus, &status)
        }
        guard let program else { return nil }
        guard status == CL_SUCCESS, binaryStatus == CL_SUCCESS, clBuildProgram(program, 1, &device, options, nil, nil) == CL_SUCCESS else {
            clReleaseProgram(program)
            return nil
        }
        return program
    }

    /// The device binary of the built `program` (`CL_PROGRAM_BINARY_SIZES`, `CL_PROGRAM_BINARIES`
    /// for its one device), or nil when the driver gives none.
    private func binary(of program: cl_program) -> Data? {
        var size = 0
        guard clGetProgramInfo(program, cl_program_info(CL_PROGRAM_BINARY_SIZES), MemoryLayout<Int>.size, &size, nil) == CL_SUCCESS,
              size > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: size)
        let status = bytes.withUnsafeMutableBufferPointer { buffer -> cl_int in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return clGetProgramInfo(program, cl_program_info(CL_PROGRAM_BINARIES), MemoryLayout<UnsafeMutablePointer<UInt8>?>.size, &pointer, nil)
        }
        return status == CL_SUCCESS ? Data(bytes) : nil
    }
}
