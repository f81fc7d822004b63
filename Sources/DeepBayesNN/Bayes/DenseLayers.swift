import DeepBayesCore

/// The dense layers of models that come in a Bayesian and a point-weight kind (the classifier,
/// the regressor): `BayesDense` with its Gaussian posteriors when `posterior` gives the prior
/// and the estimator, a plain `Dense` otherwise.
public enum DenseLayers {
    /// A layer of `inputs → outputs`; a Bayesian one starts at `σ = softplus(rhoInitial)`.
    public static func make(inputs: Int, outputs: Int, posterior: (prior: WeightPrior, estimator: BayesianEstimator)?, rhoInitial: Float,
                            _ initializer: ParameterInitializer) throws -> any Layer {
        guard let (prior, estimator) = posterior else { return try Dense(inputs: inputs, outputs: outputs, initializer) }
        return try BayesDense(inputs: inputs, outputs: outputs, prior: prior, estimator: estimator, rhoInitial: rhoInitial, initializer)
    }
}
