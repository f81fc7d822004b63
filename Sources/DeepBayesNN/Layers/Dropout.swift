import DeepBayesCore

/// Inverted dropout: while training, zeroes each element with probability `p` and scales the
/// rest by `1/(1-p)`; at inference it is the identity, unless `monteCarlo` keeps it on so that
/// T passes sample T sub-networks (MC dropout, Gal & Ghahramani 2016).
public final class Dropout: Layer {
    public let dropProbability: Float
    public let monteCarlo: Bool

    /// Throws unless `0 <= dropProbability < 1`.
    public init(_ dropProbability: Float, monteCarlo: Bool = false) throws {
        guard dropProbability >= 0, dropProbability < 1 else {
            throw DeepBayesError.invalidArgument(operation: "Dropout", reason: "drop probability \(dropProbability) must lie in [0, 1)")
        }
        self.dropProbability = dropProbability
        self.monteCarlo = monteCarlo
    }

    public func callAsFunction(_ input: Variable, _ context: ForwardContext) throws -> Variable {
        guard context.mode == .training || monteCarlo, dropProbability > 0 else { return input }
        let random = context.nextRandomStream()
        let mask = try context.backend.dropoutMask(input.shape, dropProbability: dropProbability, random)
        return try context.tape.multiply(input, context.tape.constant(mask))
    }

    public var namedParameters: [NamedParameter] { [] }
}
