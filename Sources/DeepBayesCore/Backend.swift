/// A compute device: it owns tensors and runs every kernel DeepBayes needs.
///
/// The requirements are grouped by kernel family, one protocol each. Every family pairs the
/// requirements a backend implements (they receive operands already validated: shapes
/// checked, all tensors owned by this backend, geometry worked out) with a public, checked
/// entry point in an extension that layers and models call. A new backend implements the
/// requirements, registers a factory in `BackendRegistry`, and passes the conformance suite.
///
/// Numerics are `Float` throughout. Results may differ between backends only by summation
/// order; `Tests/DeepBayesTests` states the tolerance for each kernel.
public protocol Backend: TensorStorageKernels, MatmulKernels, ConvolutionKernels, ElementwiseKernels,
    ReductionKernels, LossKernels, RandomKernels, BayesianKernels, OptimizerKernels {}

/// Memory: making tensors, and the only ways values cross between host and device.
public protocol TensorStorageKernels: AnyObject {
    /// The registry name of the backend kind (`cpu`, `opencl`).
    var name: String { get }
    /// A human-readable description of the device in use.
    var deviceDescription: String { get }

    /// A tensor holding `values` (row-major); `values.count == shape.count` is checked by the caller.
    func upload(_ values: [Float], shape: Shape) throws -> Tensor
    /// A tensor of `shape` with every element equal to `value`.
    func filled(_ shape: Shape, value: Float) throws -> Tensor
    /// The tensor's values, row-major. Blocks until pending work on the tensor is done.
    func download(_ tensor: Tensor) throws -> [Float]
    /// An independent copy of `tensor` on this backend.
    func copy(_ tensor: Tensor) throws -> Tensor
    /// Blocks until every kernel enqueued so far has finished (benchmarks time with it).
    func synchronize() throws
}

extension TensorStorageKernels {
    /// A tensor made from host values; throws if the count does not match the shape.
    public func tensor(_ values: [Float], shape: Shape) throws -> Tensor {
        guard values.count == shape.count else {
            throw DeepBayesError.shapeMismatch(operation: "tensor", reason: "\(values.count) values for shape \(shape)")
        }
        return try upload(values, shape: shape)
    }

    /// A tensor of zeros.
    public func zeros(_ shape: Shape) throws -> Tensor { try filled(shape, value: 0) }

    /// Throws `backendMismatch` unless every tensor lives on this backend.
    public func checkOwnership(_ operation: String, _ tensors: Tensor...) throws {
        for tensor in tensors where tensor.backend !== self {
            throw DeepBayesError.backendMismatch(operation: operation, expected: name, found: tensor.backend.name)
        }
    }
}

/// Throws `shapeMismatch` unless `tensor` has exactly `shape`.
@inlinable
public func requireShape(_ tensor: Tensor, _ shape: Shape, _ operation: String, _ role: String) throws {
    guard tensor.shape == shape else {
        throw DeepBayesError.shapeMismatch(operation: operation, reason: "\(role) has shape \(tensor.shape), expected \(shape)")
    }
}
