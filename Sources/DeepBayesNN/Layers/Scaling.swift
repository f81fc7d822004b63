import DeepBayesCore

/// Multiplies its input by a fixed factor, `y = factor · x`: how a classifier takes its pixels
/// on another scale than [0, 1] (Blundell et al. divide the bytes by 126, not 255, so that
/// pixels lie in [0, 255/126]). It has no parameters.
public final class Scaling: Layer {
    public let factor: Float

    /// Throws unless `factor` is a positive finite number.
    public init(_ factor: Float) throws {
        guard factor > 0, factor.isFinite else {
            throw DeepBayesError.invalidArgument(operation: "Scaling", reason: "factor \(factor) must be a positive finite number")
        }
        self.factor = factor
    }

    public func callAsFunction(_ input: Variable, _ context: ForwardContext) throws -> Variable {
        try context.tape.scaled(input, by: factor)
    }

    public var namedParameters: [NamedParameter] { [] }
}
