import DeepBayesCore
import DeepBayesFiles
import DeepBayesNN
import Foundation

/// Where a run stands: `epochs` whole epochs done, then `batches` minibatches of the next
/// (0 at an epoch's end; more after an interrupted epoch).
public struct TrainingPosition: Equatable, Sendable, CustomStringConvertible {
    public var epochs: Int
    public var batches: Int

    public init(epochs: Int, batches: Int) {
        self.epochs = epochs
        self.batches = batches
    }

    /// "epoch 3" at an epoch's end, "epoch 4, batch 120" inside one.
    public var description: String { batches == 0 ? "epoch \(epochs)" : "epoch \(epochs + 1), batch \(batches)" }

    /// The metadata form, `"3:0"`.
    var stored: String { "\(epochs):\(batches)" }

    init?(stored: String) {
        let parts = stored.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 0, parts[1] >= 0 else { return nil }
        self.init(epochs: parts[0], batches: parts[1])
    }
}

/// `optimizer.safetensors` beside `model.safetensors`: what a run needs, besides the model's
/// weights, to continue exactly as if it had not stopped. For every optimizer `k` and every
/// parameter it has updated, the tensors `optimizer<k>.<parameter>.first_moment` and
/// `.second_moment` (Adam's m and v); in the metadata, each optimizer's step count
/// `deepbayes.optimizer<k>.steps`, the `deepbayes.position` (whole epochs done : batches of
/// the next) that the model checkpoint carries too, and the sums of the interrupted epoch's
/// losses so far (`deepbayes.partial_losses`, in the order the step reports them). Everything else a step draws is a function of
/// the seed and the step's number, so nothing else is needed.
///
/// Kept apart from the model so that `model.safetensors` stays the model alone (what
/// `evaluate`, `sample`, `prune` and other tools read). Written after the model; a resume
/// refuses a pair whose positions differ (a crash between the two writes).
public enum TrainingState {
    public static let positionKey = "deepbayes.position"
    /// The interrupted epoch's loss sums so far, `train_loss=12.5,generator_loss=3.25`.
    static let partialKey = "deepbayes.partial_losses"

    /// Saves `step`'s optimizers at `position`, with the interrupted epoch's loss sums.
    public static func save(_ step: TrainingStep, position: TrainingPosition, partialTotals: [(String, Double)], to url: URL) throws {
        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        var metadata = [positionKey: position.stored]
        for (index, entry) in step.optimized.enumerated() {
            metadata["deepbayes.optimizer\(index).steps"] = String(entry.optimizer.stepsTaken)
            for named in entry.parameters {
                guard let moments = entry.optimizer.moments(of: named.parameter) else { continue }
                let shape = named.parameter.shape.dimensions
                tensors.append(("optimizer\(index).\(named.name).first_moment", shape, try moments.first.toArray()))
                tensors.append(("optimizer\(index).\(named.name).second_moment", shape, try moments.second.toArray()))
            }
        }
        if !partialTotals.isEmpty { metadata[partialKey] = partialTotals.map { "\($0.0)=\(String($0.1))" }.joined(separator: ",") }
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: url)
    }

    /// Restores the optimizers of `step` from `url` (made by `save`); returns the position
    /// and the loss sums. `invalidFile` naming the file for anything that does not fit.
    public static func load(from url: URL, into step: TrainingStep, on backend: any Backend) throws
        -> (position: TrainingPosition, partialTotals: [(String, Double)]) {
        func invalid(_ reason: String) -> DeepBayesError { .invalidFile(path: url.path, reason: reason) }
        try Checkpoint.requireRegularFile(url.path)
        let file = try SafetensorsFile.read(from: url)
        guard let stored = file.metadata[positionKey], let position = TrainingPosition(stored: stored) else {
            throw invalid("not a DeepBayes training state: the metadata has no valid '\(positionKey)'")
        }
        var used = Set<String>()
        for (index, entry) in step.optimized.enumerated() {
            guard let steps = file.metadata["deepbayes.optimizer\(index).steps"].flatMap({ Int($0) }), steps >= 0 else {
                throw invalid("the metadata has no step count for optimizer \(index)")
            }
            var moments: [(parameter: Parameter, first: Tensor, second: Tensor)] = []
            for named in entry.parameters {
                let names = ["first_moment", "second_moment"].map { "optimizer\(index).\(named.name).\($0)" }
                let found = names.compactMap { file.tensor(named: $0) }
                if found.isEmpty { continue }
                guard found.count == 2, found.allSatisfy({ $0.shape == named.parameter.shape.dimensions }) else {
                    throw invalid("the moments of '\(named.name)' are missing or do not have its shape \(named.parameter.shape)")
                }
                moments.append((named.parameter, try backend.tensor(found[0].values, shape: named.parameter.shape),
                                try backend.tensor(found[1].values, shape: named.parameter.shape)))
                used.formUnion(names)
            }
            entry.optimizer.restore(stepsTaken: steps, moments: moments)
        }
        if let extra = file.tensors.first(where: { !used.contains($0.name) }) {
            throw invalid("unexpected tensor '\(extra.name)' for this model's optimizers")
        }
        var totals: [(String, Double)] = []
        for pair in (file.metadata[partialKey] ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=")
            guard parts.count == 2, let total = Double(parts[1]), total.isFinite else { throw invalid("'\(partialKey)' is not name=number pairs") }
            totals.append((String(parts[0]), total))
        }
        return (position, totals)
    }
}
