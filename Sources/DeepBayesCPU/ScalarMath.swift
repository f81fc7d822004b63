import Foundation

/// Numerically stable scalar functions shared by the CPU kernels. Each is written once here
/// and used by every kernel that needs it.
enum ScalarMath {
    /// `½ log 2π`, the normalizer of a standard normal log-density.
    static let logSqrtTwoPi = Float(0.5 * Foundation.log(2 * Double.pi))

    /// `log(1 + eˣ)` as `max(x, 0) + log1p(e^{-|x|})`: no overflow for large `x`, no loss of
    /// the tiny positive result for very negative `x` (≈ `eˣ`, until `eˣ` underflows near -104).
    @inline(__always)
    static func softplus(_ x: Float) -> Float {
        max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x)))
    }

    /// `log(softplus(x))`, finite for every finite `x`: below -15 it is `x` itself
    /// (the relative error of that is under `e^x / 2 / |x|` < 1e-8), so a scale `σ = softplus(ρ)`
    /// that underflows for `ρ` near -104 still has a finite `log σ`.
    @inline(__always)
    static func logSoftplus(_ x: Float) -> Float {
        x < -15 ? x : Foundation.log(softplus(x))
    }

    /// `1 / (1 + e^{-x})` from `e^{-|x|}`, which never overflows; NaN for NaN.
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        let e = Foundation.exp(-abs(x))
        return x >= 0 ? 1 / (1 + e) : e / (1 + e)
    }

    /// `log(eᵃ + eᵇ)` as `max(a, b) + log1p(e^{-|a - b|})`: finite whenever either term is.
    @inline(__always)
    static func logAddExp(_ a: Float, _ b: Float) -> Float {
        let high = max(a, b)
        guard high > -.infinity else { return -.infinity }
        return high + Foundation.log1p(Foundation.exp(-abs(a - b)))
    }

    /// `log Σ_k e^{x[k]}` over `count` consecutive values, as `m + log Σ e^{x[k] - m}` with `m`
    /// the maximum, so no term overflows and the largest contributes exactly 1. NaN inputs
    /// give NaN.
    static func logSumExp(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var high = -Float.infinity
        for k in 0..<count { high = max(high, x[k]) }
        var total: Float = 0
        for k in 0..<count { total += Foundation.exp(x[k] - high) }
        return high + Foundation.log(total)
    }
}
