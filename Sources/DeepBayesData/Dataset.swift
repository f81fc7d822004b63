import DeepBayesCore

/// Labelled images in host memory: what `Batches` cuts into minibatches.
///
/// Uploading is the caller's business: `backend.tensor(batch.images, shape: batch.imageShape)`.
public struct Dataset: Sendable {
    /// The pixels, `count · rows · columns` of them in [0, 1] (byte / 255, 0 = background):
    /// image after image, each row-major.
    public let images: [Float]
    /// One class index per image, as a `Float` (the form `crossEntropy(logits:labels:)` takes).
    public let labels: [Float]
    /// The number of images (and of labels).
    public let count: Int
    /// The height of every image.
    public let rows: Int
    /// The width of every image.
    public let columns: Int

    /// The number of pixels in one image, `rows · columns`.
    public var pixelsPerImage: Int { rows * columns }

    /// A dataset of `labels.count` images of `rows`x`columns` pixels; throws
    /// `invalidArgument` unless `images` holds exactly that many pixels and the sizes are positive.
    public init(images: [Float], labels: [Float], rows: Int, columns: Int) throws {
        guard rows > 0, columns > 0 else {
            throw DeepBayesError.invalidArgument(operation: "Dataset", reason: "image size must be positive, got \(rows)x\(columns)")
        }
        guard images.count == labels.count * rows * columns else {
            throw DeepBayesError.invalidArgument(operation: "Dataset", reason: "\(labels.count) labels need \(labels.count * rows * columns) pixels of \(rows)x\(columns) images, got \(images.count)")
        }
        self.init(checked: images, labels: labels, rows: rows, columns: columns)
    }

    /// A dataset whose sizes the caller has already checked.
    private init(checked images: [Float], labels: [Float], rows: Int, columns: Int) {
        self.images = images
        self.labels = labels
        self.count = labels.count
        self.rows = rows
        self.columns = columns
    }

    /// The items at `indices` (each in `0..<count`), in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        let pixels = pixelsPerImage
        var selected = [Float]()
        selected.reserveCapacity(indices.count * pixels)
        for index in indices { selected += images[(index * pixels)..<((index + 1) * pixels)] }
        return Dataset(checked: selected, labels: indices.map { labels[$0] }, rows: rows, columns: columns)
    }

    /// The first `maxCount` items (all of them if there are fewer), as `--train-limit` asks.
    public func prefix(_ maxCount: Int) -> Dataset {
        let kept = min(max(maxCount, 0), count)
        guard kept < count else { return self }
        return Dataset(checked: Array(images[..<(kept * pixelsPerImage)]), labels: Array(labels[..<kept]),
                       rows: rows, columns: columns)
    }
}
