import ArgumentParser
import DeepBayesBackends

/// The `deepbayes` command line: Bayesian deep learning on a backend chosen at run time.
struct DeepBayesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deepbayes",
        abstract: "Bayesian deep learning on a pluggable compute backend (\(DeepBayesCLI.registry.names.joined(separator: ", "))).",
        version: DeepBayesCLI.version,
        subcommands: [TrainCommand.self, EvaluateCommand.self, PredictCommand.self, RotateCommand.self, RegressionCommand.self, SampleCommand.self,
                      PruneCommand.self, ReproduceCommand.self, ExportCommand.self, DevicesCommand.self, CheckCommand.self])
}
