import ArgumentParser
import DeepBayesBackends
import DeepBayesCore
import DeepBayesTraining
import Foundation

/// `deepbayes regression --curve blundell|heteroscedastic`: trains Bayes by Backprop, MC dropout
/// and a plain network on a toy curve and draws their predictive bands (`RegressionExperiment`).
struct RegressionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regression",
        abstract: "Train regressors on a toy curve and draw where they are unsure: regression.svg, predictions.csv, summary.json.")

    /// The largest `--points`, `--steps` and `--hidden` width: far beyond what a toy curve needs,
    /// small enough that nothing is allocated the machine cannot hold.
    static let maximumPoints = 100_000, maximumSteps = 1_000_000, maximumWidth = 4096

    @Option(help: "The curve: blundell (Blundell et al. 2015) or heteroscedastic (noise growing with x).")
    var curve: ToyCurve

    @Option(help: ArgumentHelp("The models, comma-separated: \(RegressionExperiment.Method.allCases.map(\.rawValue).joined(separator: ",")).", valueName: "models"))
    var models = RegressionExperiment.Method.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Training points drawn from the curve (default 200 for blundell, 2000 for heteroscedastic).")
    var points: Int?

    @Option(help: "Full-batch Adam steps per model.")
    var steps: Int?

    @Option(help: "Adam's learning rate.")
    var lr: Float?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Hidden layer widths, one value per layer (default 64 64).", valueName: "width ..."))
    var hidden: [Int] = []

    @Option(help: "Sampled passes per prediction (bnn, mcdropout).")
    var samples: Int?

    @Option(help: "Prior of bnn: one Gaussian N(0, 1), or Blundell et al.'s scale mixture (pi 1/2, sigma1 1, sigma2 exp(-6)).")
    var prior: PriorChoice = .gaussian

    @Option(help: "Seed of the data, the initial weights and every sampled noise.")
    var seed: UInt64 = 1

    @Option(help: "Output directory (default runs/regression-<curve>).")
    var out: String?

    @OptionGroup var deviceOption: DeviceOption

    /// The models asked for, or a usage error naming the one that is not.
    func methods() throws -> [RegressionExperiment.Method] {
        let list = try models.split(separator: ",").map { name -> RegressionExperiment.Method in
            guard let method = RegressionExperiment.Method(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--models: '\(name)' is not one of \(RegressionExperiment.Method.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return method
        }
        try Validation.require(!list.isEmpty, "--models must name at least one model")
        try Validation.require(Set(list).count == list.count, "--models names a model twice: \(models)")
        return list
    }

    /// The experiment's settings: the curve's defaults with the options given.
    func settings() throws -> RegressionExperiment.Settings {
        var settings = RegressionExperiment.Settings.defaults(for: curve)
        if let points { settings.points = points }
        if let steps { settings.steps = steps }
        if let lr { settings.learningRate = lr }
        if !hidden.isEmpty { settings.hidden = hidden }
        if let samples { settings.samples = samples }
        settings.seed = seed
        if prior == .mixture { settings.prior = .scaleMixture(try ScaleMixturePrior(pi: 0.5, sigma1: 1, sigma2: exp(-6))) }
        return settings
    }

    func validate() throws {
        _ = try methods()
        if let points { try Validation.require(points >= 1 && points <= Self.maximumPoints, "--points \(points) must lie in 1...\(Self.maximumPoints)") }
        if let steps { try Validation.require(steps >= 1 && steps <= Self.maximumSteps, "--steps \(steps) must lie in 1...\(Self.maximumSteps)") }
        if let lr { try Validation.require(lr.isFinite && lr > 0, "--lr \(lr) must be a positive finite number") }
        for width in hidden {
            try Validation.require(width >= 1 && width <= Self.maximumWidth, "--hidden \(width) must lie in 1...\(Self.maximumWidth)")
        }
        if let samples {
            try Validation.require(samples >= 2 && samples <= Evaluation.maximumSamples,
                                   "--samples \(samples) must lie in 2...\(Evaluation.maximumSamples): a band needs passes that differ")
        }
        try Validation.require(out != "", "--out is empty: give the folder the run writes into")
    }

    func run() throws {
        let backend = try deviceOption.makeBackend()
        try reportingErrors {
            let folder = out ?? "runs/regression-\(curve.rawValue)"
            try Validation.checkOutputFolder(folder)
            let experiment = RegressionExperiment(curve: curve, methods: try methods(), settings: try settings())
            try experiment.memory().check("training on \(experiment.settings.points) points with hidden \(experiment.settings.hidden)",
                                          capabilities: backend.capabilities, backend: backend.name)
            let summary = try experiment.run(on: backend, output: URL(fileURLWithPath: folder)) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            print(summary.table, terminator: "")
            FileHandle.standardError.write(Data("wrote \(folder)/regression.svg, predictions.csv, summary.json and a checkpoint per model\n".utf8))
        }
    }
}

extension ToyCurve: ExpressibleByArgument {}
