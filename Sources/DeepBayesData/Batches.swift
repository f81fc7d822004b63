import DeepBayesCore

/// The minibatches of one epoch over a dataset, in order or shuffled reproducibly.
///
/// Batch `b` holds items `order[b·batchSize ..< min((b+1)·batchSize, count)]`; the last batch
/// keeps what is left, so it may be smaller. With a `shuffleSeed`, `order` is a Fisher–Yates
/// permutation driven by Philox (`Batches.permutation`), a pure function of the seed, the epoch
/// and the dataset size: the same on every machine, and different from epoch to epoch.
public struct Batches: RandomAccessCollection, Sendable {
    /// How each batch's images are shaped.
    public enum Layout: Sendable {
        /// `[batch, rows · columns]`, for dense layers.
        case flat
        /// `[batch, 1, rows, columns]` (NCHW with one channel), for convolutions.
        case image
    }

    /// One minibatch in host memory.
    public struct Batch: Sendable {
        /// The pixels of the batch's images, one image after another (`imageShape`).
        public let images: [Float]
        /// The images' class indices (`labelShape`).
        public let labels: [Float]
        /// `[count, rows · columns]` or `[count, 1, rows, columns]`, as the layout asks.
        public let imageShape: Shape
        /// The dataset indices of the items, in batch order.
        public let indices: [Int]

        /// The number of items in the batch.
        public var count: Int { labels.count }
        /// `[count]`.
        public var labelShape: Shape { Shape([count]) }
    }

    /// The dataset being batched.
    public let dataset: Dataset
    /// The number of items per batch (the last one may have fewer).
    public let batchSize: Int
    /// The shape each batch's images take.
    public let layout: Layout
    /// The epoch's item order: a permutation of `0..<dataset.count` (the identity unshuffled).
    public let order: [Int]

    /// The batches of `dataset` for `epoch`, shuffled with `shuffleSeed` (in order if `nil`).
    /// Throws `invalidArgument` for a batch size below 1 or a negative epoch.
    public init(_ dataset: Dataset, batchSize: Int, shuffleSeed: UInt64? = nil, epoch: Int = 0, layout: Layout = .flat) throws {
        guard batchSize >= 1 else {
            throw DeepBayesError.invalidArgument(operation: "Batches", reason: "batch size must be at least 1, got \(batchSize)")
        }
        guard epoch >= 0 else {
            throw DeepBayesError.invalidArgument(operation: "Batches", reason: "epoch must not be negative, got \(epoch)")
        }
        self.dataset = dataset
        self.batchSize = batchSize
        self.layout = layout
        if let shuffleSeed {
            order = Batches.permutation(count: dataset.count, seed: shuffleSeed, epoch: epoch)
        } else {
            order = Array(0..<dataset.count)
        }
    }

    /// A uniformly random permutation of `0..<count`: Fisher–Yates where step `k` (swapping
    /// position `i = count - 1 - k` with `j ∈ 0...i`) reads Philox block `k` of stream
    /// `RandomPass(.shuffling, index: epoch)` under `seed` and takes `j = ⌊(w₁·2³² + w₀)·(i + 1) / 2⁶⁴⌋` from its
    /// first two words (bias below `count / 2⁶⁴`).
    public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        permutation(count: count, seed: seed, pass: RandomPass(.shuffling, index: UInt64(truncatingIfNeeded: epoch)))
    }

    /// The same Fisher–Yates permutation, drawn from the first stream of `pass`.
    public static func permutation(count: Int, seed: UInt64, pass: RandomPass) -> [Int] {
        var order = Array(0..<Swift.max(count, 0))
        let stream = pass.stream(draw: 0)
        var k: UInt64 = 0
        for i in order.indices.dropFirst().reversed() {
            let words = Philox.words(seed: seed, stream: stream, block: k)
            let random = UInt64(words[1]) << 32 | UInt64(words[0])
            let j = Int(random.multipliedFullWidth(by: UInt64(i + 1)).high)
            order.swapAt(i, j)
            k += 1
        }
        return order
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Self.count(items: dataset.count, batchSize: batchSize) }

    /// The number of batches of `batchSize` that `items` items make (the last one may be short).
    public static func count(items: Int, batchSize: Int) -> Int { (items + batchSize - 1) / batchSize }

    /// Batch number `position`.
    public subscript(position: Int) -> Batch {
        let indices = Array(order[(position * batchSize)..<Swift.min((position + 1) * batchSize, dataset.count)])
        let items = dataset.subset(indices)
        let shape: Shape = layout == .flat ? [indices.count, dataset.pixelsPerImage] : [indices.count, 1, dataset.rows, dataset.columns]
        return Batch(images: items.images, labels: items.labels, imageShape: shape, indices: indices)
    }
}
