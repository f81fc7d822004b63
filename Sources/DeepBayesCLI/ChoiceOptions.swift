import ArgumentParser
import DeepBayesModels
import DeepBayesTraining

/// The options whose values form a fixed set, as types: `--help` and shell completion list the
/// values, and a value outside them is refused while the options are parsed, before anything
/// is created.

/// `--arch`: which values a model takes is checked in `TrainCommand.validate`.
enum ArchitectureChoice: String, CaseIterable, ExpressibleByArgument {
    case mlp, conv, dcgan

    /// The architectures `model` has.
    static func allowed(for model: ModelKind) -> [ArchitectureChoice] {
        switch model {
        case .bnn, .mcdropout: return ClassifierArchitecture.allCases.compactMap { ArchitectureChoice(rawValue: $0.rawValue) }
        case .vae: return [.mlp]
        case .gan: return GANArchitecture.allCases.compactMap { ArchitectureChoice(rawValue: $0.rawValue) }
        }
    }
}

/// `--prior` of `bnn`.
enum PriorChoice: String, CaseIterable, ExpressibleByArgument {
    case mixture, gaussian
}

/// `--estimator` of `bnn`: local reparameterization, plain reparameterization or flipout.
enum EstimatorChoice: String, CaseIterable, ExpressibleByArgument {
    case local, reparameterization, flipout
}

extension DeepBayesCLI {
    /// What `deepbayes --version` prints.
    public static let version = "1.1.0"
}
