import DeepBayesCore

/// Turns a picture of a handwritten digit (any size, grey or colour) into the 28 × 28 input
/// the MNIST classifiers take: values in [0, 1], a white digit on a black background.
///
/// The steps, in order:
/// 1. **Luma**: a colour pixel becomes `Y = 0.299 R + 0.587 G + 0.114 B` (ITU-R BT.601), all
///    in [0, 1] (byte / 255).
/// 2. **Inversion** (`Inversion`): with `.auto`, the image is inverted (`1 − Y`) when its
///    border (the outermost row and column on each side) is on average brighter than the
///    pixels inside it: a dark digit on light paper.
/// 3. **Contrast**: the background level `b` (the border's median after inversion) becomes 0 and
///    the brightest pixel `m` becomes 1: `v ← clamp((v − b) / (m − b), 0, 1)`, so grey paper
///    and faint pencil still look like MNIST. An image without ink (`m − b < 1/255`) becomes
///    all zeros.
/// 4. **Framing** (`Framing`), by area-averaging resampling that keeps the aspect ratio.
public enum DigitImage {
    /// The side of the prepared image, in pixels.
    public static let side = 28
    /// The box MNIST scales each digit's bounding box into (LeCun, Cortes and Burges: 20 × 20 pixels).
    public static let digitBox = 20
    /// The level above which a pixel counts as ink for the bounding box of `.mnist` framing.
    public static let inkThreshold: Float = 0.1

    /// Whether to turn a dark digit on light paper into MNIST's light digit on black.
    public enum Inversion: String, Sendable, CaseIterable {
        /// Invert when the border is brighter than the middle.
        case auto
        /// Always invert.
        case yes
        /// Never invert (the image is already a light digit on a dark background).
        case no
    }

    /// How the digit is placed in the 28 × 28 square.
    public enum Framing: String, Sendable, CaseIterable {
        /// As MNIST was made: the bounding box of the ink (pixels above `inkThreshold`) is
        /// scaled to fit `digitBox` × `digitBox` and placed so that its centre of mass
        /// (rounded to whole pixels) lies at the square's centre, 13.5 in pixel coordinates.
        case mnist
        /// The whole image scaled to fit 28 × 28 and centred, the rest black: for images
        /// already framed like MNIST's (a 28 × 28 image is kept as it is).
        case fit
    }

    /// The `side × side` values (row-major) for an image of `width × height` pixels with
    /// `channels` (1 grey, 3 RGB) bytes each, row-major, top row first.
    /// - Throws: `DeepBayesError.invalidArgument` for a non-positive size, a channel count
    ///   other than 1 or 3, or a pixel count that does not match.
    public static func prepare(width: Int, height: Int, channels: Int, pixels: [UInt8],
                               inversion: Inversion = .auto, framing: Framing = .mnist) throws -> [Float] {
        guard width >= 1, height >= 1, channels == 1 || channels == 3,
              case let (area, false) = width.multipliedReportingOverflow(by: height),
              case let (count, false) = area.multipliedReportingOverflow(by: channels), count == pixels.count else {
            throw DeepBayesError.invalidArgument(
                operation: "DigitImage.prepare",
                reason: "need a positive size, 1 or 3 channels and width × height × channels bytes, got \(width)×\(height), \(channels) channels, \(pixels.count) bytes")
        }
        var values = luma(pixels, channels: channels)
        let invert: Bool
        switch inversion {
        case .auto:
            let means = borderMeans(values, width: width, height: height)
            invert = means.border > means.inside
        case .yes: invert = true
        case .no: invert = false
        }
        if invert { values = values.map { 1 - $0 } }
        stretchContrast(&values, background: borderMedian(values, width: width, height: height))
        switch framing {
        case .fit:
            return place(values, width: width, height: height, region: (0, 0, width, height), box: side, centre: nil)
        case .mnist:
            guard let box = inkBounds(values, width: width, height: height) else { return [Float](repeating: 0, count: side * side) }
            return place(values, width: width, height: height, region: box, box: digitBox, centre: Float(side) / 2 - 0.5)
        }
    }

    /// BT.601 luma of every pixel, in [0, 1].
    static func luma(_ pixels: [UInt8], channels: Int) -> [Float] {
        guard channels == 3 else { return pixels.map { Float($0) / 255 } }
        return stride(from: 0, to: pixels.count, by: 3).map { at in
            (0.299 * Float(pixels[at]) + 0.587 * Float(pixels[at + 1]) + 0.114 * Float(pixels[at + 2])) / 255
        }
    }

    /// Whether `(x, y)` is on the outermost row or column of a `width × height` image.
    static func isBorder(_ x: Int, _ y: Int, width: Int, height: Int) -> Bool {
        y == 0 || y == height - 1 || x == 0 || x == width - 1
    }

    /// The mean of the border pixels and the mean of the others (equal to the border's when
    /// the image is at most two pixels wide or high).
    static func borderMeans(_ values: [Float], width: Int, height: Int) -> (border: Float, inside: Float) {
        var border: Double = 0, inside: Double = 0, borderCount = 0
        for y in 0..<height {
            for x in 0..<width {
                if isBorder(x, y, width: width, height: height) {
                    border += Double(values[y * width + x])
                    borderCount += 1
                } else {
                    inside += Double(values[y * width + x])
                }
            }
        }
        let insideCount = values.count - borderCount
        let borderMean = border / Double(borderCount)
        return (Float(borderMean), insideCount == 0 ? Float(borderMean) : Float(inside / Double(insideCount)))
    }

    /// The median of the border pixels (the lower middle one for an even count): one of them,
    /// so a uniform background maps exactly to 0.
    static func borderMedian(_ values: [Float], width: Int, height: Int) -> Float {
        var border: [Float] = []
        for y in 0..<height {
            for x in 0..<width where isBorder(x, y, width: width, height: height) { border.append(values[y * width + x]) }
        }
        border.sort()
        return border[(border.count - 1) / 2]
    }

    /// `v ← clamp((v − background) / (max − background), 0, 1)`; all zeros without ink.
    static func stretchContrast(_ values: inout [Float], background: Float) {
        let range = (values.max() ?? 0) - background
        guard range >= 1 / 255 else {
            values = [Float](repeating: 0, count: values.count)
            return
        }
        values = values.map { min(1, max(0, ($0 - background) / range)) }
    }

    /// `(x, y, width, height)` of the smallest rectangle holding every pixel above
    /// `inkThreshold`, or nil if none is.
    static func inkBounds(_ values: [Float], width: Int, height: Int) -> (Int, Int, Int, Int)? {
        var minX = width, minY = height, maxX = -1, maxY = -1
        for y in 0..<height {
            for x in 0..<width where values[y * width + x] > inkThreshold {
                (minX, maxX, minY, maxY) = (min(minX, x), max(maxX, x), min(minY, y), max(maxY, y))
            }
        }
        return maxX < 0 ? nil : (minX, minY, maxX - minX + 1, maxY - minY + 1)
    }

    /// Scales `region` of the image to fit `box × box` (aspect ratio kept, the longer side
    /// `box` pixels) and places it in a black `side × side` square: centred, or with `centre`
    /// its centre of mass moved to `(centre, centre)`, rounded to whole pixels and kept inside.
    static func place(_ values: [Float], width: Int, height: Int, region: (x: Int, y: Int, width: Int, height: Int),
                      box: Int, centre: Float?) -> [Float] {
        let scale = Double(box) / Double(max(region.width, region.height))
        let outWidth = max(1, min(box, Int((Double(region.width) * scale).rounded())))
        let outHeight = max(1, min(box, Int((Double(region.height) * scale).rounded())))
        let scaled = resample(values, width: width, region: region, toWidth: outWidth, height: outHeight)
        var left = (side - outWidth) / 2, top = (side - outHeight) / 2
        if let centre {
            var mass: Float = 0, sumX: Float = 0, sumY: Float = 0
            for y in 0..<outHeight {
                for x in 0..<outWidth {
                    let v = scaled[y * outWidth + x]
                    (mass, sumX, sumY) = (mass + v, sumX + v * Float(x), sumY + v * Float(y))
                }
            }
            if mass > 0 {
                left = min(side - outWidth, max(0, Int((centre - sumX / mass).rounded())))
                top = min(side - outHeight, max(0, Int((centre - sumY / mass).rounded())))
            }
        }
        var output = [Float](repeating: 0, count: side * side)
        for y in 0..<outHeight {
            for x in 0..<outWidth { output[(top + y) * side + left + x] = scaled[y * outWidth + x] }
        }
        return output
    }

    /// Area-averaging resampling of `region` to `toWidth × height` pixels: output pixel `(i, j)`
    /// is the mean of the source over the rectangle it covers,
    /// `[x + i·w/W, x + (i+1)·w/W) × [y + j·h/H, y + (j+1)·h/H)`, each source pixel weighted
    /// by the area it shares with it (a box filter; exact copies at scale 1).
    static func resample(_ values: [Float], width: Int, region: (x: Int, y: Int, width: Int, height: Int),
                         toWidth outWidth: Int, height outHeight: Int) -> [Float] {
        let columns = weights(source: region.width, target: outWidth)
        let rows = weights(source: region.height, target: outHeight)
        var horizontal = [Float](repeating: 0, count: region.height * outWidth)
        for y in 0..<region.height {
            let row = (region.y + y) * width + region.x
            for (i, taps) in columns.enumerated() {
                horizontal[y * outWidth + i] = taps.reduce(0) { $0 + $1.weight * values[row + $1.index] }
            }
        }
        var output = [Float](repeating: 0, count: outHeight * outWidth)
        for (j, taps) in rows.enumerated() {
            for i in 0..<outWidth {
                output[j * outWidth + i] = taps.reduce(0) { $0 + $1.weight * horizontal[$1.index * outWidth + i] }
            }
        }
        return output
    }

    /// For each of `target` output cells along one axis, the source cells it overlaps and the
    /// share of its length each covers (the shares sum to 1).
    static func weights(source: Int, target: Int) -> [[(index: Int, weight: Float)]] {
        let step = Double(source) / Double(target)
        return (0..<target).map { i in
            let start = Double(i) * step, end = Double(i + 1) * step
            return (Int(start.rounded(.down))..<min(source, Int(end.rounded(.up)))).compactMap { k in
                let overlap = min(end, Double(k + 1)) - max(start, Double(k))
                return overlap > 0 ? (k, Float(overlap / step)) : nil
            }
        }
    }
}
