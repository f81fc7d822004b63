import ArgumentParser
import DeepBayesBackends
import DeepBayesModels
import DeepBayesTraining
import Foundation

/// `deepbayes prune --checkpoint FILE --fraction F --out FILE`: removes the fraction of a
/// Bayes-by-Backprop model's weights with the lowest signal-to-noise ratio |mu|/sigma, and
/// draws the ratios before pruning (`PruningPlots`) beside the pruned checkpoint:
/// `<out stem>-snr-density.svg`, `<out stem>-snr-cdf.svg` and `<out stem>-weights.svg`.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove the given fraction of a bnn checkpoint's weights by signal-to-noise ratio.")

    @Option(help: "A bnn model.safetensors.")
    var checkpoint: String

    @Option(help: "Fraction of the weights to remove, in [0, 1).")
    var fraction: Double

    @Option(help: "The pruned checkpoint to write.")
    var out: String

    @OptionGroup var deviceOption: DeviceOption

    /// Refuses, at parse time, a fraction outside [0, 1) (1 would remove every weight and leave
    /// a model that predicts from its biases alone) and an empty `--out`.
    func validate() throws {
        try Validation.require(fraction >= 0 && fraction < 1,
                               "--fraction \(fraction) must lie in [0, 1): 1 would remove every weight")
        try Validation.require(out != "", "--out is empty: give the checkpoint file to write")
    }

    func run() throws {
        let backend = try deviceOption.makeBackend()
        try reportingErrors {
            let (spec, model, metadata) = try Checkpoint.load(from: URL(fileURLWithPath: checkpoint), on: backend)
            guard spec.kind == .bnn, case let .classifier(classifier) = model else {
                throw DeepBayesError.invalidArgument(operation: "prune", reason: "only bnn checkpoints have weight posteriors to prune, this is a \(spec.kind.rawValue)")
            }
            let output = URL(fileURLWithPath: out)
            let plots = try PruningPlots.write(classifier.network, fraction: fraction, to: output.deletingLastPathComponent(),
                                               prefix: output.deletingPathExtension().lastPathComponent + "-")
            let pruned = try SignalToNoisePruning.prune(classifier.network, fraction: fraction)
            var record = metadata.filter { $0.key != Checkpoint.kindKey && $0.key != Checkpoint.specKey }
            record["deepbayes.pruned_fraction"] = String(fraction)
            try Checkpoint.save(model, spec: spec, record: record, to: output)
            FileHandle.standardError.write(Data("pruned \(pruned) weights; wrote \(out) and \(plots.map(\.lastPathComponent).joined(separator: ", "))\n".utf8))
        }
    }
}
