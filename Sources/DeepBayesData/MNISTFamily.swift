import DeepBayesCore
import Foundation

/// Loads MNIST and the datasets that share its files: Fashion-MNIST and any other set of
/// `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
/// `t10k-labels-idx1-ubyte` (each optionally `.gz`) with labels 0...9.
public enum MNISTFamily {
    /// The training or the test half of a dataset.
    public enum Split: String, CaseIterable, Sendable {
        case train
        case test

        /// The prefix of its file names: `train` or `t10k`.
        public var filePrefix: String { self == .train ? "train" : "t10k" }
    }

    /// The number of classes; labels lie in `0..<classCount`.
    public static let classCount = 10

    /// Reads `split` of the dataset in `directory` (see `DataDirectory.locate(_:)` for the
    /// shipped ones), checking both files and that they agree: the same number of images and
    /// labels, and every label in 0...9. Each problem throws `DeepBayesError.invalidFile`
    /// naming the file.
    public static func load(directory: URL, split: Split) throws -> Dataset {
        let imagesURL = try file(directory: directory, name: "\(split.filePrefix)-images-idx3-ubyte")
        let labelsURL = try file(directory: directory, name: "\(split.filePrefix)-labels-idx1-ubyte")
        let images = try IDXFile(contentsOf: imagesURL, expectedRank: 3)
        let labels = try IDXFile(contentsOf: labelsURL, expectedRank: 1)
        let count = images.dimensions[0]
        guard labels.dimensions[0] == count else {
            throw DeepBayesError.invalidFile(path: labelsURL.path, reason: "holds \(labels.dimensions[0]) labels but \(imagesURL.lastPathComponent) holds \(count) images")
        }
        if let index = labels.bytes.firstIndex(where: { Int($0) >= classCount }) {
            throw DeepBayesError.invalidFile(path: labelsURL.path, reason: "label \(labels.bytes[index]) of item \(index) is outside 0...\(classCount - 1)")
        }
        return try Dataset(images: images.bytes.map { Float($0) / 255 }, labels: labels.bytes.map { Float($0) },
                           rows: images.dimensions[1], columns: images.dimensions[2])
    }

    /// `directory/name.gz`, else `directory/name`; `invalidFile` ("no such file") if neither exists.
    static func file(directory: URL, name: String) throws -> URL {
        let compressed = directory.appendingPathComponent(name + ".gz"), plain = directory.appendingPathComponent(name)
        for url in [compressed, plain] where FileManager.default.fileExists(atPath: url.path) { return url }
        throw DeepBayesError.invalidFile(path: compressed.path, reason: "no such file (nor \(name) uncompressed)")
    }
}
