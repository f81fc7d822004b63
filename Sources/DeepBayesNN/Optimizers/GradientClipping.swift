import DeepBayesCore

/// Global gradient-norm clipping, computed entirely on the device (no host read): with
/// `n = √(Σ_p ‖g_p‖²)`, every gradient is multiplied by `min(1, c / n)`, written as
/// `1 - relu(1 - c / (n + 1e-12))` so that it needs only elementwise kernels.
public enum GradientClipping {
    /// Scales the gradients of `parameters` so that their joint norm is at most `maxNorm`.
    public static func clip(_ parameters: [Parameter], maxNorm: Float) throws {
        guard maxNorm > 0, maxNorm.isFinite else {
            throw DeepBayesError.invalidArgument(operation: "GradientClipping", reason: "max norm \(maxNorm) must be positive and finite")
        }
        let gradients = parameters.compactMap(\.gradient)
        guard let backend = gradients.first?.backend else { return }
        let factor = try scaleFactor(norm: globalNorm(gradients, backend), maxNorm: maxNorm, backend)
        for parameter in parameters {
            guard let gradient = parameter.gradient else { continue }
            parameter.gradient = try backend.combine(.multiply, gradient, factor)
        }
    }

    /// `√(Σ ‖g‖²)` over all `gradients`, a scalar tensor.
    public static func globalNorm(_ gradients: [Tensor], _ backend: any Backend) throws -> Tensor {
        var total = try backend.zeros(.scalar)
        for gradient in gradients {
            total = try backend.combine(.add, total, backend.sum(backend.apply(.square, gradient), keepingAxis: nil))
        }
        return try backend.apply(.sqrt, total)
    }

    private static func scaleFactor(norm: Tensor, maxNorm: Float, _ backend: any Backend) throws -> Tensor {
        let ratio = try backend.combine(.divide, backend.filled(.scalar, value: maxNorm), backend.scaled(norm, by: 1, plus: 1e-12))
        return try backend.scaled(backend.apply(.relu, backend.scaled(ratio, by: -1, plus: 1)), by: -1, plus: 1)
    }
}
