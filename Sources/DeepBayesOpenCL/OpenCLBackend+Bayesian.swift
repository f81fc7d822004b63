import DeepBayesCore

extension OpenCLBackend {
    /// `w = μ + softplus(ρ)·ε` with Philox normals `ε`, fused (kernel `sample_gaussian`).
    public func _sampleGaussian(_ mu: Tensor, _ rho: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor) {
        try sample("sample_gaussian", mu, rho, random)
    }

    /// `∂L/∂ρ = g·ε·sigmoid(ρ)` (kernel `sample_gaussian_backward`).
    public func _sampleGaussianBackward(_ rho: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor {
        try elementwise("sample_gaussian_backward", rho, noise, gradSample)
    }

    /// `b = m + √(v + 1e-8)·ε` (kernel `sample_local`).
    public func _sampleLocal(_ mean: Tensor, _ variance: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor) {
        try sample("sample_local", mean, variance, random)
    }

    /// `∂L/∂v = g·ε / (2s)` (kernel `sample_local_backward`).
    public func _sampleLocalBackward(_ variance: Tensor, _ noise: Tensor, _ gradSample: Tensor) throws -> Tensor {
        try elementwise("sample_local_backward", variance, noise, gradSample)
    }

    /// `Σ KL(N(μ, σ²) ‖ N(0, s²))`: per-element terms (kernel `kl_gaussian_terms`), then the
    /// deterministic `sumBuffer`; a `[]` tensor on the device.
    public func _klGaussian(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float) throws -> Tensor {
        try summedTerms("kl_gaussian_terms", [mu, rho], [.float(s)])
    }

    /// Gradients of `klGaussian` for a scalar `g` on the device (kernel `kl_gaussian_backward`).
    public func _klGaussianBackward(_ mu: Tensor, _ rho: Tensor, priorSigma s: Float, _ gradOutput: Tensor) throws -> (mu: Tensor, rho: Tensor) {
        let (dmu, dmuOut) = try makeTensor(mu.shape)
        let (drho, drhoOut) = try makeTensor(mu.shape)
        try launch(.bayes, "kl_gaussian_backward", global: [chunks(mu.count)],
                   [.buffer(try buffer(mu)), .buffer(try buffer(rho)), .buffer(try buffer(gradOutput)), .buffer(dmuOut), .buffer(drhoOut),
                    .int(mu.count), .float(s)])
        return (dmu, drho)
    }

    /// `Σ log N(w; μ, σ²) - log p(w)` for the scale-mixture prior, log-sum-exp inside (kernel
    /// `mixture_kl_terms`, then `sumBuffer`).
    public func _mixtureKL(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior) throws -> Tensor {
        try summedTerms("mixture_kl_terms", [sample, mu, rho], priorArguments(prior))
    }

    /// Partial gradients of `mixtureKL` for a scalar `g` on the device (kernel `mixture_kl_backward`).
    public func _mixtureKLBackward(_ sample: Tensor, _ mu: Tensor, _ rho: Tensor, prior: ScaleMixturePrior,
                                  _ gradOutput: Tensor) throws -> (sample: Tensor, mu: Tensor, rho: Tensor) {
        let (dw, dwOut) = try makeTensor(mu.shape)
        let (dmu, dmuOut) = try makeTensor(mu.shape)
        let (drho, drhoOut) = try makeTensor(mu.shape)
        try launch(.bayes, "mixture_kl_backward", global: [chunks(mu.count)],
                   [sample, mu, rho, gradOutput].map { .buffer(try buffer($0)) }
                   + [.buffer(dwOut), .buffer(dmuOut), .buffer(drhoOut), .int(mu.count)] + priorArguments(prior))
        return (dw, dmu, drho)
    }

    /// `sampleGaussian`'s sample and noise with the per-element KL terms of `klGaussian` or
    /// `mixtureKL` (kernel `sample_with_kl_gaussian` or `sample_with_kl_mixture`), summed by the
    /// same deterministic `sumBuffer` as the unfused KL.
    public func _sampleWithKL(_ mu: Tensor, _ rho: Tensor, prior: WeightPrior, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor, kl: Tensor) {
        let count = mu.count
        let (sample, sampleOut) = try makeTensor(mu.shape)
        let (noise, noiseOut) = try makeTensor(mu.shape)
        let terms = try makeBuffer(count: count)
        let (kernel, priorArguments) = sampleWithKLKernel(prior)
        try launch(.bayes, kernel, global: [chunks(count)],
                   [.buffer(try buffer(mu)), .buffer(try buffer(rho)), .buffer(sampleOut), .buffer(noiseOut), .buffer(terms), .int(count),
                    .ulong(random.seed), .ulong(random.stream), .ulong(random.firstBlock)] + priorArguments)
        return (sample, noise, wrap(try sumBuffer(terms, count: count), .scalar))
    }

    /// Both paths' gradients of `sampleWithKL` for `μ` and `ρ` in one kernel
    /// (`sample_with_kl_gaussian_backward` or `sample_with_kl_mixture_backward`), `gradKL` on the device.
    public func _sampleWithKLBackward(_ mu: Tensor, _ rho: Tensor, _ noise: Tensor, prior: WeightPrior,
                                      _ gradSample: Tensor, _ gradKL: Tensor) throws -> (mu: Tensor, rho: Tensor) {
        let (dmu, dmuOut) = try makeTensor(mu.shape)
        let (drho, drhoOut) = try makeTensor(mu.shape)
        let (kernel, priorArguments) = sampleWithKLKernel(prior)
        try launch(.bayes, kernel + "_backward", global: [chunks(mu.count)],
                   [mu, rho, noise, gradSample, gradKL].map { .buffer(try buffer($0)) } + [.buffer(dmuOut), .buffer(drhoOut), .int(mu.count)]
                   + priorArguments)
        return (dmu, drho)
    }

    /// Per-row VAE KL `-½ Σ_d (1 + λ - μ² - e^λ)` (kernel `kl_standard_normal`, one work-item per row).
    public func _klStandardNormal(_ mean: Tensor, _ logVariance: Tensor) throws -> Tensor {
        let (rows, cols) = (mean.shape[0], mean.shape[1])
        let (k, out) = try makeTensor([rows])
        try launch(.bayes, "kl_standard_normal", global: [rows],
                   [.buffer(try buffer(mean)), .buffer(try buffer(logVariance)), .buffer(out), .int(rows), .int(cols)])
        return k
    }

    /// `∂/∂μ = g[r]·μ`, `∂/∂λ = g[r]·½(e^λ - 1)` (kernel `kl_standard_normal_backward`).
    public func _klStandardNormalBackward(_ mean: Tensor, _ logVariance: Tensor, _ gradOutput: Tensor) throws -> (mean: Tensor, logVariance: Tensor) {
        let (dmean, dmeanOut) = try makeTensor(mean.shape)
        let (dlv, dlvOut) = try makeTensor(mean.shape)
        try launch(.bayes, "kl_standard_normal_backward", global: [mean.count],
                   [.buffer(try buffer(mean)), .buffer(try buffer(logVariance)), .buffer(try buffer(gradOutput)), .buffer(dmeanOut), .buffer(dlvOut),
                    .int(mean.count), .int(mean.shape[1])])
        return (dmean, dlv)
    }

    /// Runs a sampling kernel over Philox blocks: arguments a, b, sample, noise, n, seed, stream, first block.
    private func sample(_ kernel: String, _ a: Tensor, _ b: Tensor, _ random: RandomStream) throws -> (sample: Tensor, noise: Tensor) {
        let (sample, sampleOut) = try makeTensor(a.shape)
        let (noise, noiseOut) = try makeTensor(a.shape)
        try launch(.bayes, kernel, global: [chunks(a.count)],
                   [.buffer(try buffer(a)), .buffer(try buffer(b)), .buffer(sampleOut), .buffer(noiseOut), .int(a.count),
                    .ulong(random.seed), .ulong(random.stream), .ulong(random.firstBlock)])
        return (sample, noise)
    }

    /// Runs an elementwise kernel of three inputs and one output of the first input's shape.
    private func elementwise(_ kernel: String, _ a: Tensor, _ b: Tensor, _ c: Tensor) throws -> Tensor {
        let (result, out) = try makeTensor(a.shape)
        try launch(.bayes, kernel, global: [chunks(a.count)],
                   [.buffer(try buffer(a)), .buffer(try buffer(b)), .buffer(try buffer(c)), .buffer(out), .int(a.count)])
        return result
    }

    /// Writes per-element terms with `kernel` (inputs, terms, n, extra) and sums them on the device.
    private func summedTerms(_ kernel: String, _ inputs: [Tensor], _ extra: [KernelArgument]) throws -> Tensor {
        let count = inputs[0].count
        let terms = try makeBuffer(count: count)
        try launch(.bayes, kernel, global: [chunks(count)], inputs.map { .buffer(try buffer($0)) } + [.buffer(terms), .int(count)] + extra)
        return wrap(try sumBuffer(terms, count: count), .scalar)
    }

    /// The forward kernel of `sampleWithKL` for `prior` (its backward kernel adds `_backward`)
    /// and the prior's arguments: `s`, or π, σ₁, σ₂.
    private func sampleWithKLKernel(_ prior: WeightPrior) -> (String, [KernelArgument]) {
        switch prior {
        case let .gaussian(sigma): return ("sample_with_kl_gaussian", [.float(sigma)])
        case let .scaleMixture(mixture): return ("sample_with_kl_mixture", priorArguments(mixture))
        }
    }

    /// π, σ₁, σ₂ as kernel arguments.
    private func priorArguments(_ prior: ScaleMixturePrior) -> [KernelArgument] {
        [.float(prior.pi), .float(prior.sigma1), .float(prior.sigma2)]
    }
}
