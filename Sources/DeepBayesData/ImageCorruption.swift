import DeepBayesCore
import Foundation

/// A corruption of square greyscale images with pixels in [0, 1]: the kinds of noise real
/// images carry, used to train a classifier that learns its aleatoric uncertainty
/// (`CorruptionAugmentation`) and to shift the test set (`ShiftEvaluation`).
///
/// - `noise(std)`: `x' = clamp(x + std · z, 0, 1)`, `z ~ N(0, 1)` per pixel;
/// - `blur(sigma)`: convolution with the normalized Gaussian `g(d) ∝ exp(-d²/2σ²)`, truncated
///   at `|d| ≤ ⌈3σ⌉` pixels, separably along rows then columns, with black (0) outside the image.
///
/// The noise comes from Philox stream `random` on the host, four normals per block, pixel `i`
/// from lane `i mod 4` of block `i / 4`: the same on every machine.
public enum ImageCorruption: Sendable, Equatable {
    case noise(std: Float)
    case blur(sigma: Float)

    /// Corrupts the `side × side` image `pixels[offset..<offset + side²]` in place.
    public func apply(to pixels: inout [Float], offset: Int, side: Int, random: RandomStream) {
        switch self {
        case let .noise(std):
            for i in 0..<side * side {
                let normals = Philox.normals(Philox.words(seed: random.seed, stream: random.stream, block: random.block(of: i)))
                pixels[offset + i] = min(1, max(0, pixels[offset + i] + std * normals[i % 4]))
            }
        case let .blur(sigma):
            guard sigma > 0 else { return }
            let kernel = Self.gaussianKernel(sigma: sigma), radius = kernel.count / 2
            var rows = [Float](repeating: 0, count: side * side)
            for y in 0..<side {
                for x in 0..<side {
                    var sum: Float = 0
                    for k in max(0, radius - x)..<min(kernel.count, side + radius - x) { sum += kernel[k] * pixels[offset + y * side + x + k - radius] }
                    rows[y * side + x] = sum
                }
            }
            for y in 0..<side {
                for x in 0..<side {
                    var sum: Float = 0
                    for k in max(0, radius - y)..<min(kernel.count, side + radius - y) { sum += kernel[k] * rows[(y + k - radius) * side + x] }
                    pixels[offset + y * side + x] = sum
                }
            }
        }
    }

    /// The `2⌈3σ⌉ + 1` weights of the blur, summing to 1.
    public static func gaussianKernel(sigma: Float) -> [Float] {
        let radius = Int((3 * sigma).rounded(.up))
        let weights = (-radius...radius).map { exp(-Float($0 * $0) / (2 * sigma * sigma)) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// `dataset` with every image corrupted, image `i` with the noise of draw `i` of
    /// `RandomPass(.corruption, index: pass)`; the labels unchanged.
    public func applied(to dataset: Dataset, seed: UInt64, pass: UInt64) throws -> Dataset {
        var images = dataset.images
        let side = dataset.rows
        for image in 0..<dataset.count {
            apply(to: &images, offset: image * dataset.pixelsPerImage, side: side, random: Self.stream(seed: seed, pass: pass, image: image))
        }
        return try Dataset(images: images, labels: dataset.labels, rows: dataset.rows, columns: dataset.columns)
    }

    /// The stream of image `image` of corruption pass `pass`: draws count 2¹⁶ per pass, so the
    /// pass's index carries the image's higher bits.
    static func stream(seed: UInt64, pass: UInt64, image: Int) -> RandomStream {
        let draws = Int(RandomPass.drawLimit)
        return RandomPass(.corruption, index: pass &* 1024 &+ UInt64(image / draws)).randomStream(seed: seed, draw: UInt64(image % draws))
    }

    /// `noise 0.5`, `blur 2`: how the corruption is named in metrics and tables.
    public var description: String {
        switch self {
        case let .noise(std): return "noise \(std)"
        case let .blur(sigma): return "blur \(sigma)"
        }
    }
}
