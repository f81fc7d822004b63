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

    /// The size of every image the models take (28x28, as MNIST's): their first layer has
    /// `rows · columns` = 784 inputs.
    public static let imageSize = (rows: 28, columns: 28)

    /// Reads `split` of the dataset in `directory` (see `DataDirectory.locate(_:)` for the
    /// shipped ones), checking both files and that they agree: the same number of images and
    /// labels, and every label in 0...9; with `imageSize` (for the models: `MNISTFamily.imageSize`)
    /// also that the images are of that size ("images are 32x32, expected 28x28"). Each problem
    /// throws `DeepBayesError.invalidFile` naming the file; images more than this process can
    /// hold (judged from the header, before reading them) throw `exceedsMemory`.
    public static func load(directory: URL, split: Split, imageSize: (rows: Int, columns: Int)? = nil) throws -> Dataset {
        let imagesURL = try imagesFile(directory: directory, split: split)
        let labelsURL = try file(directory: directory, name: "\(split.filePrefix)-labels-idx1-ubyte")
        let file = try IDXFile.contents(of: imagesURL)
        let declared = try IDXFile.dimensions(fileBytes: file, path: imagesURL.path, expectedRank: 3)
        // The inflated bytes, their copy and the floats made of them: checked before any is made.
        try MemoryBudget.checkHost(Double(bytesPerPixel) * declared.map(Double.init).reduce(1, *),
                                   "\(imagesURL.path): its header's \(IDXFile.describe(declared))")
        let images = try IDXFile(fileBytes: file, path: imagesURL.path, expectedRank: 3)
        if let imageSize { try check(images.dimensions, of: imagesURL, imageSize: imageSize) }
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

    /// Host bytes loading takes per pixel: the inflated file, the array of its bytes and the
    /// `Float` each becomes.
    static let bytesPerPixel = 1 + 1 + MemoryLayout<Float>.stride

    /// Checks, from the header alone (milliseconds, even for the 60,000 training images), that
    /// the images of `split` in `directory` are of `imageSize`: what a command calls before it
    /// loads anything, so that data the models cannot take is refused up front, naming the file
    /// ("<file>: images are 32x32, expected 28x28"). Other problems of the header (a missing
    /// file, a wrong magic number, ...) throw the same `invalidFile` as `load`.
    public static func checkImageSize(directory: URL, split: Split, imageSize: (rows: Int, columns: Int) = imageSize) throws {
        let url = try imagesFile(directory: directory, split: split)
        try check(IDXFile.dimensions(contentsOf: url, expectedRank: 3), of: url, imageSize: imageSize)
    }

    /// The images file of `split`: `<prefix>-images-idx3-ubyte(.gz)`.
    static func imagesFile(directory: URL, split: Split) throws -> URL {
        try file(directory: directory, name: "\(split.filePrefix)-images-idx3-ubyte")
    }

    /// `invalidFile` unless `dimensions` (count, rows, columns) have `imageSize`.
    static func check(_ dimensions: [Int], of url: URL, imageSize: (rows: Int, columns: Int)) throws {
        guard dimensions[1] == imageSize.rows, dimensions[2] == imageSize.columns else {
            throw DeepBayesError.invalidFile(path: url.path, reason: "images are \(dimensions[1])x\(dimensions[2]), expected \(imageSize.rows)x\(imageSize.columns)")
        }
    }

    /// `directory/name.gz`, else `directory/name`; `invalidFile` ("no such file") if neither exists.
    static func file(directory: URL, name: String) throws -> URL {
        let compressed = directory.appendingPathComponent(name + ".gz"), plain = directory.appendingPathComponent(name)
        for url in [compressed, plain] where FileManager.default.fileExists(atPath: url.path) { return url }
        throw DeepBayesError.invalidFile(path: compressed.path, reason: "no such file (nor \(name) uncompressed)")
    }
}
