/// How a run with a validation split chooses its epoch: after every epoch the model is
/// evaluated on the held-out images, and the weights of the epoch with the best `metric` so far
/// are kept as `best.safetensors` (a tie keeps the earlier epoch). The test set plays no part.
public struct ModelSelection: Sendable {
    /// The metrics line's key the choice is made on.
    public let metric: String
    /// Whether a smaller value is better.
    public let lowerIsBetter: Bool

    /// Classifiers: `validation_error`; the VAE: `validation_nelbo`; GANs: `validation_frechet_distance`.
    public static func of(_ kind: ModelKind) -> ModelSelection {
        switch kind {
        case .bnn, .mcdropout, .mlp: return ModelSelection(metric: "validation_error", lowerIsBetter: true)
        case .vae: return ModelSelection(metric: "validation_nelbo", lowerIsBetter: true)
        case .gan: return ModelSelection(metric: "validation_frechet_distance", lowerIsBetter: true)
        }
    }

    /// The key a test metric takes when it is measured on the validation images instead:
    /// `test_error` → `validation_error`, `frechet_distance` → `validation_frechet_distance`.
    public static func validationKey(_ key: String) -> String {
        key.hasPrefix("test_") ? "validation_" + key.dropFirst("test_".count) : "validation_" + key
    }

    /// Whether `value` beats `best` (always, when there is none yet; never, when it is NaN).
    public func improves(_ value: Double, on best: Double?) -> Bool {
        guard !value.isNaN else { return false }
        guard let best else { return true }
        return lowerIsBetter ? value < best : value > best
    }
}
