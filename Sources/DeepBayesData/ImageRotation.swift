import DeepBayesCore
import Foundation

/// Rotates a square image about its centre, as the rotated-digit experiment turns a test digit.
public enum ImageRotation {
    /// `image` (`side × side` values, row-major, top row first) turned by `degrees`
    /// counter-clockwise as seen on screen, about the centre `c = (side − 1) / 2`.
    ///
    /// Output pixel `(x, y)` takes the input at the point the inverse rotation sends it to:
    /// with `u = x − c`, `v = c − y` (y up), the source is
    /// `(c + u cos θ + v sin θ, c + u sin θ − v cos θ)` in (column, row), read by bilinear
    /// interpolation between its four neighbouring pixels, a neighbour outside the image
    /// counting as 0. A multiple of 90° is an exact permutation of the pixels (no
    /// interpolation): 90° sends input row `r` to output column `r` read upwards, so the
    /// result is the transposed image with its rows in reverse order.
    /// - Throws: `DeepBayesError.invalidArgument` for a non-positive `side`, an image that is
    ///   not `side × side` values, or a non-finite angle.
    public static func rotate(_ image: [Float], side: Int, degrees: Double) throws -> [Float] {
        guard side >= 1, case let (count, false) = side.multipliedReportingOverflow(by: side), count == image.count, degrees.isFinite else {
            throw DeepBayesError.invalidArgument(operation: "ImageRotation.rotate",
                                                 reason: "need a finite angle and side × side values, got side \(side), \(image.count) values, \(degrees)°")
        }
        let turned = degrees.truncatingRemainder(dividingBy: 360)
        let normalized = turned < 0 ? turned + 360 : turned
        if normalized.truncatingRemainder(dividingBy: 90) == 0 {
            return quarterTurns(image, side: side, count: Int(normalized / 90))
        }
        let theta = normalized * Double.pi / 180, cosine = cos(theta), sine = sin(theta)
        let centre = Double(side - 1) / 2
        func pixel(_ column: Int, _ row: Int) -> Double {
            column >= 0 && column < side && row >= 0 && row < side ? Double(image[row * side + column]) : 0
        }
        var output = [Float](repeating: 0, count: count)
        for y in 0..<side {
            for x in 0..<side {
                let u = Double(x) - centre, v = centre - Double(y)
                let sourceX = centre + u * cosine + v * sine, sourceY = centre + u * sine - v * cosine
                let x0 = Int(sourceX.rounded(.down)), y0 = Int(sourceY.rounded(.down))
                let fx = sourceX - Double(x0), fy = sourceY - Double(y0)
                let top = pixel(x0, y0) * (1 - fx) + pixel(x0 + 1, y0) * fx
                let bottom = pixel(x0, y0 + 1) * (1 - fx) + pixel(x0 + 1, y0 + 1) * fx
                output[y * side + x] = Float(top * (1 - fy) + bottom * fy)
            }
        }
        return output
    }

    /// `count` (0...3) counter-clockwise quarter turns, by moving pixels.
    static func quarterTurns(_ image: [Float], side: Int, count: Int) -> [Float] {
        var output = [Float](repeating: 0, count: image.count)
        let last = side - 1
        for y in 0..<side {
            for x in 0..<side {
                let source: Int
                switch count {
                case 0: source = y * side + x
                case 1: source = x * side + (last - y)
                case 2: source = (last - y) * side + (last - x)
                default: source = (last - x) * side + y
                }
                output[y * side + x] = image[source]
            }
        }
        return output
    }
}
