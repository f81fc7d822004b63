/// A handle to an array of `Float` that lives on one backend.
///
/// The storage is owned by the backend that made the tensor and is freed when the last
/// handle goes. Reading values to the host happens only through `toArray()` / `scalar()`.
/// Kernels return new tensors, except the optimizer updates, which change their operands in
/// place.
public final class Tensor: CustomStringConvertible {
    /// The dimensions of the tensor.
    public let shape: Shape
    /// The backend that owns `storage`.
    public let backend: any Backend
    /// The backend's buffer; only `backend` knows its concrete type.
    public let storage: AnyObject

    /// Wraps a buffer made by `backend`. Backends call this; users ask a backend for tensors.
    public init(shape: Shape, backend: any Backend, storage: AnyObject) {
        self.shape = shape
        self.backend = backend
        self.storage = storage
    }

    /// The number of elements.
    public var count: Int { shape.count }

    /// The same storage seen with another shape of the same element count (no copy).
    public func reshaped(_ newShape: Shape) throws -> Tensor {
        guard newShape.count == shape.count else {
            throw DeepBayesError.shapeMismatch(operation: "reshape", reason: "cannot view \(shape) as \(newShape)")
        }
        return Tensor(shape: newShape, backend: backend, storage: storage)
    }

    /// Copies the values to the host, row-major.
    public func toArray() throws -> [Float] { try backend.download(self) }

    /// The single value of a one-element tensor.
    public func scalar() throws -> Float {
        guard count == 1 else {
            throw DeepBayesError.shapeMismatch(operation: "scalar", reason: "tensor of shape \(shape) has \(count) elements")
        }
        return try toArray()[0]
    }

    public var description: String { "Tensor(\(shape) on \(backend.name))" }
}
