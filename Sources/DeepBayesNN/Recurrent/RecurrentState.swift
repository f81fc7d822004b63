import DeepBayesCore

/// The state a recurrent layer carries between steps: `hidden` (`[B, H]`) and, for an LSTM,
/// `cell` (`[B, H]`).
public struct RecurrentState {
    public var hidden: Variable
    public var cell: Variable?

    public init(hidden: Variable, cell: Variable? = nil) {
        self.hidden = hidden
        self.cell = cell
    }

    /// All zeros: the state before a sequence's first step.
    public static func zeros(_ cell: RecurrentCell, batch: Int, units: Int, on tape: Tape) throws -> RecurrentState {
        let zeros = tape.constant(try tape.backend.zeros([batch, units]))
        return RecurrentState(hidden: zeros, cell: cell == .lstm ? zeros : nil)
    }

    /// The same values as constants, so that no gradient flows back past them: truncated
    /// backpropagation through time carries the state of one chunk into the next this way.
    public func detached(on tape: Tape) -> RecurrentState {
        RecurrentState(hidden: tape.constant(hidden.value), cell: cell.map { tape.constant($0.value) })
    }
}
