import DeepBayesCore
import Foundation

extension PNGImage {
    /// The most pixels `decode` accepts (2²⁶, a 8192 × 8192 image): the size in a file's header
    /// is checked against it before anything is allocated, so a header claiming
    /// 100000 × 100000 pixels is refused instead of asking for 30 GB. At 16-bit RGBA the
    /// largest accepted image inflates to 512 MiB of rows.
    public static let maximumDecodedPixels = 1 << 26

    /// The grey level transparent pixels are composited over by default: 255, white paper.
    public static let defaultBackground: UInt8 = 255

    /// Reads a PNG file's bytes (see `decode(_:path:background:)`).
    public static func decode(_ data: Data, path: String, background: UInt8 = defaultBackground) throws -> PNGImage {
        try decode([UInt8](data), path: path, background: background)
    }

    /// Reads a PNG file (ISO/IEC 15948) into an 8-bit grayscale or RGB image.
    ///
    /// Every colour type is read: grayscale and grayscale+alpha become a grayscale image; RGB,
    /// RGBA and palette images become RGB. Bit depths 1, 2, 4, 8 and 16, the five row filters
    /// (None, Sub, Up, Average, Paeth) and Adam7 interlacing are all handled. A sample of bit
    /// depth `d` becomes the byte `round(255 × v / (2ᵈ − 1))`. Alpha (an alpha channel, or a
    /// `tRNS` chunk's palette alphas or transparent colour) is composited over the grey
    /// `background`: `out = round((c × a + background × (A − a)) / A)` with `A = 2ᵈ − 1` the
    /// opaque alpha. Ancillary chunks other than `tRNS` are skipped; bytes after `IEND` are
    /// ignored.
    ///
    /// Refused, before anything sized by the file is allocated: a wrong signature; a chunk that
    /// runs past the end of the file or whose CRC-32 does not match; a missing or malformed
    /// `IHDR` (which must come first), a zero width or height, more than
    /// `maximumDecodedPixels` pixels, or an invalid bit depth, colour type, compression,
    /// filter or interlace method; a palette image without `PLTE`, or a palette index past its
    /// end; no `IDAT` or no `IEND`; an unknown critical chunk; and image data that inflates
    /// to more or fewer bytes than the rows need (inflated into a buffer of that size, never
    /// grown) or carries an unknown row filter. `path` names the file in errors.
    /// - Throws: `DeepBayesError.invalidFile(path:reason:)` with a one-line reason;
    ///   `exceedsMemory` when decoding an accepted size would need more memory than this
    ///   process may use (judged from the header, before the image data is inflated).
    public static func decode(_ bytes: [UInt8], path: String, background: UInt8 = defaultBackground) throws -> PNGImage {
        let chunks = try PNGChunks(bytes, path: path)
        let header = chunks.header
        let transparency = try PNGTransparency(chunks: chunks, header: header, path: path)
        let passes = header.passes
        let filteredLength = passes.reduce(0) { $0 + $1.filteredBytes(header) }
        // The inflated rows, one pass unfiltered and the output, before any is allocated.
        try MemoryBudget.checkHost(Double(2 * filteredLength + header.width * header.height * header.outputChannels),
                                   "\(path): decoding its \(header.width)×\(header.height) pixels")
        let rowData = try Zlib.inflate(chunks.imageData, length: filteredLength, path: path, subject: "image data")
        var output = [UInt8](repeating: 0, count: header.width * header.height * header.outputChannels)
        var offset = 0
        for pass in passes where pass.width > 0 && pass.height > 0 {
            let rows = try unfilter(rowData, from: offset, pass: pass, header: header, path: path)
            offset += pass.filteredBytes(header)
            try transparency.place(rows, pass: pass, header: header, background: background, into: &output, path: path)
        }
        return header.outputChannels == 1
            ? try grayscale(width: header.width, height: header.height, pixels: output)
            : try rgb(width: header.width, height: header.height, pixels: output)
    }

    /// Undoes the row filters of one pass (PNG section 9): `Raw(x) = Filt(x) + predictor`, with
    /// the predictor from the byte `bytesPerPixel` to the left (`a`), the byte above (`b`) and
    /// above-left (`c`): None 0, Sub `a`, Up `b`, Average `⌊(a + b) / 2⌋`, Paeth the one of
    /// `a, b, c` nearest to `a + b − c`. Returns the rows without their filter bytes.
    private static func unfilter(_ data: [UInt8], from start: Int, pass: PNGPass, header: PNGHeader, path: String) throws -> [UInt8] {
        let rowBytes = pass.rowBytes(header), step = header.filterStep
        var rows = [UInt8](repeating: 0, count: rowBytes * pass.height)
        try rows.withUnsafeMutableBufferPointer { raw in
            try data.withUnsafeBufferPointer { filtered in
                for y in 0..<pass.height {
                    let source = start + y * (rowBytes + 1), row = y * rowBytes
                    let filter = filtered[source]
                    guard filter <= 4 else {
                        throw DeepBayesError.invalidFile(path: path, reason: "image data: row \(y) has filter type \(filter); PNG defines 0...4")
                    }
                    for x in 0..<rowBytes {
                        let a = x >= step ? Int(raw[row + x - step]) : 0
                        let b = y > 0 ? Int(raw[row - rowBytes + x]) : 0
                        let c = x >= step && y > 0 ? Int(raw[row - rowBytes + x - step]) : 0
                        let predictor: Int
                        switch filter {
                        case 0: predictor = 0
                        case 1: predictor = a
                        case 2: predictor = b
                        case 3: predictor = (a + b) / 2
                        default:
                            let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                            predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                        }
                        raw[row + x] = filtered[source + 1 + x] &+ UInt8(truncatingIfNeeded: predictor)
                    }
                }
            }
        }
        return rows
    }
}

/// A PNG file split into the chunks the decoder needs, every chunk's length and CRC checked,
/// and the header validated as soon as it is read (so a bad size is named even when the rest
/// of the file is missing).
private struct PNGChunks {
    /// The `IHDR` chunk, validated.
    let header: PNGHeader
    /// The `PLTE` chunk's data, if any.
    let palette: [UInt8]?
    /// The `tRNS` chunk's data, if any.
    let transparency: [UInt8]?
    /// The `IDAT` chunks' data, concatenated.
    let imageData: [UInt8]

    init(_ bytes: [UInt8], path: String) throws {
        func failure(_ reason: String) -> DeepBayesError { .invalidFile(path: path, reason: reason) }
        guard bytes.count >= PNGImage.signature.count || !PNGImage.signature.starts(with: bytes) else {
            throw failure("truncated: \(bytes.count) bytes, shorter than the PNG signature")
        }
        guard bytes.starts(with: PNGImage.signature) else {
            throw failure("not a PNG file (the first 8 bytes are not the PNG signature)")
        }
        var header: PNGHeader?, palette: [UInt8]?, transparency: [UInt8]?
        var imageData: [UInt8] = [], sawImageData = false, imageDataEnded = false, sawEnd = false
        var at = PNGImage.signature.count, index = 0
        while !sawEnd {
            guard bytes.count - at >= 12 else {
                throw failure("truncated: the file ends \(index == 0 ? "before the IHDR chunk" : "after \(index) chunks, before IEND")")
            }
            let length = bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
            let typeBytes = Array(bytes[(at + 4)..<(at + 8)])
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw failure("chunk \(index) has an invalid type (bytes \(typeBytes))")
            }
            guard length <= Int(Int32.max), length <= bytes.count - at - 12 else {
                throw failure("truncated: chunk \(index) (\(type)) claims \(length) bytes, the file has \(bytes.count - at - 12) left")
            }
            let typeAndData = Array(bytes[(at + 4)..<(at + 8 + length)])
            let stored = bytes[(at + 8 + length)..<(at + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard stored == Zlib.crc(typeAndData) else { throw failure("CRC mismatch in chunk \(index) (\(type)): the file is damaged") }
            let data = Array(typeAndData[4...])
            guard index > 0 || type == "IHDR" else { throw failure("the first chunk is \(type), not IHDR") }
            if sawImageData && type != "IDAT" { imageDataEnded = true }
            switch type {
            case "IHDR" where index == 0: header = try PNGHeader(data, path: path)
            case "PLTE" where palette == nil && !sawImageData: palette = data
            case "tRNS" where transparency == nil && !sawImageData: transparency = data
            case "IDAT":
                guard !imageDataEnded else { throw failure("IDAT chunks are not consecutive") }
                sawImageData = true
                imageData += data
            case "IEND": sawEnd = true
            case "IHDR", "PLTE", "tRNS": throw failure("misplaced or repeated \(type) chunk")
            default:
                // Bit 5 of the first byte set (lower case) marks an ancillary chunk, safe to skip.
                guard typeBytes[0] & 0x20 != 0 else { throw failure("unknown critical chunk \(type)") }
            }
            at += 12 + length
            index += 1
        }
        guard let header else { throw failure("no IHDR chunk") }
        guard sawImageData else { throw failure("no IDAT chunk (no image data)") }
        self.header = header
        self.palette = palette
        self.transparency = transparency
        self.imageData = imageData
    }
}

/// The `IHDR` fields, validated.
private struct PNGHeader {
    let width: Int, height: Int, bitDepth: Int, colorType: UInt8, interlaced: Bool

    init(_ data: [UInt8], path: String) throws {
        func failure(_ reason: String) -> DeepBayesError { .invalidFile(path: path, reason: "IHDR: \(reason)") }
        guard data.count == 13 else { throw failure("\(data.count) bytes, must be 13") }
        func integer(_ at: Int) -> Int { data[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        width = integer(0)
        height = integer(4)
        guard width >= 1, height >= 1, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw failure("width and height must be in 1...\(Int32.max), got \(width)×\(height)")
        }
        guard width * height <= PNGImage.maximumDecodedPixels else {
            throw failure("\(width)×\(height) pixels are more than the \(PNGImage.maximumDecodedPixels) this reader accepts")
        }
        bitDepth = Int(data[8])
        colorType = data[9]
        let allowed: [Int]
        switch colorType {
        case 0: allowed = [1, 2, 4, 8, 16]
        case 3: allowed = [1, 2, 4, 8]
        case 2, 4, 6: allowed = [8, 16]
        default: throw failure("colour type \(colorType); PNG defines 0, 2, 3, 4 and 6")
        }
        guard allowed.contains(bitDepth) else {
            throw failure("bit depth \(bitDepth) is not allowed for colour type \(colorType) (allowed: \(allowed.map(String.init).joined(separator: ", ")))")
        }
        guard data[10] == 0 else { throw failure("compression method \(data[10]); PNG defines only 0") }
        guard data[11] == 0 else { throw failure("filter method \(data[11]); PNG defines only 0") }
        guard data[12] <= 1 else { throw failure("interlace method \(data[12]); PNG defines 0 and 1") }
        interlaced = data[12] == 1
    }

    /// Samples per pixel in the file.
    var channels: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType] ?? 1 }
    /// Samples per pixel in the decoded image: grey for colour types 0 and 4, RGB otherwise.
    var outputChannels: Int { colorType == 0 || colorType == 4 ? 1 : 3 }
    /// The filters' `bytesPerPixel`: the bytes of one pixel, at least 1.
    var filterStep: Int { max(1, channels * bitDepth / 8) }
    /// The Adam7 passes, or one pass covering the image.
    var passes: [PNGPass] {
        guard interlaced else { return [PNGPass(x0: 0, y0: 0, dx: 1, dy: 1, imageWidth: width, imageHeight: height)] }
        return [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)].map {
            PNGPass(x0: $0.0, y0: $0.1, dx: $0.2, dy: $0.3, imageWidth: width, imageHeight: height)
        }
    }
}

/// One Adam7 pass (or the whole image): the pixels at `(x0 + i × dx, y0 + j × dy)`.
private struct PNGPass {
    let x0: Int, y0: Int, dx: Int, dy: Int, width: Int, height: Int

    init(x0: Int, y0: Int, dx: Int, dy: Int, imageWidth: Int, imageHeight: Int) {
        (self.x0, self.y0, self.dx, self.dy) = (x0, y0, dx, dy)
        width = imageWidth > x0 ? (imageWidth - x0 + dx - 1) / dx : 0
        height = imageHeight > y0 ? (imageHeight - y0 + dy - 1) / dy : 0
    }

    /// Bytes of one unfiltered row: `⌈width × channels × bitDepth / 8⌉`.
    func rowBytes(_ header: PNGHeader) -> Int { (width * header.channels * header.bitDepth + 7) / 8 }
    /// Bytes of the pass in the inflated data: a filter byte per row plus the rows; 0 for an
    /// empty pass.
    func filteredBytes(_ header: PNGHeader) -> Int { width == 0 || height == 0 ? 0 : height * (rowBytes(header) + 1) }
}

/// The palette and the transparency information, and how a pixel's samples become output bytes.
private struct PNGTransparency {
    /// RGB triples of the palette.
    let palette: [UInt8]
    /// Alpha (0...255) of each palette entry; entries past the `tRNS` chunk's end are opaque.
    let paletteAlpha: [UInt8]
    /// For colour types 0 and 2: the samples (at the image's bit depth) of the one transparent colour.
    let transparentColor: [Int]?

    init(chunks: PNGChunks, header: PNGHeader, path: String) throws {
        func failure(_ reason: String) -> DeepBayesError { .invalidFile(path: path, reason: reason) }
        let palette = chunks.palette ?? []
        if header.colorType == 3 {
            guard chunks.palette != nil else { throw failure("a palette image (colour type 3) without a PLTE chunk") }
            guard !palette.isEmpty, palette.count % 3 == 0, palette.count / 3 <= 1 << header.bitDepth else {
                throw failure("PLTE: \(palette.count) bytes is not 1...\(1 << header.bitDepth) RGB entries")
            }
        }
        var paletteAlpha = [UInt8](repeating: 255, count: palette.count / 3)
        var transparentColor: [Int]?
        if let trns = chunks.transparency {
            switch header.colorType {
            case 3:
                guard trns.count <= paletteAlpha.count else {
                    throw failure("tRNS: \(trns.count) alphas for a palette of \(paletteAlpha.count) entries")
                }
                paletteAlpha.replaceSubrange(0..<trns.count, with: trns)
            case 0, 2:
                guard trns.count == 2 * header.channels else {
                    throw failure("tRNS: \(trns.count) bytes, colour type \(header.colorType) needs \(2 * header.channels)")
                }
                transparentColor = stride(from: 0, to: trns.count, by: 2).map { Int(trns[$0]) << 8 | Int(trns[$0 + 1]) }
            default:
                throw failure("tRNS in an image with an alpha channel (colour type \(header.colorType))")
            }
        }
        self.palette = palette
        self.paletteAlpha = paletteAlpha
        self.transparentColor = transparentColor
    }

    /// Writes the unfiltered rows of `pass` into their places in `output` (8-bit grey or RGB),
    /// compositing transparent pixels over `background`.
    func place(_ rows: [UInt8], pass: PNGPass, header: PNGHeader, background: UInt8, into output: inout [UInt8], path: String) throws {
        let depth = header.bitDepth, channels = header.channels, outChannels = header.outputChannels
        let rowBytes = pass.rowBytes(header), maximum = (1 << depth) - 1
        let back = Int(background)
        var samples = [Int](repeating: 0, count: 4)
        for y in 0..<pass.height {
            let row = y * rowBytes
            for x in 0..<pass.width {
                for c in 0..<channels {
                    let index = x * channels + c
                    switch depth {
                    case 8: samples[c] = Int(rows[row + index])
                    case 16: samples[c] = Int(rows[row + 2 * index]) << 8 | Int(rows[row + 2 * index + 1])
                    default:
                        let bit = index * depth
                        samples[c] = Int(rows[row + bit / 8]) >> (8 - depth - bit % 8) & maximum
                    }
                }
                // The pixel as 8-bit colour bytes plus an alpha out of `opaque`.
                var color = (0, 0, 0), alpha = 1, opaque = 1
                func byte(_ sample: Int) -> Int { (sample * 255 + maximum / 2) / maximum }
                switch header.colorType {
                case 3:
                    let entry = samples[0]
                    guard entry < paletteAlpha.count else {
                        throw DeepBayesError.invalidFile(path: path, reason: "palette index \(entry) past the \(paletteAlpha.count)-entry palette")
                    }
                    color = (Int(palette[3 * entry]), Int(palette[3 * entry + 1]), Int(palette[3 * entry + 2]))
                    (alpha, opaque) = (Int(paletteAlpha[entry]), 255)
                case 0, 4:
                    let grey = byte(samples[0])
                    color = (grey, grey, grey)
                    if header.colorType == 4 { (alpha, opaque) = (samples[1], maximum) }
                    else if transparentColor == [samples[0]] { alpha = 0 }
                default:
                    color = (byte(samples[0]), byte(samples[1]), byte(samples[2]))
                    if header.colorType == 6 { (alpha, opaque) = (samples[3], maximum) }
                    else if transparentColor == Array(samples[0..<3]) { alpha = 0 }
                }
                func composite(_ value: Int) -> UInt8 {
                    UInt8((value * alpha + back * (opaque - alpha) + opaque / 2) / opaque)
                }
                let target = ((pass.y0 + y * pass.dy) * header.width + pass.x0 + x * pass.dx) * outChannels
                output[target] = composite(color.0)
                if outChannels == 3 {
                    output[target + 1] = composite(color.1)
                    output[target + 2] = composite(color.2)
                }
            }
        }
    }
}
