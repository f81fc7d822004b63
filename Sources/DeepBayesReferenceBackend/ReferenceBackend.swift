import DeepBayesCore
import Foundation

/// The reference backend: the fifteen primitives of `BackendPrimitives` in plain scalar Swift
/// (no SIMD, no threads, no caches) and nothing else, so every fused kernel runs as its
/// `FusedDefaults` composition.
///
/// It is the oracle of the conformance kit and the template for a new backend: copy this
/// target, replace each loop with your device's kernel, and run the kit. Read the files in
/// this order: storage (this file), `+Products`, `+Elementwise`, `+Reductions`, `+Random`.
public final class ReferenceBackend: Backend {
    public let name = "reference"
    public var deviceDescription: String { "scalar Swift on one host thread" }

    public init() {}

    /// The registry entry for `--device reference`.
    public static let factory = BackendFactory(
        name: "reference",
        summary: "plain scalar Swift, primitives only: the conformance oracle (slow)",
        make: { index in
            guard index == nil || index == 0 else {
                throw DeepBayesError.unknownBackend(name: "reference:\(index!)", available: ["reference"])
            }
            return ReferenceBackend()
        },
        devices: { [DeviceInfo(selector: "reference", name: "host CPU, one thread", capabilities: ReferenceBackend().capabilities)] })

    /// A host device with no native fused kernels.
    public var capabilities: BackendCapabilities { BackendCapabilities(deviceKind: .cpu, computeUnits: 1) }

    // MARK: Storage

    /// The values of a tensor this backend made.
    func values(_ tensor: Tensor) throws -> [Float] { try storage(of: tensor, as: ReferenceStorage.self).values }

    /// A tensor of `shape` around `values`.
    func tensor(_ shape: Shape, _ values: [Float]) -> Tensor {
        Tensor(shape: shape, backend: self, storage: ReferenceStorage(values))
    }

    public func _upload(_ values: [Float], shape: Shape) throws -> Tensor { tensor(shape, values) }

    public func _download(_ tensor: Tensor) throws -> [Float] { try values(tensor) }

    public func _filled(_ shape: Shape, value: Float) throws -> Tensor {
        tensor(shape, [Float](repeating: value, count: shape.count))
    }

    public func _assign(_ destination: Tensor, from source: Tensor) throws {
        try storage(of: destination, as: ReferenceStorage.self).values = try values(source)
    }

    /// Every kernel has finished when it returns.
    public func synchronize() throws {}
}

/// The storage of a reference tensor: a Swift array, replaced in place only by `_assign`.
final class ReferenceStorage {
    var values: [Float]

    init(_ values: [Float]) { self.values = values }
}
