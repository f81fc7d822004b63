import Foundation

/// Numerically stable scalar functions shared by the CPU kernels. Each is written once here
/// and used by every kernel that needs it.
enum ScalarMath {
    /// `½ log 2π`, the normalizer of a standard normal log-density.
    static let logSqrtTwoPi = Float(0.5 * Foundation.log(2 * Double.pi))

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
