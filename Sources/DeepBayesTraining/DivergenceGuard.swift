import DeepBayesCore
import DeepBayesModels

/// Stops a training run whose numbers have left any sensible range, before it writes them.
///
/// Checked after every minibatch: the step's losses are finite and at most `lossBound` in
/// magnitude (every loss DeepBayes reports is per item: a classifier's cross entropy plus its
/// scaled KL is at most a few thousand nats even for the widest networks on a handful of
/// images, a VAE's negative ELBO stays below 800 nats, a GAN's losses below 100; a loss beyond
/// 10⁸ only comes from weights that have blown up). Checked after every epoch's evaluation,
/// before the checkpoint is written: every metric is finite. Either failure throws
/// `DeepBayesError.diverged` naming the run, the epoch and the batch, so the previous epoch's
/// `model.safetensors` stays as it was.
public struct DivergenceGuard: Sendable {
    /// The largest magnitude of a per-item training loss.
    public static let lossBound: Double = 1e8

    /// The output folder that errors name.
    public let run: String

    public init(run: String) { self.run = run }

    /// Throws `diverged` unless every one of `losses` is finite and within `lossBound`.
    public func checkStep(_ losses: [(String, Float)], epoch: Int, batch: Int) throws {
        guard let bad = losses.first(where: { !(abs(Double($0.1)) <= Self.lossBound) }) else { return }
        let value = bad.1.isNaN ? "NaN" : bad.1.isFinite ? String(format: "%.3g", Double(bad.1)) : "\(bad.1)"
        let bound = bad.1.isFinite ? ", beyond \(String(format: "%.0e", Self.lossBound))" : ""
        throw DeepBayesError.diverged(source: run, finding: "the training loss (\(bad.0)) is \(value)\(bound) at epoch \(epoch), batch \(batch);"
                                      + " stopped before this epoch's checkpoint")
    }

    /// Throws `diverged` unless every metric of epoch `epoch`'s evaluation is finite.
    public func checkEvaluation(_ metrics: [(String, Double)], epoch: Int) throws {
        guard metrics.allSatisfy({ $0.1.isFinite }) else {
            throw DeepBayesError.diverged(source: run, finding: ClassificationMetrics.nonFinitePredictions
                                          + " after epoch \(epoch); stopped before this epoch's checkpoint")
        }
    }
}
