import DeepBayesCore
import Foundation

/// Tiles equally sized grayscale images into one grayscale PNG, the way `samples.png` shows
/// a generative model's samples.
///
/// Image `k` (0-based) goes to grid row `k / columns` and column `k % columns`; its top-left
/// pixel is at `x = padding + column × (imageWidth + padding)`,
/// `y = padding + row × (imageHeight + padding)`. The grid has `min(columns, count)` columns
/// and `⌈count / columns⌉` rows, with `padding` pixels of `paddingValue` around and between the
/// tiles, so it is `min(columns, count) × (imageWidth + padding) + padding` pixels wide. A value `v` becomes
/// the byte `round(255 × clamp(v, 0, 1))` (0 black, 1 white); NaN becomes 0.
public struct ImageGrid: Sendable {
    /// The height of every image, in pixels.
    public let imageHeight: Int
    /// The width of every image, in pixels.
    public let imageWidth: Int
    /// The most images per grid row.
    public let columns: Int
    /// Pixels between neighbouring tiles and around the border.
    public let padding: Int
    /// The intensity in [0, 1] of the padding pixels.
    public let paddingValue: Float

    /// Describes the layout.
    /// - Throws: `DeepBayesError.invalidArgument` for a non-positive size or column count, or a
    ///   negative padding.
    public init(imageHeight: Int, imageWidth: Int, columns: Int, padding: Int = 2, paddingValue: Float = 0.5) throws {
        guard imageHeight >= 1, imageWidth >= 1, columns >= 1, padding >= 0,
              !imageHeight.multipliedReportingOverflow(by: imageWidth).overflow else {
            throw DeepBayesError.invalidArgument(
                operation: "ImageGrid",
                reason: "need positive image size and columns and a non-negative padding, got \(imageHeight)×\(imageWidth), \(columns) columns, padding \(padding)")
        }
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.columns = columns
        self.padding = padding
        self.paddingValue = paddingValue
    }

    /// The top-left pixel `(x, y)` of image `index`.
    public func origin(of index: Int) -> (x: Int, y: Int) {
        (padding + (index % columns) * (imageWidth + padding), padding + (index / columns) * (imageHeight + padding))
    }

    /// Tiles `count` images stored one after another in `values` (each row-major,
    /// `imageHeight × imageWidth` values, as a `[count, 1, height, width]` tensor holds them).
    /// - Throws: `DeepBayesError.invalidArgument` if `count` is not positive or `values` does
    ///   not hold exactly `count` images.
    public func render(_ values: [Float], count: Int) throws -> PNGImage {
        let imageSize = imageHeight * imageWidth
        guard count >= 1, case let (total, false) = count.multipliedReportingOverflow(by: imageSize), total == values.count else {
            throw DeepBayesError.invalidArgument(
                operation: "ImageGrid.render",
                reason: "expected \(count) images of \(imageHeight)×\(imageWidth) values, got \(values.count) values")
        }
        let gridColumns = min(columns, count), gridRows = count / columns + (count % columns == 0 ? 0 : 1)
        guard let width = Self.extent(tiles: gridColumns, size: imageWidth, padding: padding),
              let height = Self.extent(tiles: gridRows, size: imageHeight, padding: padding),
              case (_, false) = width.multipliedReportingOverflow(by: height) else {
            throw DeepBayesError.invalidArgument(operation: "ImageGrid.render", reason: "the grid would be too large")
        }
        var pixels = [UInt8](repeating: Self.byte(paddingValue), count: width * height)
        for index in 0..<count {
            let (x, y) = origin(of: index)
            for row in 0..<imageHeight {
                for column in 0..<imageWidth {
                    pixels[(y + row) * width + x + column] = Self.byte(values[index * imageSize + row * imageWidth + column])
                }
            }
        }
        return try PNGImage.grayscale(width: width, height: height, pixels: pixels)
    }

    /// Tiles `images`, each `imageHeight × imageWidth` values, row-major.
    /// - Throws: `DeepBayesError.invalidArgument` if there are no images or one has the wrong size.
    public func render(_ images: [[Float]]) throws -> PNGImage {
        let imageSize = imageHeight * imageWidth
        if let index = images.firstIndex(where: { $0.count != imageSize }) {
            throw DeepBayesError.invalidArgument(
                operation: "ImageGrid.render",
                reason: "image \(index) has \(images[index].count) values, expected \(imageHeight)×\(imageWidth)")
        }
        return try render(images.flatMap { $0 }, count: images.count)
    }

    /// Renders `count` images from `values` (see `render(_:count:)`) and writes the PNG
    /// atomically to `url`.
    public func write(_ values: [Float], count: Int, to url: URL) throws {
        try render(values, count: count).write(to: url)
    }

    /// `tiles × (size + padding) + padding`, or nil on overflow.
    private static func extent(tiles: Int, size: Int, padding: Int) -> Int? {
        let (step, overflow1) = size.addingReportingOverflow(padding)
        let (span, overflow2) = tiles.multipliedReportingOverflow(by: step)
        let (total, overflow3) = span.addingReportingOverflow(padding)
        return overflow1 || overflow2 || overflow3 ? nil : total
    }

    /// `round(255 × clamp(value, 0, 1))`, with NaN as 0.
    static func byte(_ value: Float) -> UInt8 {
        guard value > 0 else { return 0 }  // also NaN
        return UInt8((min(value, 1) * 255).rounded())
    }
}
