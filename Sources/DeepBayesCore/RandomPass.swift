/// What a run draws random numbers for. Each purpose owns its own range of Philox streams.
public enum RandomPurpose: UInt64, Sendable, CaseIterable {
    /// Initial parameter values (one stream per tensor, drawn on the host).
    case initialization = 1
    /// The forward and backward passes of training steps.
    case training
    /// Prediction samples at evaluation and by the library's prediction helpers.
    case evaluation
    /// Samples a user asks for (`deepbayes sample`, the VAE's codes).
    case sampling
    /// Recomputing batch-norm statistics for a GAN's averaged generator.
    case recalibration
    /// The order of the training data in each epoch.
    case shuffling
    /// Benchmarks and other measurements.
    case measurement
    /// Which training images are held out for validation.
    case splitting
    /// Noise and blur added to images (`ImageCorruption`: training augmentation, shifted test sets).
    case corruption
    /// Synthetic data sets drawn by the library (the toy regression curves).
    case syntheticData
}

/// The one owner of random-stream numbers: every draw of a run takes its stream from a
/// `RandomPass`, so no two draws of a run can share one.
///
/// A stream number is laid out as
/// `purpose · 2⁶⁰ + index · 2²⁰ + part · 2¹⁶ + draw`:
/// - `purpose` (4 bits) separates initialization, training, evaluation, ...;
/// - `index` (40 bits) is the step, prediction sample, epoch or tensor number within it;
/// - `part` (4 bits) separates the sub-passes of one step (a GAN step runs three);
/// - `draw` (16 bits) counts the draws of the pass in the order its layers ask for them.
public struct RandomPass: Hashable, Sendable, CustomStringConvertible {
    /// The most sub-passes of one step, and the most draws of one pass.
    public static let partLimit: UInt64 = 1 << 4
    public static let drawLimit: UInt64 = 1 << 16
    /// Indices wrap at 2⁴⁰: one training run would need 10¹² steps to reuse one.
    public static let indexLimit: UInt64 = 1 << 40

    public let purpose: RandomPurpose
    public let index: UInt64
    public let part: UInt64

    /// Pass `index` of `purpose` (taken modulo `indexLimit`), sub-pass `part` (< `partLimit`).
    public init(_ purpose: RandomPurpose, index: UInt64, part: UInt64 = 0) {
        precondition(part < Self.partLimit, "random pass part \(part) must be below \(Self.partLimit)")
        self.purpose = purpose
        self.index = index % Self.indexLimit
        self.part = part
    }

    /// Sub-pass `part` of the same pass.
    public func part(_ part: UInt64) -> RandomPass { RandomPass(purpose, index: index, part: part) }

    /// The pass `offset` indices later (prediction sample `t` of an evaluation).
    public func advanced(by offset: Int) -> RandomPass {
        RandomPass(purpose, index: index &+ UInt64(truncatingIfNeeded: offset), part: part)
    }

    /// The stream number of draw `draw` (< `drawLimit`) of this pass.
    public func stream(draw: UInt64) -> UInt64 {
        precondition(draw < Self.drawLimit, "a pass may make at most \(Self.drawLimit) draws")
        return purpose.rawValue << 60 | index << 20 | part << 16 | draw
    }

    /// Draw `draw` of this pass under `seed`.
    public func randomStream(seed: UInt64, draw: UInt64) -> RandomStream {
        RandomStream(seed: seed, stream: stream(draw: draw))
    }

    public var description: String { "\(purpose) pass \(index)" + (part == 0 ? "" : " part \(part)") }
}
