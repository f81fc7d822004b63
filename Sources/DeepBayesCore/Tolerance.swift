
/// The tolerances by which two float results of one kernel may differ, in one place: the
/// conformance kit states its cases with them, and the OpenCL GEMM tuner accepts a candidate
/// kernel only within them.
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
