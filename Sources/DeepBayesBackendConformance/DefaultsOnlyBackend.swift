import DeepBayesCore

/// Another backend's primitives with every fused kernel left to `FusedDefaults`: the kit runs
/// the kernel cases on it to prove that the defaults compute what the native kernels compute,
/// on the same device.
///
/// Its tensors share storage with the wrapped backend's (no copies); they belong to the
/// wrapper, so mixing them with the wrapped backend's own tensors is the usual
/// `backendMismatch` error. `observeDraw`, when set, sees the stream of every random draw.
public final class DefaultsOnlyBackend: Backend {
    public let wrapped: any Backend
    /// Called with every stream `_randomUniform` and `_randomNormal` draw from.
    public var observeDraw: ((RandomStream) -> Void)?

    public init(_ wrapped: any Backend) { self.wrapped = wrapped }

    public var name: String { wrapped.name + "+defaults" }
    public var deviceDescription: String { wrapped.deviceDescription + ", fused kernels by their defaults" }
    public var capabilities: BackendCapabilities {
        var capabilities = wrapped.capabilities
        capabilities.nativeKernels = []
        return capabilities
    }

    /// The wrapped backend's view of one of this backend's tensors.
    private func inner(_ tensor: Tensor) throws -> Tensor {
        try checkOwnership("defaults", tensor)
        return Tensor(shape: tensor.shape, backend: wrapped, storage: tensor.storage)
    }

    /// This backend's view of one of the wrapped backend's results.
    private func outer(_ tensor: Tensor) -> Tensor { Tensor(shape: tensor.shape, backend: self, storage: tensor.storage) }

    public func _upload(_ values: [Float], shape: Shape) throws -> Tensor { outer(try wrapped._upload(values, shape: shape)) }
    public func _download(_ tensor: Tensor) throws -> [Float] { try wrapped._download(inner(tensor)) }
    public func _filled(_ shape: Shape, value: Float) throws -> Tensor { outer(try wrapped._filled(shape, value: value)) }
    public func _assign(_ destination: Tensor, from source: Tensor) throws { try wrapped._assign(inner(destination), from: inner(source)) }
    public func synchronize() throws { try wrapped.synchronize() }

    public func _matmul(_ a: Tensor, _ b: Tensor, geometry: MatmulGeometry) throws -> Tensor {
        outer(try wrapped._matmul(inner(a), inner(b), geometry: geometry))
    }
    public func _conv2d(_ input: Tensor, _ filter: Tensor, geometry: Conv2DGeometry) throws -> Tensor {
        outer(try wrapped._conv2d(inner(input), inner(filter), geometry: geometry))
    }
    public func _conv2dBackwardData(_ gradOutput: Tensor, _ filter: Tensor, geometry: Conv2DGeometry) throws -> Tensor {
        outer(try wrapped._conv2dBackwardData(inner(gradOutput), inner(filter), geometry: geometry))
    }
    public func _conv2dBackwardFilter(_ input: Tensor, _ gradOutput: Tensor, geometry: Conv2DGeometry) throws -> Tensor {
        outer(try wrapped._conv2dBackwardFilter(inner(input), inner(gradOutput), geometry: geometry))
    }
    public func _unary(_ op: UnaryOp, _ x: Tensor) throws -> Tensor { outer(try wrapped._unary(op, inner(x))) }
    public func _binary(_ op: BinaryOp, _ x: Tensor, _ y: Tensor, broadcast: Broadcast) throws -> Tensor {
        outer(try wrapped._binary(op, inner(x), inner(y), broadcast: broadcast))
    }
    public func _sumBroadcast(_ x: Tensor, broadcast: Broadcast) throws -> Tensor {
        outer(try wrapped._sumBroadcast(inner(x), broadcast: broadcast))
    }
    public func _rowMaximum(_ x: Tensor, columns: Int) throws -> Tensor { outer(try wrapped._rowMaximum(inner(x), columns: columns)) }
    public func _randomUniform(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        observeDraw?(random)
        return outer(try wrapped._randomUniform(shape, random))
    }
    public func _randomNormal(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        observeDraw?(random)
        return outer(try wrapped._randomNormal(shape, random))
    }
}
