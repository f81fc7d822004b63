import DeepBayesCore

/// An exponential moving average of parameters, kept in a second set of parameters of the same
/// shapes (Polyak averaging with exponential weights; for GAN generators see Yazıcı et al.
/// 2019). Each `update()` moves every average toward its source: `a ← a + (1 − β)(p − a)` with
/// `β = min(decay, (1 + t)/(10 + t))` at update `t`, so the early, far-off values fade fast.
public final class ExponentialMovingAverage {
    /// The weight of the old average once warmed up, e.g. 0.999 (a horizon of about 1000 updates).
    public let decay: Float
    private let pairs: [(source: Parameter, average: Parameter)]
    /// Updates so far.
    public private(set) var updates = 0

    /// Averages `sources` into `averages` (pairwise, equal shapes), starting from the averages'
    /// current values.
    public init(of sources: [Parameter], into averages: [Parameter], decay: Float) throws {
        guard decay >= 0, decay < 1 else {
            throw DeepBayesError.invalidArgument(operation: "ExponentialMovingAverage", reason: "decay \(decay) must lie in [0, 1)")
        }
        guard sources.count == averages.count else {
            throw DeepBayesError.shapeMismatch(operation: "ExponentialMovingAverage", reason: "\(sources.count) sources for \(averages.count) averages")
        }
        for (index, (source, average)) in zip(sources, averages).enumerated() where source.shape != average.shape {
            throw DeepBayesError.shapeMismatch(operation: "ExponentialMovingAverage", reason: "source \(index) is \(source.shape), its average \(average.shape)")
        }
        self.decay = decay
        self.pairs = Array(zip(sources, averages))
    }

    /// The weight `β` of the old average in update number `t` (from 0).
    public func weight(atUpdate t: Int) -> Float {
        min(decay, Float(1 + t) / Float(10 + t))
    }

    /// Moves every average toward the current value of its source.
    public func update() throws {
        let step = 1 - weight(atUpdate: updates)
        for (source, average) in pairs {
            try average.value.backend.movingAverageStep(average: average.value, toward: source.value, weight: step)
        }
        updates += 1
    }
}
