import DeepBayesCore

extension OpenBLASBackend {
    /// The values of a tensor this backend made; a tensor around any other storage throws
    /// `foreignStorage` (ownership itself was checked by the public entry points).
    func values(_ tensor: Tensor) throws -> [Float] { try storage(of: tensor, as: OpenBLASStorage.self).values }

    /// A tensor of `shape` around `values` (`values.count == shape.count`).
    func tensor(_ shape: Shape, _ values: [Float]) -> Tensor {
        Tensor(shape: shape, backend: self, storage: OpenBLASStorage(values))
    }

    public func _upload(_ values: [Float], shape: Shape) throws -> Tensor { tensor(shape, values) }

    public func _download(_ tensor: Tensor) throws -> [Float] { try values(tensor) }

    public func _filled(_ shape: Shape, value: Float) throws -> Tensor {
        tensor(shape, [Float](repeating: value, count: shape.count))
    }

    /// `destination[i] = source[i]`: the destination's storage takes the source's values
    /// (copy-on-write, so later kernels on either tensor never see each other's writes).
    public func _assign(_ destination: Tensor, from source: Tensor) throws {
        try storage(of: destination, as: OpenBLASStorage.self).values = try values(source)
    }

    /// Every kernel, `cblas_sgemm` included, has finished when it returns.
    public func synchronize() throws {}
}
