import DeepBayesCore

/// Updates trainable parameters from their gathered gradients with a fused device kernel,
/// then clears the gradients. Parameters without a gradient (unused in the step) are skipped.
public protocol Optimizer: AnyObject {
    /// One update of every trainable parameter in `parameters` that has a gradient.
    func step(_ parameters: [Parameter]) throws
}

/// Shared bookkeeping of the optimizers: optional clipping, then one update per parameter.
extension Optimizer {
    func update(_ parameters: [Parameter], clipNorm: Float?, _ body: (Parameter, Tensor) throws -> Void) throws {
        let live = parameters.filter { $0.isTrainable && $0.gradient != nil }
        if let clipNorm { try GradientClipping.clip(live, maxNorm: clipNorm) }
        for parameter in live {
            try body(parameter, parameter.gradient!)
            parameter.gradient = nil
        }
    }
}

/// State tensors an optimizer keeps per parameter, made on the parameter's backend on first use.
final class OptimizerState {
    private var slots: [ObjectIdentifier: [Tensor]] = [:]

    func tensors(for parameter: Parameter, count: Int) throws -> [Tensor] {
        let id = ObjectIdentifier(parameter)
        if let existing = slots[id], existing.first?.shape == parameter.shape { return existing }
        let fresh = try (0..<count).map { _ in try parameter.value.backend.zeros(parameter.shape) }
        slots[id] = fresh
        return fresh
    }

    /// The tensors kept for `parameter`, if it has been updated.
    func existing(for parameter: Parameter) -> [Tensor]? { slots[ObjectIdentifier(parameter)] }

    /// Replaces the tensors kept for `parameter` (a resumed run's).
    func set(_ tensors: [Tensor], for parameter: Parameter) { slots[ObjectIdentifier(parameter)] = tensors }
}
