import CZlib
import DeepBayesCore
import DeepBayesFiles
import Foundation
import Testing

/// The PNG writer and the image grid, checked by taking their files apart independently.
@Suite struct PNGTests {
    /// CRC-32 as the PNG specification's annex D computes it (reflected polynomial 0xEDB88320),
    /// written here independently of zlib.
    static let crcTable: [UInt32] = (0..<256).map { index in
        var c = UInt32(index)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc(_ bytes: [UInt8]) -> UInt32 {
        ~bytes.reduce(~UInt32(0)) { c, byte in crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
    }

    static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The chunks after the signature, each with its CRC already checked.
    static func chunks(_ file: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> [(type: String, data: [UInt8])] {
        var result: [(type: String, data: [UInt8])] = []
        var at = 8
        while at + 12 <= file.count {
            let length = Int(bigEndian(file[at..<(at + 4)]))
            guard at + 12 + length <= file.count else { break }
            let typeAndData = Array(file[(at + 4)..<(at + 8 + length)])
            let storedCRC = bigEndian(file[(at + 8 + length)..<(at + 12 + length)])
            let type = String(decoding: typeAndData[0..<4], as: UTF8.self)
            #expect(storedCRC == crc(typeAndData), "CRC of chunk \(result.count) (\(type))", sourceLocation: sourceLocation)
            result.append((type, Array(typeAndData[4...])))
            at += 12 + length
        }
        #expect(at == file.count, "the chunks do not end at the end of the file", sourceLocation: sourceLocation)
        return result
    }

    /// Concatenates the IDAT chunks and inflates them with zlib's `uncompress`, expecting `size` bytes.
    static func inflate(_ chunks: [(type: String, data: [UInt8])], size: Int) -> [UInt8]? {
        let compressed = chunks.filter { $0.type == "IDAT" }.flatMap(\.data)
        var output = [UInt8](repeating: 0, count: size + 1)  // one spare byte: too much output fails
        var outputLength = uLong(output.count)
        let status = output.withUnsafeMutableBufferPointer { destination in
            compressed.withUnsafeBufferPointer { source in
                uncompress(destination.baseAddress, &outputLength, source.baseAddress, uLong(compressed.count))
            }
        }
        guard status == Z_OK, outputLength == uLong(size) else { return nil }
        return Array(output[0..<size])
    }

    /// Takes a PNG apart and checks its structure; returns the pixels (without filter bytes).
    static func decode(_ data: Data, width: Int, height: Int, colorType: UInt8,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
        let file = [UInt8](data)
        #expect(Array(file.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], sourceLocation: sourceLocation)
        let parts = chunks(file, sourceLocation: sourceLocation)
        let types = parts.map(\.type)
        #expect(types.count >= 3 && types.first == "IHDR" && types.last == "IEND", "chunks: \(types)", sourceLocation: sourceLocation)
        #expect(types.dropFirst().dropLast().allSatisfy { $0 == "IDAT" }, "chunks: \(types)", sourceLocation: sourceLocation)
        #expect(parts.last?.data.isEmpty == true, sourceLocation: sourceLocation)

        let header = try #require(parts.first?.data)
        #expect(header.count == 13, sourceLocation: sourceLocation)
        #expect(bigEndian(header[0..<4]) == UInt32(width), "IHDR width", sourceLocation: sourceLocation)
        #expect(bigEndian(header[4..<8]) == UInt32(height), "IHDR height", sourceLocation: sourceLocation)
        // Bit depth 8, the colour type, compression 0, filter method 0, no interlace.
        #expect(Array(header[8..<13]) == [8, colorType, 0, 0, 0], sourceLocation: sourceLocation)

        let rowLength = width * (colorType == 2 ? 3 : 1)
        let rows = try #require(inflate(parts, size: height * (rowLength + 1)), "IDAT does not inflate to the expected size",
                                sourceLocation: sourceLocation)
        var pixels: [UInt8] = []
        for row in 0..<height {
            let start = row * (rowLength + 1)
            #expect(rows[start] == 0, "row \(row) filter byte", sourceLocation: sourceLocation)
            pixels += rows[(start + 1)..<(start + 1 + rowLength)]
        }
        return pixels
    }

    @Test func independentCRCMatchesTheKnownValue() {
        #expect(Self.crc(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Self.crc(Array("IEND".utf8)) == 0xAE42_6082)  // every PNG ends with AE 42 60 82
    }

    @Test func grayscaleImage() throws {
        let width = 5, height = 3
        let pixels = (0..<(width * height)).map { UInt8($0 * 17) }
        let data = try PNGImage.grayscale(width: width, height: height, pixels: pixels).encode()
        #expect(try Self.decode(data, width: width, height: height, colorType: 0) == pixels)
        #expect(Array(data.suffix(12)) == [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82])
    }

    @Test func rgbImage() throws {
        let width = 4, height = 2
        let pixels = (0..<(width * height * 3)).map { UInt8(255 - $0 * 10) }
        let data = try PNGImage.rgb(width: width, height: height, pixels: pixels).encode()
        #expect(try Self.decode(data, width: width, height: height, colorType: 2) == pixels)
    }

    @Test func largeImageSpansSeveralIDATChunks() throws {
        // Pseudo-random bytes hardly compress, so 400×300 of them need more than one 64 KiB IDAT.
        var state: UInt32 = 12345
        let pixels = (0..<(400 * 300)).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        let data = try PNGImage.grayscale(width: 400, height: 300, pixels: pixels).encode()
        #expect(Self.chunks([UInt8](data)).filter { $0.type == "IDAT" }.count >= 2)
        #expect(try Self.decode(data, width: 400, height: 300, colorType: 0) == pixels)
    }

    @Test func invalidImagesThrow() {
        #expect(throws: DeepBayesError.self) { try PNGImage.grayscale(width: 2, height: 2, pixels: [1, 2, 3]) }
        #expect(throws: DeepBayesError.self) { try PNGImage.rgb(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 4)) }
        #expect(throws: DeepBayesError.self) { try PNGImage.grayscale(width: 0, height: 2, pixels: []) }
        #expect(throws: DeepBayesError.self) { try PNGImage.grayscale(width: -1, height: -2, pixels: [1, 2]) }
        #expect(throws: DeepBayesError.self) { try PNGImage.grayscale(width: Int.max, height: 2, pixels: []) }
        #expect(throws: DeepBayesError.self) { try PNGImage.rgb(width: 1 << 31 - 1, height: 1 << 31 - 1, pixels: []) }
    }

    @Test func gridPlacesImageKAtItsRowAndColumn() throws {
        // Five 3×2 images in 2 columns with 1 pixel of padding: 3 rows, 2·(2+1)+1 = 7 wide, 3·(3+1)+1 = 13 high.
        let imageHeight = 3, imageWidth = 2, count = 5
        let grid = try ImageGrid(imageHeight: imageHeight, imageWidth: imageWidth, columns: 2, padding: 1, paddingValue: 0.5)
        // Pixel (r, c) of image k has the byte 40k + 2r + c + 1, so every pixel is distinct.
        let value = { (k: Int, r: Int, c: Int) in UInt8(40 * k + 2 * r + c + 1) }
        var values: [Float] = []
        for k in 0..<count { for r in 0..<imageHeight { for c in 0..<imageWidth { values.append(Float(value(k, r, c)) / 255) } } }

        let image = try grid.render(values, count: count)
        #expect(image.width == 7 && image.height == 13 && image.colorType == .grayscale)
        let pixels = try Self.decode(image.encode(), width: 7, height: 13, colorType: 0)
        #expect(pixels == image.pixels)

        var expected = [UInt8](repeating: 128, count: 7 * 13)  // padding: round(0.5 · 255) = 128
        for k in 0..<count {
            let (x0, y0) = (1 + (k % 2) * 3, 1 + (k / 2) * 4)  // row k / 2, column k % 2
            #expect(grid.origin(of: k) == (x0, y0))
            for r in 0..<imageHeight { for c in 0..<imageWidth { expected[(y0 + r) * 7 + x0 + c] = value(k, r, c) } }
        }
        #expect(pixels == expected)
        // Image 4 is alone on the last row: its top-left pixel is at (1, 9), the slot beside it is padding.
        #expect(pixels[9 * 7 + 1] == value(4, 0, 0))
        #expect(pixels[9 * 7 + 4] == 128)

        // The same images given one by one.
        let split = (0..<count).map { Array(values[($0 * 6)..<(($0 + 1) * 6)]) }
        #expect(try grid.render(split) == image)
    }

    @Test func gridClampsValuesAndUsesFewerColumnsForFewImages() throws {
        let grid = try ImageGrid(imageHeight: 1, imageWidth: 4, columns: 8, padding: 2, paddingValue: 0)
        let image = try grid.render([-1, 2, .nan, 0.5, 0, 1, 0.2, .infinity], count: 2)
        // Two images side by side: 2·(4+2)+2 = 14 wide, 1+2+2 = 5 high.
        #expect(image.width == 14 && image.height == 5)
        let pixels = try Self.decode(image.encode(), width: 14, height: 5, colorType: 0)
        #expect(Array(pixels[(2 * 14 + 2)..<(2 * 14 + 6)]) == [0, 255, 0, 128])
        #expect(Array(pixels[(2 * 14 + 8)..<(2 * 14 + 12)]) == [0, 255, 51, 255])
        #expect(pixels.enumerated().filter { $0.element != 0 }.map(\.offset) == [2 * 14 + 3, 2 * 14 + 5, 2 * 14 + 9, 2 * 14 + 10, 2 * 14 + 11])
    }

    @Test func gridRejectsBadInput() throws {
        #expect(throws: DeepBayesError.self) { try ImageGrid(imageHeight: 0, imageWidth: 2, columns: 1) }
        #expect(throws: DeepBayesError.self) { try ImageGrid(imageHeight: 2, imageWidth: 2, columns: 0) }
        #expect(throws: DeepBayesError.self) { try ImageGrid(imageHeight: 2, imageWidth: 2, columns: 1, padding: -1) }
        let grid = try ImageGrid(imageHeight: 2, imageWidth: 2, columns: 2)
        #expect(throws: DeepBayesError.self) { try grid.render([], count: 0) }
        #expect(throws: DeepBayesError.self) { try grid.render([0, 0, 0], count: 1) }
        #expect(throws: DeepBayesError.self) { try grid.render([[0, 0, 0, 0], [0]]) }
    }

    @Test func gridWritesAPNGFile() throws {
        let directory = try SafetensorsTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("samples.png")
        let grid = try ImageGrid(imageHeight: 2, imageWidth: 2, columns: 3)
        try grid.write([0, 0.25, 0.5, 1, 1, 0.5, 0.25, 0], count: 2, to: url)
        let written = try Data(contentsOf: url)
        #expect(written == (try grid.render([0, 0.25, 0.5, 1, 1, 0.5, 0.25, 0], count: 2).encode()))
        #expect(try Self.decode(written, width: 10, height: 6, colorType: 0).count == 60)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["samples.png"])
    }
}
