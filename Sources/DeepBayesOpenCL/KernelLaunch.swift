import COpenCL
import DeepBayesCore

/// One argument of a kernel, in the kernel's parameter order.
enum KernelArgument {
    /// A `__global float *`.
    case buffer(OpenCLBuffer)
    /// An `int` (sizes, op codes); must fit in 32 bits.
    case int(Int)
    /// A `float`.
    case float(Float)
    /// A `ulong` (seeds and streams).
    case ulong(UInt64)
}

extension OpenCLBackend {
    /// Sets `arguments` on kernel `name` of `program` and enqueues it over `global` work-items
    /// (rounded up to a multiple of `local` when given; kernels check their bounds). Returns
    /// without waiting: the in-order queue orders it after earlier work. A `local` work-group
    /// beyond the device's or the kernel's limit throws `invalidArgument` (see `workGroupOverflow`).
    func launch(_ program: KernelProgram, _ name: String, options: String = "", global: [Int], local: [Int]? = nil,
                _ arguments: [KernelArgument]) throws {
        lock.lock()
        defer { lock.unlock() }
        let kernel = try programs.kernel(program, name, options: options)
        if let local, let reason = try workGroupOverflow(local.reduce(1, *), kernel: kernel) {
            throw DeepBayesError.invalidArgument(operation: name, reason: "work-group \(local.map(String.init).joined(separator: "x")): \(reason)")
        }
        for (index, argument) in arguments.enumerated() {
            let status: cl_int
            switch argument {
            case let .buffer(buffer):
                var mem: cl_mem? = buffer.mem
                status = clSetKernelArg(kernel, cl_uint(index), MemoryLayout<cl_mem>.size, &mem)
            case let .int(value):
                guard var narrow = Int32(exactly: value) else {
                    throw DeepBayesError.invalidArgument(operation: name, reason: "size \(value) exceeds the 32-bit range of device kernels")
                }
                status = clSetKernelArg(kernel, cl_uint(index), MemoryLayout<Int32>.size, &narrow)
            case var .float(value):
                status = clSetKernelArg(kernel, cl_uint(index), MemoryLayout<Float>.size, &value)
            case var .ulong(value):
                status = clSetKernelArg(kernel, cl_uint(index), MemoryLayout<UInt64>.size, &value)
            }
            try OpenCLStatus.check(status, "clSetKernelArg(\(name), \(index))")
        }
        var globalSize = global
        var localSize = local ?? []
        if let local {
            globalSize = zip(global, local).map { ($0 + $1 - 1) / $1 * $1 }
        }
        let status = localSize.withUnsafeMutableBufferPointer { localPointer in
            clEnqueueNDRangeKernel(queue, kernel, cl_uint(globalSize.count), nil, &globalSize,
                                   local == nil ? nil : localPointer.baseAddress, 0, nil, nil)
        }
        try OpenCLStatus.check(status, "clEnqueueNDRangeKernel(\(name))")
    }
}

/// The work-items of a kernel that gives each work-item 16 consecutive elements of `count`
/// (the `load16` / `store16` kernels of `common.cl`).
func chunks(_ count: Int) -> Int { (count + 15) / 16 }
