import DeepBayesCore

/// The chunks of one epoch over encoded text for truncated backpropagation through time.
///
/// The `n` characters are cut into `streams` (B) contiguous streams of `L = ⌊n / B⌋`
/// characters, stream `b` being characters `[b·L, (b+1)·L)`; the last `n − B·L` characters are
/// dropped. Chunk `k` (of `count = ⌊(L − 1) / T⌋`, `T = length`) holds, for every stream `b`
/// and step `t < T`,
///
///     inputs[b, t]  = stream_b[k·T + t]
///     targets[b, t] = stream_b[k·T + t + 1]
///
/// so each target is the character after its input, and chunk `k` of stream `b` continues
/// chunk `k − 1` of that stream exactly where it stopped: a model carries its recurrent state
/// for row `b` from one chunk to the next. The last `L − 1 − count·T` characters of each stream
/// (fewer than `T`) are not read as inputs.
///
/// Indices are `Float`s (exact: a vocabulary has at most 127 characters), row-major `[B, T]`,
/// the form `Batches` gives class labels in: a caller uploads them as an index tensor or
/// expands them to one-hot rows without converting.
public struct SequenceBatches: RandomAccessCollection, Sendable {
    /// One chunk: B rows of T consecutive characters and their successors.
    public struct Chunk: Sendable {
        /// The input character indices, `[B, T]` row-major (stream `b`'s steps in row `b`).
        public let inputs: [Float]
        /// The target character indices: each input's next character, `[B, T]` row-major.
        public let targets: [Float]
        /// `[B, T]`.
        public let shape: Shape
    }

    /// The encoded characters being cut.
    public let encoded: [Int]
    /// B: the number of parallel streams (rows of every chunk).
    public let streams: Int
    /// T: the number of steps of every chunk.
    public let length: Int
    /// L: the characters in each stream.
    public let streamLength: Int

    /// The chunks of `encoded` with `streams` rows of `length` steps. `invalidArgument` if
    /// either is below 1 or the text is too short for one chunk (it needs
    /// `streams · (length + 1)` characters).
    public init(_ encoded: [Int], streams: Int, length: Int) throws {
        guard streams >= 1, length >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "sequence batches", reason: "streams and length must be at least 1, got \(streams) and \(length)")
        }
        // L ≥ T + 1, that is n ≥ B·(T + 1), without forming the product.
        guard encoded.count / streams > length else {
            throw DeepBayesError.invalidArgument(operation: "sequence batches",
                                                 reason: "\(encoded.count) characters cannot make one chunk of \(streams) streams of \(length) steps: that needs \(streams) x (\(length) + 1) characters")
        }
        self.encoded = encoded
        self.streams = streams
        self.length = length
        streamLength = encoded.count / streams
    }

    public var startIndex: Int { 0 }
    /// The number of chunks per epoch, `⌊(L − 1) / T⌋`.
    public var endIndex: Int { (streamLength - 1) / length }

    /// Chunk number `position`.
    public subscript(position: Int) -> Chunk {
        var inputs = [Float](repeating: 0, count: streams * length)
        var targets = inputs
        for stream in 0..<streams {
            let start = stream * streamLength + position * length
            for step in 0..<length {
                inputs[stream * length + step] = Float(encoded[start + step])
                targets[stream * length + step] = Float(encoded[start + step + 1])
            }
        }
        return Chunk(inputs: inputs, targets: targets, shape: [streams, length])
    }
}
