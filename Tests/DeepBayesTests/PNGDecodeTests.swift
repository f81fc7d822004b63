import CZlib
import DeepBayesCore
import DeepBayesFiles
import Foundation
import Testing

/// The PNG reader, on files written by the encoder and on files this suite builds by hand
/// (its own row filters, bit packing and interlacing), and on damaged files.
@Suite struct PNGDecodeTests {
    // MARK: - Building PNG files independently of the reader

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        let crc = typeAndData.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(crc)
    }

    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(compressBound(uLong(bytes.count))))
        var length = uLong(output.count)
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { compress2(out.baseAddress, &length, $0.baseAddress, uLong(bytes.count), 6) }
        }
        precondition(status == Z_OK)
        return Array(output[0..<Int(length)])
    }

    static func header(width: Int, height: Int, bitDepth: Int, colorType: UInt8, interlace: UInt8 = 0) -> [UInt8] {
        bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [UInt8(bitDepth), colorType, 0, 0, interlace]
    }

    /// A whole file: signature, IHDR, the extra chunks, one IDAT of `filtered` deflated, IEND.
    static func file(_ ihdr: [UInt8], extra: [[UInt8]] = [], filtered: [UInt8]) -> [UInt8] {
        PNGImage.signature + chunk("IHDR", ihdr) + extra.flatMap { $0 } + chunk("IDAT", deflate(filtered)) + chunk("IEND", [])
    }

    /// Packs samples of `bitDepth` bits into rows of `rowSamples` samples, big-endian, each row
    /// padded to a whole byte.
    static func pack(_ samples: [Int], rowSamples: Int, bitDepth: Int) -> [[UInt8]] {
        stride(from: 0, to: samples.count, by: rowSamples).map { start in
            let row = samples[start..<(start + rowSamples)]
            switch bitDepth {
            case 16: return row.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            case 8: return row.map { UInt8($0) }
            default:
                var bytes = [UInt8](repeating: 0, count: (rowSamples * bitDepth + 7) / 8)
                for (i, sample) in row.enumerated() {
                    bytes[i * bitDepth / 8] |= UInt8(sample << (8 - bitDepth - i * bitDepth % 8))
                }
                return bytes
            }
        }
    }

    /// Applies filter `(rowIndex % 5)` to each row (PNG section 9, the encoder's direction)
    /// and prefixes its filter byte; `step` is the filters' bytes per pixel.
    static func filter(_ rows: [[UInt8]], step: Int, firstFilter: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        for (y, row) in rows.enumerated() {
            let type = (y + firstFilter) % 5
            let above = y > 0 ? rows[y - 1] : [UInt8](repeating: 0, count: row.count)
            out.append(UInt8(type))
            for x in row.indices {
                let a = x >= step ? Int(row[x - step]) : 0, b = Int(above[x]), c = x >= step ? Int(above[x - step]) : 0
                let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                let predictor = [0, a, b, (a + b) / 2, pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)][type]
                out.append(UInt8(truncatingIfNeeded: Int(row[x]) - predictor))
            }
        }
        return out
    }

    static func samples(_ count: Int, bitDepth: Int, seed: UInt64) -> [Int] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) & ((1 << bitDepth) - 1)
        }
    }

    static func byte(_ sample: Int, bitDepth: Int) -> UInt8 {
        let maximum = Double((1 << bitDepth) - 1)
        return UInt8((Double(sample) * 255 / maximum).rounded())
    }

    static func composite(_ color: UInt8, alpha: Int, opaque: Int, background: UInt8) -> UInt8 {
        UInt8(((Double(color) * Double(alpha) + Double(background) * Double(opaque - alpha)) / Double(opaque)).rounded())
    }

    // MARK: - Round trips and colour types

    @Test func readsWhatTheEncoderWrites() throws {
        let grey = try PNGImage.grayscale(width: 5, height: 3, pixels: (0..<15).map { UInt8($0 * 17) })
        #expect(try PNGImage.decode(grey.encode(), path: "grey.png") == grey)
        let rgb = try PNGImage.rgb(width: 4, height: 2, pixels: (0..<24).map { UInt8(($0 * 37) % 256) })
        #expect(try PNGImage.decode(rgb.encode(), path: "rgb.png") == rgb)
    }

    @Test(arguments: [1, 2, 4, 8, 16])
    func grayscaleAtEveryBitDepthAndFilter(bitDepth: Int) throws {
        let width = 13, height = 10
        let values = Self.samples(width * height, bitDepth: bitDepth, seed: UInt64(bitDepth))
        let rows = Self.pack(values, rowSamples: width, bitDepth: bitDepth)
        let bytes = Self.file(Self.header(width: width, height: height, bitDepth: bitDepth, colorType: 0),
                              filtered: Self.filter(rows, step: max(1, bitDepth / 8)))
        let image = try PNGImage.decode(bytes, path: "grey.png")
        #expect(image.colorType == .grayscale && image.width == width && image.height == height)
        #expect(image.pixels == values.map { Self.byte($0, bitDepth: bitDepth) })
    }

    @Test(arguments: [8, 16])
    func rgbAtBothBitDepths(bitDepth: Int) throws {
        let width = 7, height = 6
        let values = Self.samples(width * height * 3, bitDepth: bitDepth, seed: 9)
        let rows = Self.pack(values, rowSamples: width * 3, bitDepth: bitDepth)
        for firstFilter in 0..<5 {
            let bytes = Self.file(Self.header(width: width, height: height, bitDepth: bitDepth, colorType: 2),
                                  filtered: Self.filter(rows, step: 3 * bitDepth / 8, firstFilter: firstFilter))
            let image = try PNGImage.decode(bytes, path: "rgb.png")
            #expect(image.colorType == .rgb)
            #expect(image.pixels == values.map { Self.byte($0, bitDepth: bitDepth) })
        }
    }

    @Test(arguments: [1, 2, 4, 8])
    func paletteWithTransparency(bitDepth: Int) throws {
        let entries = 1 << bitDepth, width = 11, height = 5
        let palette = (0..<entries * 3).map { UInt8(($0 * 53 + 7) % 256) }
        let alphas = (0..<(entries + 1) / 2).map { UInt8(($0 * 91) % 256) }  // the rest stay opaque
        let indices = Self.samples(width * height, bitDepth: bitDepth, seed: 3)
        let bytes = Self.file(Self.header(width: width, height: height, bitDepth: bitDepth, colorType: 3),
                              extra: [Self.chunk("PLTE", palette), Self.chunk("tRNS", alphas)],
                              filtered: Self.filter(Self.pack(indices, rowSamples: width, bitDepth: bitDepth), step: 1))
        let image = try PNGImage.decode(bytes, path: "palette.png", background: 40)
        let expected = indices.flatMap { index in
            (0..<3).map { c in
                Self.composite(palette[3 * index + c], alpha: index < alphas.count ? Int(alphas[index]) : 255, opaque: 255, background: 40)
            }
        }
        #expect(image.colorType == .rgb && image.pixels == expected)
    }

    @Test(arguments: [(UInt8(4), 8), (4, 16), (6, 8), (6, 16)])
    func alphaChannelsAreCompositedOverTheBackground(colorType: UInt8, bitDepth: Int) throws {
        let width = 6, height = 4, colours = colorType == 4 ? 1 : 3, maximum = (1 << bitDepth) - 1
        var values = Self.samples(width * height * (colours + 1), bitDepth: bitDepth, seed: 5)
        values[colours] = 0  // the first pixel fully transparent
        values[2 * (colours + 1) - 1] = maximum  // the second opaque
        let bytes = Self.file(Self.header(width: width, height: height, bitDepth: bitDepth, colorType: colorType),
                              filtered: Self.filter(Self.pack(values, rowSamples: width * (colours + 1), bitDepth: bitDepth),
                                                    step: (colours + 1) * bitDepth / 8))
        let image = try PNGImage.decode(bytes, path: "alpha.png", background: 200)
        let expected = stride(from: 0, to: values.count, by: colours + 1).flatMap { pixel in
            (0..<colours).map { c in
                Self.composite(Self.byte(values[pixel + c], bitDepth: bitDepth), alpha: values[pixel + colours], opaque: maximum, background: 200)
            }
        }
        #expect(image.colorType == (colours == 1 ? .grayscale : .rgb))
        #expect(image.pixels == expected)
        #expect(Array(image.pixels[0..<colours]) == [UInt8](repeating: 200, count: colours))
        #expect(Array(image.pixels[colours..<(2 * colours)]) == (0..<colours).map { Self.byte(values[colours + 1 + $0], bitDepth: bitDepth) })
    }

    @Test func transparentColourOfAGrayscaleImage() throws {
        let values = [0, 3, 7, 3, 15, 3]
        let bytes = Self.file(Self.header(width: 3, height: 2, bitDepth: 4, colorType: 0),
                              extra: [Self.chunk("tRNS", [0, 3])],
                              filtered: Self.filter(Self.pack(values, rowSamples: 3, bitDepth: 4), step: 1))
        let image = try PNGImage.decode(bytes, path: "trns.png", background: 99)
        #expect(image.pixels == [0, 99, 119, 99, 255, 99])
    }

    /// Adam7: the same image written interlaced decodes to the same pixels, for sizes that
    /// leave some passes empty.
    @Test(arguments: [(1, 1), (3, 2), (9, 11), (17, 5)])
    func adam7Interlacing(width: Int, height: Int) throws {
        let values = Self.samples(width * height * 3, bitDepth: 8, seed: UInt64(width * 31 + height))
        let passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        var filtered: [UInt8] = []
        for (x0, y0, dx, dy) in passes {
            let xs = Array(stride(from: x0, to: width, by: dx)), ys = Array(stride(from: y0, to: height, by: dy))
            guard !xs.isEmpty, !ys.isEmpty else { continue }
            let rows = ys.map { y in xs.flatMap { x in (0..<3).map { UInt8(values[(y * width + x) * 3 + $0]) } } }
            filtered += Self.filter(rows, step: 3, firstFilter: x0 + y0)
        }
        let bytes = Self.file(Self.header(width: width, height: height, bitDepth: 8, colorType: 2, interlace: 1), filtered: filtered)
        #expect(try PNGImage.decode(bytes, path: "adam7.png").pixels == values.map(UInt8.init))
    }

    @Test func skipsAncillaryChunksAndReadsSplitImageData() throws {
        let image = try PNGImage.grayscale(width: 4, height: 4, pixels: (0..<16).map { UInt8($0 * 16) })
        let compressed = Self.deflate(Self.filter(Self.pack((0..<16).map { $0 * 16 }, rowSamples: 4, bitDepth: 8), step: 1))
        let bytes = PNGImage.signature + Self.chunk("IHDR", Self.header(width: 4, height: 4, bitDepth: 8, colorType: 0))
            + Self.chunk("tEXt", Array("Comment\u{0}hello".utf8))
            + Self.chunk("IDAT", Array(compressed[0..<5])) + Self.chunk("IDAT", Array(compressed[5...]))
            + Self.chunk("IEND", [])
        #expect(try PNGImage.decode(bytes, path: "split.png") == image)
    }

    // MARK: - Damaged and hostile files

    static func reason(_ bytes: [UInt8]) -> String? {
        do {
            _ = try PNGImage.decode(bytes, path: "bad.png")
            return nil
        } catch let DeepBayesError.invalidFile(path, reason) {
            #expect(path == "bad.png")
            #expect(!reason.contains("\n"))
            return reason
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    static let good = file(header(width: 3, height: 2, bitDepth: 8, colorType: 0), filtered: [0, 1, 2, 3, 0, 4, 5, 6])

    @Test func refusesWhatIsNotAPNG() throws {
        #expect(Self.reason(Array("GIF89a, not a PNG at all".utf8))?.contains("not a PNG") == true)
        #expect(Self.reason([])?.contains("truncated") == true)
        #expect(try PNGImage.decode(Self.good, path: "good.png").pixels == [1, 2, 3, 4, 5, 6])
    }

    @Test func refusesEveryTruncation() {
        for length in 0..<Self.good.count {
            #expect(Self.reason(Array(Self.good[0..<length])) != nil, "cut at \(length) bytes")
        }
    }

    @Test func refusesABadCRC() {
        var damaged = Self.good
        damaged[20] ^= 0x01  // inside the IHDR data
        #expect(Self.reason(damaged)?.contains("CRC mismatch in chunk 0 (IHDR)") == true)
        var damagedData = Self.good
        damagedData[damagedData.count - 17] ^= 0x40  // the IDAT chunk's last data byte
        #expect(Self.reason(damagedData)?.contains("CRC mismatch") == true)
    }

    @Test func refusesBadSizesBeforeAllocating() {
        #expect(Self.reason(Self.file(Self.header(width: 0, height: 5, bitDepth: 8, colorType: 0), filtered: [0]))?
            .contains("got 0×5") == true)
        #expect(Self.reason(Self.file(Self.header(width: 4, height: 0, bitDepth: 8, colorType: 0), filtered: [0]))?
            .contains("got 4×0") == true)
        // 10¹⁰ pixels of RGBA16 would be 80 GB; refused from the header alone.
        #expect(Self.reason(Self.file(Self.header(width: 100_000, height: 100_000, bitDepth: 16, colorType: 6), filtered: [0]))?
            .contains("100000×100000 pixels are more than the 67108864") == true)
        #expect(Self.reason(Self.file(Self.header(width: 1 << 31, height: 1, bitDepth: 8, colorType: 0), filtered: [0])) != nil)
        // The header is judged as soon as it is read, whatever follows.
        let headerOnly = PNGImage.signature + Self.chunk("IHDR", Self.header(width: 100_000, height: 100_000, bitDepth: 8, colorType: 0))
        #expect(Self.reason(headerOnly + Self.chunk("IEND", []))?.contains("100000×100000 pixels") == true)
        #expect(Self.reason(headerOnly)?.contains("100000×100000 pixels") == true)
    }

    @Test func refusesInvalidHeaderFields() {
        func with(_ bitDepth: Int, _ colorType: UInt8, interlace: UInt8 = 0) -> String? {
            Self.reason(Self.file(Self.header(width: 2, height: 2, bitDepth: bitDepth, colorType: colorType, interlace: interlace),
                                  filtered: [UInt8](repeating: 0, count: 64)))
        }
        #expect(with(3, 0)?.contains("bit depth 3") == true)
        #expect(with(4, 2)?.contains("bit depth 4 is not allowed for colour type 2") == true)
        #expect(with(16, 3)?.contains("bit depth 16") == true)
        #expect(with(8, 5)?.contains("colour type 5") == true)
        #expect(with(8, 0, interlace: 2)?.contains("interlace method 2") == true)
    }

    @Test func refusesMissingOrMisplacedChunks() {
        let ihdr = Self.chunk("IHDR", Self.header(width: 3, height: 2, bitDepth: 8, colorType: 0))
        let idat = Self.chunk("IDAT", Self.deflate([0, 1, 2, 3, 0, 4, 5, 6]))
        let iend = Self.chunk("IEND", [])
        #expect(Self.reason(PNGImage.signature + idat + iend)?.contains("not IHDR") == true)
        #expect(Self.reason(PNGImage.signature + ihdr + iend)?.contains("no IDAT") == true)
        #expect(Self.reason(PNGImage.signature + ihdr + idat)?.contains("truncated") == true)
        #expect(Self.reason(PNGImage.signature + ihdr + Self.chunk("ABCD", []) + idat + iend)?.contains("unknown critical chunk ABCD") == true)
        let palette = Self.file(Self.header(width: 2, height: 1, bitDepth: 8, colorType: 3), filtered: [0, 0, 1])
        #expect(Self.reason(palette)?.contains("without a PLTE") == true)
        let outOfRange = Self.file(Self.header(width: 2, height: 1, bitDepth: 8, colorType: 3),
                                   extra: [Self.chunk("PLTE", [1, 2, 3])], filtered: [0, 0, 1])
        #expect(Self.reason(outOfRange)?.contains("palette index 1") == true)
    }

    @Test func refusesImageDataOfTheWrongLength() {
        let ihdr = Self.header(width: 3, height: 2, bitDepth: 8, colorType: 0)
        #expect(Self.reason(Self.file(ihdr, filtered: [0, 1, 2, 3, 0, 4, 5]))?.contains("inflates to 7 bytes, the image's rows need 8") == true)
        #expect(Self.reason(Self.file(ihdr, filtered: [UInt8](repeating: 0, count: 1 << 20)))?.contains("more than the 8 bytes") == true)
        #expect(Self.reason(Self.file(ihdr, filtered: [0, 1, 2, 3, 7, 4, 5, 6]))?.contains("filter type 7") == true)
        let compressed = Self.deflate([0, 1, 2, 3, 0, 4, 5, 6])
        let cut = PNGImage.signature + Self.chunk("IHDR", ihdr) + Self.chunk("IDAT", Array(compressed.dropLast(6))) + Self.chunk("IEND", [])
        #expect(Self.reason(cut)?.contains("image data") == true)
    }
}
