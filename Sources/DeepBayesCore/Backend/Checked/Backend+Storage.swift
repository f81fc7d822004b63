/// Making tensors, and the only ways values cross between host and device.
extension Backend {
    /// A tensor made from host values; throws if the count does not match the shape or the
    /// tensor cannot fit in one allocation on this device.
    public func tensor(_ values: [Float], shape: Shape) throws -> Tensor {
        guard values.count == shape.count else {
            throw DeepBayesError.shapeMismatch(operation: "tensor", reason: "\(values.count) values for shape \(shape)")
        }
        try capabilities.checkAllocation(floats: shape.count, on: name)
        return try _upload(values, shape: shape)
    }

    /// A tensor of `shape` with every element equal to `value`.
    public func filled(_ shape: Shape, value: Float) throws -> Tensor {
        try capabilities.checkAllocation(floats: shape.count, on: name)
        return try _filled(shape, value: value)
    }

    /// A tensor of zeros.
    public func zeros(_ shape: Shape) throws -> Tensor { try filled(shape, value: 0) }

    /// The tensor's values, row-major. Blocks until pending work on the tensor is done.
    public func download(_ tensor: Tensor) throws -> [Float] {
        try checkOwnership("download", tensor)
        return try _download(tensor)
    }

    /// An independent copy of `tensor` on this backend.
    public func copy(_ tensor: Tensor) throws -> Tensor {
        try checkOwnership("copy", tensor)
        return try _copy(tensor)
    }

    /// Overwrites `destination` with the values of `source` (equal element counts), in place.
    public func assign(_ destination: Tensor, from source: Tensor) throws {
        try checkOwnership("assign", destination, source)
        guard destination.count == source.count else {
            throw DeepBayesError.shapeMismatch(operation: "assign", reason: "source \(source.shape) and destination \(destination.shape) differ in size")
        }
        try _assign(destination, from: source)
    }
}
