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

/// The tolerances the suites state, in one place.
public enum Tolerance {
    /// Elementwise arithmetic: a few ulps.
    public static let elementwise = 1e-6
    /// Transcendental functions, whose libm implementations differ by a few ulps between backends.
    public static let transcendental = 4e-6
    /// A result that sums `length` products or terms: `1e-6 · √length`, at least `transcendental`.
    public static func reduction(_ length: Int) -> Double { max(transcendental, 1e-6 * Double(length).squareRoot()) }
}

/// Normalized error of `got` against `want`: `max |got - want| / max(1, max |want|)`.
/// NaNs count as infinite error unless both sides are NaN.
public func normalizedError(_ got: [Float], _ want: [Double]) -> Double {
    precondition(got.count == want.count, "result has \(got.count) values, reference \(want.count)")
    var worst = 0.0, scale = 1.0
    for (g, w) in zip(got, want) {
        if w.isNaN && g.isNaN { continue }
        if w.isNaN != g.isNaN { return .infinity }
        worst = max(worst, abs(Double(g) - w))
        scale = max(scale, abs(w))
    }
    return worst / scale
}
