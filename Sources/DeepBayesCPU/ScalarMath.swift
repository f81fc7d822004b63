import Foundation

/// Numerically stable scalar functions shared by the CPU kernels. Each is written once here
/// and used by every kernel that needs it.
enum ScalarMath {
    /// `½ log 2π`, the normalizer of a standard normal log-density.
    static let logSqrtTwoPi = Float(0.5 * Foundation.log(2 * Double.pi))
}
