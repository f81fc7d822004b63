import DeepBayesCore
import DeepBayesModels
import DeepBayesNN

/// A model built from a `ModelSpec` on a backend.
public enum TrainableModel {
    case classifier(ClassifierModel)
    case vae(VAEModel)
    case gan(GANModel)

    /// Builds the model `spec` describes, with initial values from `spec.seed`.
    public init(_ spec: ModelSpec, on backend: any Backend) throws {
        try self.init(spec, initializer: ParameterInitializer(backend: backend, seed: spec.seed))
    }

    /// Builds the model `spec` describes with initial values from `initializer` (whose
    /// `drawnStreams` then lists every stream the initialization used).
    public init(_ spec: ModelSpec, initializer: ParameterInitializer) throws {
        switch spec.kind {
        case .bnn, .mcdropout, .mlp:
            guard let architecture = ClassifierArchitecture(rawValue: spec.architecture) else {
                throw DeepBayesError.invalidArgument(operation: spec.kind.rawValue, reason: "unknown architecture '\(spec.architecture)' (\(ClassifierArchitecture.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let kind: ClassifierModel.Kind
            switch spec.kind {
            case .bnn: kind = .bayesian(prior: try spec.prior.weightPrior(), estimator: try spec.bayesianEstimator())
            case .mcdropout: kind = .mcDropout(p: spec.dropout)
            default: kind = .deterministic(dropout: spec.dropout)
            }
            self = .classifier(try ClassifierModel(architecture: architecture, hidden: spec.hidden, kind: kind, rhoInitial: spec.rhoInitial,
                                                   inputScaling: spec.inputScaling, learnsLogitVariance: spec.logitVariance, initializer))
        case .vae:
            guard spec.architecture == "mlp", spec.hidden.count == 1 else {
                throw DeepBayesError.invalidArgument(operation: "vae", reason: "the VAE is an mlp with one hidden layer, got \(spec.architecture) \(spec.hidden)")
            }
            self = .vae(try VAEModel(hidden: spec.hidden[0], latent: spec.latent, initializer))
        case .gan:
            guard let architecture = GANArchitecture(rawValue: spec.architecture) else {
                throw DeepBayesError.invalidArgument(operation: "gan", reason: "unknown architecture '\(spec.architecture)' (mlp or dcgan)")
            }
            self = .gan(try GANModel(architecture: architecture, initializer))
        }
    }

    /// Every parameter and buffer by its checkpoint name.
    public var namedParameters: [NamedParameter] {
        switch self {
        case let .classifier(model): return model.namedParameters
        case let .vae(model): return model.namedParameters
        case let .gan(model): return model.namedParameters
        }
    }
}
