import DeepBayesCore

/// Training images made noisy the way real ones are, so that a classifier that learns its
/// aleatoric uncertainty (a logit variance, Kendall and Gal 2017) sees inputs that are
/// ambiguous in themselves: each image of a minibatch is, with probability `fraction`,
/// corrupted by `ImageCorruption.noise` with `std ~ U(0, maximumNoise)` or, as likely,
/// `ImageCorruption.blur` with `sigma ~ U(0, maximumBlur)` pixels.
///
/// Which images, which corruption and how strong come from the first Philox block of the
/// image's stream (`ImageCorruption.stream` of the training step): the same on every device,
/// and a resumed run corrupts exactly as an uninterrupted one.
public struct CorruptionAugmentation: Sendable, Equatable {
    /// The share of images corrupted, in [0, 1].
    public let fraction: Float
    /// The largest noise standard deviation.
    public let maximumNoise: Float
    /// The largest blur radius `sigma`, in pixels.
    public let maximumBlur: Float

    /// The strongest corruptions trained on by default: they cover the shifted test sets of
    /// `ShiftEvaluation.corruptions`.
    public static let defaultMaximumNoise: Float = 0.8, defaultMaximumBlur: Float = 2.5

    /// `invalidArgument` unless `fraction` lies in [0, 1] and both maxima are finite and ≥ 0.
    public init(fraction: Float, maximumNoise: Float = Self.defaultMaximumNoise, maximumBlur: Float = Self.defaultMaximumBlur) throws {
        guard fraction >= 0, fraction <= 1 else {
            throw DeepBayesError.invalidArgument(operation: "corruption", reason: "fraction \(fraction) must lie in [0, 1]")
        }
        guard maximumNoise >= 0, maximumNoise.isFinite, maximumBlur >= 0, maximumBlur.isFinite else {
            throw DeepBayesError.invalidArgument(operation: "corruption", reason: "noise \(maximumNoise) and blur \(maximumBlur) must be finite and not negative")
        }
        self.fraction = fraction
        self.maximumNoise = maximumNoise
        self.maximumBlur = maximumBlur
    }

    /// The corruption of image `image` of training step `step`, nil when it stays clean.
    public func corruption(seed: UInt64, step: UInt64, image: Int) -> ImageCorruption? {
        let random = ImageCorruption.stream(seed: seed, pass: step, image: image)
        // Block 0 decides; the noise itself starts at block 1.
        let words = Philox.words(seed: random.seed, stream: random.stream, block: random.firstBlock)
        guard Philox.uniform(words[0]) < fraction else { return nil }
        let strength = Philox.uniform(words[2])
        return Philox.uniform(words[1]) < 0.5 ? .noise(std: strength * maximumNoise) : .blur(sigma: strength * maximumBlur)
    }

    /// Corrupts the `count` images `side × side` of `pixels` (one minibatch of step `step`).
    public func apply(to pixels: inout [Float], count: Int, side: Int, seed: UInt64, step: UInt64) {
        for image in 0..<count {
            guard let corruption = corruption(seed: seed, step: step, image: image) else { continue }
            let random = ImageCorruption.stream(seed: seed, pass: step, image: image)
            corruption.apply(to: &pixels, offset: image * side * side, side: side,
                             random: RandomStream(seed: random.seed, stream: random.stream, firstBlock: random.firstBlock + 1))
        }
    }
}
