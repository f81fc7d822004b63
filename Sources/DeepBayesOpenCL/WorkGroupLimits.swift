import COpenCL
import DeepBayesCore

/// The work-group limits a launch with an explicit local size must respect: the device's
/// `CL_DEVICE_MAX_WORK_GROUP_SIZE` and the compiled kernel's `CL_KERNEL_WORK_GROUP_SIZE`
/// (which registers and local memory can lower below the device's).
extension OpenCLBackend {
    /// Why a work-group of `items` work-items cannot run `kernel` on this device, naming the
    /// limit it exceeds, or nil when it fits. The device's limit is checked first, so `kernel`
    /// is only built when the device could run the group at all. Call with `lock` held.
    func workGroupOverflow(_ items: Int, kernel: @autoclosure () throws -> cl_kernel) throws -> String? {
        guard items <= device.maximumWorkGroupSize else {
            return "\(items) work-items exceed CL_DEVICE_MAX_WORK_GROUP_SIZE (\(device.maximumWorkGroupSize))"
        }
        let kernel = try kernel()
        var kernelLimit = runtime.kernelWorkGroupLimits[kernel] ?? 0
        if kernelLimit == 0 {
            try OpenCLStatus.check(clGetKernelWorkGroupInfo(kernel, device.id, cl_kernel_work_group_info(CL_KERNEL_WORK_GROUP_SIZE),
                                                            MemoryLayout<Int>.size, &kernelLimit, nil), "clGetKernelWorkGroupInfo")
            runtime.kernelWorkGroupLimits[kernel] = kernelLimit
        }
        guard items <= kernelLimit else {
            return "\(items) work-items exceed the kernel's CL_KERNEL_WORK_GROUP_SIZE (\(kernelLimit))"
        }
        return nil
    }

    /// The first of `tiles` whose `tile x tile` work-group fits the device and kernel `name`
    /// of `program` built with `options(tile)`; throws `invalidArgument` naming the limit
    /// when not even the last one fits.
    func fittingTile(_ program: KernelProgram, _ name: String, tiles: [Int], options: (Int) -> String) throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        var overflow = ""
        for tile in tiles {
            guard let reason = try workGroupOverflow(tile * tile, kernel: try programs.kernel(program, name, options: options(tile))) else {
                return tile
            }
            overflow = "\(tile)x\(tile): \(reason)"
        }
        throw DeepBayesError.invalidArgument(operation: name, reason: "no work-group tile fits this device; at \(overflow)")
    }
}
