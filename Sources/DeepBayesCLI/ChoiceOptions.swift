import ArgumentParser
import DeepBayesModels
import DeepBayesNN
import DeepBayesTraining

/// The options whose values form a fixed set, as types: `--help` and shell completion list the
/// values, and a value outside them is refused while the options are parsed, before anything
/// is created.

/// `--arch`: which values a model takes is checked in `TrainCommand.validate`.
enum ArchitectureChoice: String, CaseIterable, ExpressibleByArgument {
    case mlp, conv, lstm, gru, dcgan

    /// The architectures `model` has.
    static func allowed(for model: ModelKind) -> [ArchitectureChoice] {
        switch model {
        case .bnn, .mcdropout, .mlp: return ClassifierArchitecture.allCases.compactMap { ArchitectureChoice(rawValue: $0.rawValue) }
        case .vae: return [.mlp]
        case .gan: return GANArchitecture.allCases.compactMap { ArchitectureChoice(rawValue: $0.rawValue) }
        }
    }
}

/// The first argument of `deepbayes train`: a model kind, or `rnn`, the recurrent models.
enum TrainChoice: String, CaseIterable, ExpressibleByArgument {
    case bnn, mcdropout, mlp, vae, gan, rnn

    /// The model kind of the same name; nil for `rnn`, whose kind its flags choose.
    var kind: ModelKind? { ModelKind(rawValue: rawValue) }
}

/// `--task` of `rnn`.
enum SequenceTask: String, CaseIterable, ExpressibleByArgument {
    /// Classify MNIST digits read as 28 rows of 28 pixels.
    case rowmnist
    /// A character language model of a text (`TrainCommand+Text.swift`).
    case text
}

/// `--prior` of `bnn`.
enum PriorChoice: String, CaseIterable, ExpressibleByArgument {
    case mixture, gaussian
}

/// `--estimator` of `bnn`: local reparameterization, plain reparameterization or flipout.
enum EstimatorChoice: String, CaseIterable, ExpressibleByArgument {
    case local, reparameterization, flipout
}

/// `--kl-weighting` of `bnn`.
enum KLWeightingChoice: String, CaseIterable, ExpressibleByArgument {
    case uniform, geometric

    var weighting: KLWeighting { self == .uniform ? .uniform : .geometric }
}

/// `--input-scale`: a positive number, written as a decimal (`0.0079`) or a fraction (`1/126`).
struct InputScale: ExpressibleByArgument {
    let value: Float

    init(_ value: Float) {
        self.value = value
    }

    init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let numerator = Float(parts[0]), let denominator = parts.count == 2 ? Float(parts[1]) : 1 else { return nil }
        let value = numerator / denominator
        guard value > 0, value.isFinite else { return nil }
        self.value = value
    }

    var defaultValueDescription: String { "1/255" }
}

extension DeepBayesCLI {
    /// What `deepbayes --version` prints.
    public static let version = "1.1.0"
}
