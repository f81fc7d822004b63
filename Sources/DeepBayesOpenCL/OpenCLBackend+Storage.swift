import COpenCL
import DeepBayesCore

extension OpenCLBackend {
    /// The buffer of a tensor this backend made (ownership is checked by the callers).
    func buffer(_ tensor: Tensor) throws -> OpenCLBuffer { try storage(of: tensor, as: OpenCLBuffer.self) }

    /// An uninitialized device buffer of `count` floats from the runtime's pool, filled from
    /// `host` (a blocking write, ordered after earlier work on a reused buffer) when given.
    /// Throws `allocationTooLarge` when the device (or the testing limit) has no room for it.
    func makeBuffer(count: Int, from host: UnsafeRawPointer? = nil) throws -> OpenCLBuffer {
        let mem = try runtime.memory.take(count)
        let buffer = OpenCLBuffer(mem: mem, count: count, pool: runtime.memory)
        if let host, count > 0 {
            try OpenCLStatus.check(clEnqueueWriteBuffer(queue, mem, cl_bool(CL_TRUE), 0, count * MemoryLayout<Float>.stride, host, 0, nil, nil),
                                   "clEnqueueWriteBuffer")
        }
        return buffer
    }

    /// A new uninitialized tensor of `shape`; the kernel that produces it fills every element.
    func makeTensor(_ shape: Shape) throws -> (Tensor, OpenCLBuffer) {
        let storage = try makeBuffer(count: shape.count)
        return (Tensor(shape: shape, backend: self, storage: storage), storage)
    }

    /// Wraps a buffer as a tensor of `shape`.
    func wrap(_ storage: OpenCLBuffer, _ shape: Shape) -> Tensor { Tensor(shape: shape, backend: self, storage: storage) }

    /// A new tensor holding `values`, written to the device with a blocking `clEnqueueWriteBuffer`.
    public func _upload(_ values: [Float], shape: Shape) throws -> Tensor {
        let storage = try values.withUnsafeBytes { try makeBuffer(count: shape.count, from: $0.baseAddress) }
        return wrap(storage, shape)
    }

    /// Fills a new tensor with `clEnqueueFillBuffer` (asynchronous).
    public func _filled(_ shape: Shape, value: Float) throws -> Tensor {
        let (tensor, storage) = try makeTensor(shape)
        try fill(storage, value: value)
        return tensor
    }

    /// Sets every float of `buffer` to `value` with `clEnqueueFillBuffer` (asynchronous).
    func fill(_ buffer: OpenCLBuffer, value: Float) throws {
        guard buffer.count > 0 else { return }
        var pattern = value
        try OpenCLStatus.check(clEnqueueFillBuffer(queue, buffer.mem, &pattern, MemoryLayout<Float>.size, 0,
                                                   buffer.count * MemoryLayout<Float>.stride, 0, nil, nil), "clEnqueueFillBuffer")
    }

    /// Reads the tensor with a blocking `clEnqueueReadBuffer`, after all work queued before it.
    public func _download(_ tensor: Tensor) throws -> [Float] {
        let mem = try buffer(tensor).mem
        var values = [Float](repeating: 0, count: tensor.count)
        let status = values.withUnsafeMutableBytes {
            clEnqueueReadBuffer(queue, mem, cl_bool(CL_TRUE), 0, $0.count, $0.baseAddress, 0, nil, nil)
        }
        try OpenCLStatus.check(status, "clEnqueueReadBuffer")
        return values
    }

    /// Waits for the queue to drain with `clFinish`.
    public func synchronize() throws {
        try OpenCLStatus.check(clFinish(queue), "clFinish")
    }

    /// A new tensor with the values of `tensor`, copied on the device.
    public func _copy(_ tensor: Tensor) throws -> Tensor {
        let (result, storage) = try makeTensor(tensor.shape)
        try copy(try buffer(tensor), into: storage)
        return result
    }

    /// `destination[i] = source[i]`, in the destination's existing buffer, on the device.
    public func _assign(_ destination: Tensor, from source: Tensor) throws {
        try copy(try buffer(source), into: try buffer(destination))
    }

    /// Enqueues `clEnqueueCopyBuffer` of all of `source` into `destination` (asynchronous;
    /// `destination` holds at least as many floats). A buffer onto itself copies nothing.
    private func copy(_ source: OpenCLBuffer, into destination: OpenCLBuffer) throws {
        guard source !== destination else { return }
        try OpenCLStatus.check(clEnqueueCopyBuffer(queue, source.mem, destination.mem, 0, 0,
                                                   source.count * MemoryLayout<Float>.stride, 0, nil, nil), "clEnqueueCopyBuffer")
    }
}
