/// The recurrent cells: how a state `h` (and an LSTM's cell `c`) is carried from one step of
/// a sequence to the next. The formulas are on `FusedDefaults.lstmCell` and `.gruCell`.
public enum RecurrentCell: String, Sendable, CaseIterable, Codable {
    /// Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et
    /// al. 2000): gates i, f, g, o from one `[F, 4H]` input matrix, one `[H, 4H]` recurrent
    /// matrix and one bias; the forget gate's bias starts at 1 so that early gradients flow.
    case lstm
    /// Gated recurrent unit (Cho et al. 2014): gates r, z, n from one `[F, 3H]` input matrix
    /// and one `[H, 3H]` recurrent matrix, each with its own bias (the reset gate scales the
    /// recurrent part of `n`, bias included, as cuDNN and PyTorch do).
    case gru

    /// The gate blocks of `H` columns the input and recurrent products have: 4 or 3.
    public var gateCount: Int { self == .lstm ? 4 : 3 }

    /// Whether the cell has a second bias for the recurrent product (the GRU).
    var hasRecurrentBias: Bool { self == .gru }
}
