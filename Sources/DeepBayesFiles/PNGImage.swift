import DeepBayesCore
import Foundation

/// An 8-bit grayscale or RGB image that encodes itself as a PNG file (ISO/IEC 15948).
///
/// The encoding is the PNG signature, an `IHDR` chunk (bit depth 8, no interlacing), the
/// filtered rows (filter type 0, "None", on every row) compressed with zlib and split into
/// `IDAT` chunks of at most 64 KiB, and `IEND`; every chunk carries its CRC-32.
public struct PNGImage: Sendable, Equatable {
    /// The PNG colour types this writer produces (the `IHDR` colour-type byte).
    public enum ColorType: UInt8, Sendable {
        /// One sample per pixel.
        case grayscale = 0
        /// Three samples per pixel: red, green, blue.
        case rgb = 2

        /// Samples (bytes) per pixel.
        public var channels: Int { self == .grayscale ? 1 : 3 }
    }

    /// The width in pixels.
    public let width: Int
    /// The height in pixels.
    public let height: Int
    /// Grayscale or RGB.
    public let colorType: ColorType
    /// Row-major samples, top row first: `width × height × colorType.channels` bytes
    /// (RGB interleaved as r, g, b).
    public let pixels: [UInt8]

    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The largest `IDAT` payload written; longer compressed data is split over several chunks.
    static let maximumIDATLength = 1 << 16

    /// A grayscale image; `pixels` holds `width × height` bytes, row-major, 0 black, 255 white.
    /// - Throws: `DeepBayesError.invalidArgument` for a non-positive or too large size, or a
    ///   pixel count that does not match it.
    public static func grayscale(width: Int, height: Int, pixels: [UInt8]) throws -> PNGImage {
        try PNGImage(width: width, height: height, colorType: .grayscale, pixels: pixels)
    }

    /// An RGB image; `pixels` holds `width × height × 3` bytes, row-major, r g b per pixel.
    /// - Throws: `DeepBayesError.invalidArgument` for a non-positive or too large size, or a
    ///   pixel count that does not match it.
    public static func rgb(width: Int, height: Int, pixels: [UInt8]) throws -> PNGImage {
        try PNGImage(width: width, height: height, colorType: .rgb, pixels: pixels)
    }

    private init(width: Int, height: Int, colorType: ColorType, pixels: [UInt8]) throws {
        let operation = "PNGImage.\(colorType)"
        // PNG stores the size as 31-bit unsigned integers.
        guard (1...Int(Int32.max)).contains(width), (1...Int(Int32.max)).contains(height) else {
            throw DeepBayesError.invalidArgument(operation: operation, reason: "width and height must be in 1...\(Int32.max), got \(width)×\(height)")
        }
        let (area, overflow1) = width.multipliedReportingOverflow(by: height)
        let (count, overflow2) = area.multipliedReportingOverflow(by: colorType.channels)
        guard !overflow1, !overflow2, count == pixels.count else {
            throw DeepBayesError.invalidArgument(
                operation: operation,
                reason: "\(width)×\(height) pixels need \(overflow1 || overflow2 ? "too many" : String(count)) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.colorType = colorType
        self.pixels = pixels
    }

    /// The PNG file's bytes.
    /// - Throws: `DeepBayesError.invalidArgument` if zlib fails (out of memory).
    public func encode() throws -> Data {
        let rowLength = width * colorType.channels
        var filtered = [UInt8]()
        filtered.reserveCapacity(height * (rowLength + 1))
        for row in 0..<height {
            filtered.append(0)  // filter type 0: the row's bytes as they are
            filtered += pixels[row * rowLength..<(row + 1) * rowLength]
        }
        let compressed = try Zlib.compress(filtered)

        var file = Self.signature
        var header = [UInt8]()
        Self.appendBigEndian(UInt32(width), to: &header)
        Self.appendBigEndian(UInt32(height), to: &header)
        header += [8, colorType.rawValue, 0, 0, 0]  // bit depth, colour type, compression, filter, interlace
        Self.appendChunk("IHDR", header, to: &file)
        for start in stride(from: 0, to: compressed.count, by: Self.maximumIDATLength) {
            Self.appendChunk("IDAT", compressed[start..<min(start + Self.maximumIDATLength, compressed.count)], to: &file)
        }
        Self.appendChunk("IEND", [], to: &file)
        return Data(file)
    }

    /// Writes the encoded image atomically (see `AtomicFile`).
    public func write(to url: URL) throws {
        try AtomicFile.write(encode(), to: url)
    }

    /// Appends length, type, data and CRC-32 (over type and data) of one chunk.
    private static func appendChunk(_ type: String, _ data: some Collection<UInt8>, to file: inout [UInt8]) {
        let typeAndData = Array(type.utf8) + data
        appendBigEndian(UInt32(data.count), to: &file)
        file += typeAndData
        appendBigEndian(Zlib.crc(typeAndData), to: &file)
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes += $0 }
    }
}
