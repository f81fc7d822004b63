import DeepBayesCore

/// One kernel on one set of inputs: how to run it on a backend, and what the scalar reference
/// says the result is. Multi-output kernels return their outputs concatenated.
///
/// `tolerance` bounds `max |got - want| / max(1, max |want|)`: a few float ulps for
/// elementwise kernels, scaled by √(reduction length) for sums, dot products and convolutions
/// (`Tolerance.reduction`).
public struct KernelCase: CustomStringConvertible, @unchecked Sendable {
    public let name: String
    public let tolerance: Double
    public let run: (any Backend) throws -> [Float]
    public let reference: () -> [Double]

    public init(name: String, tolerance: Double, run: @escaping (any Backend) throws -> [Float], reference: @escaping () -> [Double]) {
        self.name = name
        self.tolerance = tolerance
        self.run = run
        self.reference = reference
    }

    public var description: String { name }
}
