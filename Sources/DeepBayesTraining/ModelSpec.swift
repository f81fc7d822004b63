import DeepBayesCore
import DeepBayesModels
import DeepBayesNN
import Foundation

/// The models the CLI trains.
public enum ModelKind: String, Codable, CaseIterable, Sendable {
    /// Bayes by Backprop, MC dropout, a plain network (with or without dropout), the VAE, GANs.
    case bnn, mcdropout, mlp, vae, gan

    /// Whether the model classifies MNIST digits (and is evaluated on Fashion-MNIST as OOD).
    public var isClassifier: Bool { self == .bnn || self == .mcdropout || self == .mlp }

    /// Adam's learning rate when none is given: 2e-4 for GANs (Radford et al.), else 1e-3.
    public var defaultLearningRate: Float { self == .gan ? 2e-4 : 1e-3 }
}

/// The prior of a Bayes-by-Backprop model, as stored in checkpoints.
public struct PriorSpec: Codable, Equatable, Sendable {
    /// `mixture` or `gaussian`.
    public var kind: String
    /// Mixture weight of the wide component (mixture only).
    public var pi: Float
    /// The wide scale (mixture) or the only scale (gaussian).
    public var sigma1: Float
    /// The narrow scale (mixture only).
    public var sigma2: Float

    /// Blundell et al.'s scale mixture: `pi`, `-log s1`, `-log s2` (defaults ½, 0, 6).
    public static func mixture(pi: Float = 0.5, negativeLogSigma1: Float = 0, negativeLogSigma2: Float = 6) -> PriorSpec {
        PriorSpec(kind: "mixture", pi: pi, sigma1: exp(-negativeLogSigma1), sigma2: exp(-negativeLogSigma2))
    }

    /// `N(0, sigma²)`.
    public static func gaussian(sigma: Float = 1) -> PriorSpec {
        PriorSpec(kind: "gaussian", pi: 1, sigma1: sigma, sigma2: sigma)
    }

    /// The layer-level prior; throws for an unknown kind or invalid scales.
    public func weightPrior() throws -> WeightPrior {
        switch kind {
        case "mixture": return .scaleMixture(try ScaleMixturePrior(pi: pi, sigma1: sigma1, sigma2: sigma2))
        case "gaussian":
            guard sigma1 > 0, sigma1.isFinite else {
                throw DeepBayesError.invalidArgument(operation: "prior", reason: "gaussian sigma \(sigma1) must be positive")
            }
            return .gaussian(sigma: sigma1)
        default: throw DeepBayesError.invalidArgument(operation: "prior", reason: "unknown prior '\(kind)' (mixture or gaussian)")
        }
    }
}

/// Everything needed to rebuild a model: saved in every checkpoint, so `evaluate`, `sample` and
/// `prune` need no flags. A checkpoint stores the fields of the model's kind only (`fields(of:)`).
public struct ModelSpec: Codable, Equatable, Sendable {
    public var kind: ModelKind
    /// `mlp` or `conv` for classifiers, `mlp` or `dcgan` for GANs, `mlp` for the VAE.
    public var architecture: String
    /// Hidden layer widths (classifiers: each dense hidden layer; VAE: the one hidden layer).
    public var hidden: [Int]
    /// Latent size (VAE).
    public var latent: Int
    /// Prior (bnn).
    public var prior: PriorSpec
    /// `reparameterization`, `local` or `flipout` (bnn).
    public var estimator: String
    /// Initial ρ of every posterior scale (bnn).
    public var rhoInitial: Float
    /// Dropout probability (mcdropout; mlp, where 0 means none).
    public var dropout: Float
    /// What the classifiers multiply a pixel's byte value (0...255) by: 1/255 (pixels in
    /// [0, 1]) by default, 1/126 as Blundell et al. do.
    public var inputScale: Float
    /// Whether the classifier also learns a variance for each logit, its aleatoric uncertainty
    /// (Kendall and Gal 2017; `ClassifierModel.logitVarianceHead`).
    public var logitVariance: Bool
    /// The seed of the initial values and of every random stream of training.
    public var seed: UInt64

    /// The default `inputScale`: pixels in [0, 1].
    public static let byteScale: Float = 1 / 255

    enum CodingKeys: String, CodingKey {
        case kind, architecture, hidden, latent, prior, estimator, rhoInitial, dropout, inputScale, logitVariance, seed
    }

    /// The fields a model of `kind` has: a checkpoint stores these only, and a description
    /// lacking one of them is refused naming it (except those of `optionalFields`).
    static func fields(of kind: ModelKind) -> [CodingKeys] {
        switch kind {
        case .bnn: return [.kind, .architecture, .hidden, .prior, .estimator, .rhoInitial, .inputScale, .logitVariance, .seed]
        case .mcdropout, .mlp: return [.kind, .architecture, .hidden, .dropout, .inputScale, .logitVariance, .seed]
        case .vae: return [.kind, .architecture, .hidden, .latent, .seed]
        case .gan: return [.kind, .architecture, .seed]
        }
    }

    /// Fields that older checkpoints do not store: absent, they take the default with which
    /// those checkpoints were trained (`inputScale` 1/255, before version 1.2; no
    /// `logitVariance`, before 1.3).
    static let optionalFields: Set<String> = [CodingKeys.inputScale.rawValue, CodingKeys.logitVariance.rawValue]

    /// The factor the classifier applies to its [0, 1] pixels: `inputScale · 255`.
    public var inputScaling: Float { inputScale == Self.byteScale ? 1 : inputScale * 255 }

    public init(kind: ModelKind, architecture: String, hidden: [Int], latent: Int, prior: PriorSpec, estimator: String,
                rhoInitial: Float, dropout: Float, inputScale: Float = ModelSpec.byteScale, logitVariance: Bool = false, seed: UInt64) {
        self.kind = kind
        self.architecture = architecture
        self.hidden = hidden
        self.latent = latent
        self.prior = prior
        self.estimator = estimator
        self.rhoInitial = rhoInitial
        self.dropout = dropout
        self.inputScale = inputScale
        self.logitVariance = logitVariance
        self.seed = seed
    }

    /// Decodes the fields of the description's kind (each one required); the others keep the
    /// kind's defaults (and are ignored if an older checkpoint stored them).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(ModelKind.self, forKey: .kind)
        self = ModelSpec.defaults(for: kind)
        let fields = Set(Self.fields(of: kind).map(\.rawValue))
        func field<T: Decodable>(_ key: CodingKeys, _ current: T) throws -> T {
            guard fields.contains(key.rawValue) else { return current }
            if Self.optionalFields.contains(key.rawValue) { return try container.decodeIfPresent(T.self, forKey: key) ?? current }
            return try container.decode(T.self, forKey: key)
        }
        architecture = try field(.architecture, architecture)
        hidden = try field(.hidden, hidden)
        latent = try field(.latent, latent)
        prior = try field(.prior, prior)
        estimator = try field(.estimator, estimator)
        rhoInitial = try field(.rhoInitial, rhoInitial)
        dropout = try field(.dropout, dropout)
        inputScale = try field(.inputScale, inputScale)
        logitVariance = try field(.logitVariance, logitVariance)
        seed = try field(.seed, seed)
    }

    /// Encodes the fields of the model's kind only.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for key in Self.fields(of: kind) {
            switch key {
            case .kind: try container.encode(kind, forKey: key)
            case .architecture: try container.encode(architecture, forKey: key)
            case .hidden: try container.encode(hidden, forKey: key)
            case .latent: try container.encode(latent, forKey: key)
            case .prior: try container.encode(prior, forKey: key)
            case .estimator: try container.encode(estimator, forKey: key)
            case .rhoInitial: try container.encode(rhoInitial, forKey: key)
            case .dropout: try container.encode(dropout, forKey: key)
            case .inputScale: try container.encode(inputScale, forKey: key)
            case .logitVariance: try container.encode(logitVariance, forKey: key)
            case .seed: try container.encode(seed, forKey: key)
            }
        }
    }

    /// This description with the fields its kind does not have set to the kind's defaults:
    /// what a checkpoint of it reads back as.
    public var normalized: ModelSpec {
        var normal = ModelSpec.defaults(for: kind, architecture: architecture)
        normal.seed = seed
        let fields = Self.fields(of: kind)
        if fields.contains(.hidden) { normal.hidden = hidden }
        if fields.contains(.latent) { normal.latent = latent }
        if fields.contains(.prior) { normal.prior = prior }
        if fields.contains(.estimator) { normal.estimator = estimator }
        if fields.contains(.rhoInitial) { normal.rhoInitial = rhoInitial }
        if fields.contains(.dropout) { normal.dropout = dropout }
        if fields.contains(.inputScale) { normal.inputScale = inputScale }
        if fields.contains(.logitVariance) { normal.logitVariance = logitVariance }
        return normal
    }

    /// The defaults of each model kind (the sizes the README names), with `architecture`:
    /// dropout ½ for mcdropout, none for mlp; for lstm and gru one recurrent layer of 128 and
    /// mcdropout's variational dropout ¼ (its masks hold for all 28 steps of a sequence).
    public static func defaults(for kind: ModelKind, architecture: String = "mlp") -> ModelSpec {
        let recurrent = kind.isClassifier && ClassifierArchitecture(rawValue: architecture)?.recurrentCell != nil
        return ModelSpec(kind: kind, architecture: architecture, hidden: kind == .vae ? [400] : recurrent ? [128] : [400, 400], latent: 20,
                         prior: .mixture(), estimator: "local", rhoInitial: -5, dropout: kind == .mlp ? 0 : recurrent ? RecurrentLayer.defaultMonteCarloDropout : 0.5, seed: 1)
    }

    /// The layer-level estimator; throws for an unknown name.
    public func bayesianEstimator() throws -> BayesianEstimator {
        switch estimator {
        case "reparameterization": return .reparameterization
        case "local": return .localReparameterization
        case "flipout": return .flipout
        default: throw DeepBayesError.invalidArgument(operation: "estimator", reason: "unknown estimator '\(estimator)' (reparameterization, local, flipout)")
        }
    }

    /// The spec as compact JSON (checkpoint metadata).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Parses `json()`'s output; `path` names the checkpoint in errors: a missing field or one
    /// of the wrong type is named ("the model description lacks the field 'latent'").
    public static func parse(_ json: String, path: String) throws -> ModelSpec {
        try DescriptionDecoding.decode(ModelSpec.self, from: json, path: path, description: "the model description")
    }
}
