import DeepBayesCore
import DeepBayesNN

/// Weight pruning by signal-to-noise ratio `|μ| / σ` (Blundell et al. 2015, section 5.1): the
/// given fraction of weights with the lowest ratio, over all Bayesian layers together, is set
/// to exactly zero (`μ = 0`, `ρ = -30`, so `σ = softplus(-30) ≈ 1e-13`). Biases are kept.
public enum SignalToNoisePruning {
    /// The `ρ` of a pruned weight.
    public static let prunedRho: Float = -30

    /// The weight posteriors of every Bayesian layer of `network`.
    public static func weightPosteriors(of network: Sequential) -> [GaussianPosterior] {
        network.layers.flatMap { layer -> [GaussianPosterior] in
            if let encoder = layer as? SequenceEncoder { return encoder.stack.layers.flatMap(\.weightPosteriors) }
            return [(layer as? BayesDense)?.weight ?? (layer as? BayesConv2D)?.weight].compactMap { $0 }
        }
    }

    /// `|μ| / σ` of every weight of every Bayesian layer, layer after layer.
    public static func ratios(of network: Sequential) throws -> [[Float]] {
        try weightPosteriors(of: network).map { try $0.signalToNoise($0.mu.value.backend).toArray() }
    }

    /// The ratio at or below which `prune` removes `fraction` of the weights with these
    /// `ratios` (nil when it removes none).
    public static func threshold(_ ratios: [Float], fraction: Double) -> Float? {
        let count = prunedCount(of: ratios.count, fraction: fraction)
        return count > 0 ? ratios.sorted()[count - 1] : nil
    }

    /// How many of `weights` weights `prune` removes for `fraction`: `round(fraction · weights)`.
    public static func prunedCount(of weights: Int, fraction: Double) -> Int {
        Int((fraction * Double(weights)).rounded())
    }

    /// Prunes `fraction` (in [0, 1]) of the weights of `network`; returns how many were pruned.
    @discardableResult
    public static func prune(_ network: Sequential, fraction: Double) throws -> Int {
        guard fraction >= 0, fraction <= 1 else {
            throw DeepBayesError.invalidArgument(operation: "prune", reason: "fraction \(fraction) must lie in [0, 1]")
        }
        let posteriors = weightPosteriors(of: network)
        guard !posteriors.isEmpty else {
            throw DeepBayesError.invalidArgument(operation: "prune", reason: "the model has no Bayesian layers")
        }
        let ratios = try self.ratios(of: network), all = ratios.flatMap { $0 }
        guard let threshold = threshold(all, fraction: fraction) else { return 0 }
        let count = prunedCount(of: all.count, fraction: fraction)
        var pruned = 0
        for (posterior, ratio) in zip(posteriors, ratios) {
            var mu = try posterior.mu.value.toArray(), rho = try posterior.rho.value.toArray()
            for i in ratio.indices where ratio[i] <= threshold && pruned < count {
                mu[i] = 0
                rho[i] = prunedRho
                pruned += 1
            }
            let backend = posterior.mu.value.backend
            posterior.mu.value = try backend.tensor(mu, shape: posterior.mu.shape)
            posterior.rho.value = try backend.tensor(rho, shape: posterior.rho.shape)
        }
        return pruned
    }
}
