import DeepBayesCore
import DeepBayesData
import DeepBayesFiles
import Foundation

/// Where one image to classify came from: a PNG file, or image `index` (from 0) of an IDX file.
public struct ImageSource: Sendable, Equatable {
    /// The path as the user gave it.
    public let file: String
    /// The image's position in an IDX file; nil for a PNG file (one image).
    public let index: Int?

    /// Image `index` of the IDX file `file`, or (`index` nil) the PNG file `file`.
    public init(file: String, index: Int?) {
        self.file = file
        self.index = index
    }
}

/// Image files a user names, read as the classifiers' 28 × 28 inputs, in the order given.
///
/// A file is read as PNG when it starts with the PNG signature or its name ends in `.png`
/// (any case), as IDX otherwise. A PNG file is one image of any size, prepared by
/// `DigitImage.prepare` (luma, inversion, contrast, framing); an IDX file (gzip-compressed or
/// not, as MNIST ships them) holds `[count, 28, 28]` bytes taken as they are, byte / 255, like
/// the training data.
public struct ImageInputs: Sendable {
    /// One source per image.
    public let sources: [ImageSource]
    /// The images, `[count, 28, 28]` in [0, 1]; the labels are all 0 (unknown).
    public let images: Dataset

    /// Reads `paths`; `inversion` and `framing` apply to PNG files.
    /// - Throws: `DeepBayesError.invalidFile` naming the file for a missing or unreadable file,
    ///   a damaged PNG or IDX file (see `PNGImage.decode` and `IDXFile`), an IDX file that is
    ///   not of rank 3 or whose images are not 28 × 28; `exceedsMemory` when the images would
    ///   not fit this process; `invalidArgument` for no paths.
    public static func load(_ paths: [String], inversion: DigitImage.Inversion = .auto,
                            framing: DigitImage.Framing = .mnist) throws -> ImageInputs {
        guard !paths.isEmpty else {
            throw DeepBayesError.invalidArgument(operation: "ImageInputs.load", reason: "no image files given")
        }
        let (rows, columns) = MNISTFamily.imageSize
        var sources: [ImageSource] = [], pixels: [Float] = []
        for path in paths {
            let bytes = try IDXFile.contents(of: URL(fileURLWithPath: path))
            if bytes.starts(with: PNGImage.signature) || path.lowercased().hasSuffix(".png") {
                let image = try PNGImage.decode(bytes, path: path)
                // `DigitImage.prepare`'s three full-size float copies (luma, inverted, stretched).
                try MemoryBudget.checkHost(3 * Double(image.width * image.height * MemoryLayout<Float>.stride),
                                           "\(path): preparing its \(image.width)×\(image.height) pixels")
                pixels += try DigitImage.prepare(width: image.width, height: image.height, channels: image.colorType.channels,
                                                 pixels: image.pixels, inversion: inversion, framing: framing)
                sources.append(ImageSource(file: path, index: nil))
            } else {
                let file = try IDXFile(fileBytes: bytes, path: path, expectedRank: 3)
                guard file.dimensions[1] == rows, file.dimensions[2] == columns else {
                    throw DeepBayesError.invalidFile(path: path, reason: "images are \(file.dimensions[1])x\(file.dimensions[2]), expected \(rows)x\(columns)")
                }
                try MemoryBudget.checkHost(Double(pixels.count + file.bytes.count) * Double(MemoryLayout<Float>.stride),
                                           "\(path): \(file.dimensions[0]) images of \(rows)x\(columns) as floats")
                pixels += file.bytes.map { Float($0) / 255 }
                sources += (0..<file.dimensions[0]).map { ImageSource(file: path, index: $0) }
            }
        }
        return ImageInputs(sources: sources,
                           images: try Dataset(images: pixels, labels: [Float](repeating: 0, count: sources.count), rows: rows, columns: columns))
    }
}
