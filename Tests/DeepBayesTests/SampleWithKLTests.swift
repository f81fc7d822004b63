import DeepBayesBackendConformance
import DeepBayesBackends
import DeepBayesNN
import Testing

/// The fused `sampleWithKL` kernels against the unfused kernels they replace, on every shipped
/// backend, and the Bayesian layers' use of them: the same random streams in the same order.
@Suite struct SampleWithKLTests {
    static let priors: [WeightPrior] = [.gaussian(sigma: 0.5), .scaleMixture(KernelCases.mixturePrior)]

    /// Every shipped backend runs both kernels natively (so the conformance kit's
    /// defaults-against-native comparison compares two implementations).
    @Test(arguments: TestBackends.names)
    func backendRunsTheFusedKernelsNatively(backendName: String) {
        let native = TestBackends.backend(backendName).capabilities.nativeKernels
        #expect(native.isSuperset(of: [.sampleWithKL, .sampleWithKLBackward]))
    }

    /// The fused forward pass against `sampleGaussian` then `klGaussian` or `mixtureKL` (at that
    /// sample), on sizes that cover one element, odd sizes and several blocks of the
    /// deterministic sums. Sample and noise are bit for bit the same (one Philox draw, one
    /// formula); so is the KL: the native kernels write the unfused kernels' terms by the same
    /// expressions and sum them in the same blocks and order (CPU: `Parallel.deterministicSum`;
    /// OpenCL: `sumBuffer`).
    @Test(arguments: TestBackends.names)
    func forwardEqualsTheUnfusedKernels(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        var random = HostRandom(seed: 51)
        for (index, n) in [1, 15, 16, 17, 1000, 4097, 9001].enumerated() {
            let mu = try backend.tensor(random.array(n), shape: [n]), rho = try backend.tensor(random.array(n, -8, 1), shape: [n])
            let stream = RandomStream(seed: 23, stream: UInt64(index))
            let unfused = try backend.sampleGaussian(mu: mu, rho: rho, random: stream)
            for prior in Self.priors {
                let fused = try backend.sampleWithKL(mu: mu, rho: rho, prior: prior, random: stream)
                let kl: Tensor
                switch prior {
                case let .gaussian(sigma): kl = try backend.klGaussian(mu: mu, rho: rho, priorSigma: sigma)
                case let .scaleMixture(mixture): kl = try backend.mixtureKL(sample: unfused.sample, mu: mu, rho: rho, prior: mixture)
                }
                #expect(try fused.sample.toArray() == unfused.sample.toArray(), "sample n=\(n) \(prior)")
                #expect(try fused.noise.toArray() == unfused.noise.toArray(), "noise n=\(n) \(prior)")
                #expect(try fused.kl.scalar() == kl.scalar(), "kl n=\(n) \(prior)")
            }
        }
    }

    /// The fused backward pass against the unfused kernels as the tape combined them:
    /// `klGaussianBackward` plus `sampleGaussianBackward`, or `mixtureKLBackward` at the sample,
    /// its sample gradient added to the upstream one and that sent through
    /// `sampleGaussianBackward`. For the Gaussian prior the native kernels evaluate the same
    /// expressions and sums, within `Tolerance.elementwise` of `max(1, |gradient|)` (bit for bit
    /// on the CPU; an OpenCL compiler may contract a product and a sum of the fused kernel into
    /// one rounding). For the mixture the fused kernels cancel the posterior's `±g·(w-μ)/σ²`
    /// exactly where the unfused path subtracts them in floats, so the two differ by the unfused
    /// path's rounding of those terms: within `Tolerance.transcendental` of
    /// `max(1, |gradient|) + |g|·(1 + |ε|)²/σ`.
    @Test(arguments: TestBackends.names)
    func backwardEqualsTheUnfusedKernels(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        var random = HostRandom(seed: 52)
        for (index, n) in [1, 17, 1000, 4097].enumerated() {
            let shape: Shape = [n]
            let muValues = random.array(n), rhoValues = random.array(n, -6, 1), upstream: Float = 0.6
            let mu = try backend.tensor(muValues, shape: shape), rho = try backend.tensor(rhoValues, shape: shape)
            let gradSample = try backend.tensor(random.array(n), shape: shape), gradKL = try backend.tensor([upstream], shape: .scalar)
            let (sample, noise) = try backend.sampleGaussian(mu: mu, rho: rho, random: RandomStream(seed: 29, stream: UInt64(index)))
            let noiseValues = try noise.toArray()
            for prior in Self.priors {
                let fused = try backend.sampleWithKLBackward(mu: mu, rho: rho, noise: noise, prior: prior, gradSample: gradSample, gradKL: gradKL)
                let unfused: (mu: Tensor, rho: Tensor)
                let bound: (Int, Float) -> Float
                switch prior {
                case let .gaussian(sigma):
                    let kl = try backend.klGaussianBackward(mu: mu, rho: rho, priorSigma: sigma, gradOutput: gradKL)
                    let viaSample = try backend.sampleGaussianBackward(rho: rho, noise: noise, gradSample: gradSample)
                    unfused = (try backend.combine(.add, kl.mu, gradSample), try backend.combine(.add, kl.rho, viaSample))
                    bound = { _, gradient in backendName == "cpu" ? 0 : Float(Tolerance.elementwise) * max(1, abs(gradient)) }
                case let .scaleMixture(mixture):
                    let kl = try backend.mixtureKLBackward(sample: sample, mu: mu, rho: rho, prior: mixture, gradOutput: gradKL)
                    let gradWeight = try backend.combine(.add, kl.sample, gradSample)
                    let viaSample = try backend.sampleGaussianBackward(rho: rho, noise: noise, gradSample: gradWeight)
                    unfused = (try backend.combine(.add, kl.mu, gradWeight), try backend.combine(.add, kl.rho, viaSample))
                    bound = { i, gradient in
                        let sigma = Float(Reference.softplus(Double(rhoValues[i]))), e = abs(noiseValues[i])
                        return Float(Tolerance.transcendental) * (max(1, abs(gradient)) + upstream * (1 + e) * (1 + e) / sigma)
                    }
                }
                for (name, got, want) in [("mu", try fused.mu.toArray(), try unfused.mu.toArray()), ("rho", try fused.rho.toArray(), try unfused.rho.toArray())] {
                    let worst = want.indices.first { abs(got[$0] - want[$0]) > bound($0, want[$0]) }
                    #expect(worst == nil, "\(name) n=\(n) \(prior): element \(worst ?? 0) is \(worst.map { got[$0] } ?? 0), unfused \(worst.map { want[$0] } ?? 0)")
                }
            }
        }
    }

    /// A Bayesian dense layer's pass draws its weight and then its bias from the pass's first
    /// two streams, exactly as `sampleGaussian` draws them, and adds their KL terms: the fused
    /// path leaves a run's samples and losses where the unfused one had them.
    @Test(arguments: TestBackends.names)
    func layerDrawsTheSameStreamsInTheSameOrder(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        var random = HostRandom(seed: 53)
        let x = try backend.tensor(random.array(5 * 4), shape: [5, 4])
        for prior in Self.priors {
            let layer = try BayesDense(inputs: 4, outputs: 3, prior: prior, rhoInitial: -2, ParameterInitializer(backend: backend, seed: 54))
            let pass = RandomPass(.training, index: 7)
            let context = ForwardContext(tape: Tape(backend: backend), mode: .training, seed: 31, pass: pass)
            let output = try layer(context.tape.constant(x), context)
            let kl = try context.totalKL().value.scalar()
            let w = try backend.sampleGaussian(mu: layer.weight.mu.value, rho: layer.weight.rho.value, random: pass.randomStream(seed: 31, draw: 0))
            let b = try backend.sampleGaussian(mu: layer.bias.mu.value, rho: layer.bias.rho.value, random: pass.randomStream(seed: 31, draw: 1))
            let expected = try backend.combine(.add, backend.matmul(x, w.sample), b.sample, alongAxis: 1)
            #expect(try output.value.toArray() == expected.toArray(), "\(prior)")
            let weightKL = try backend.sampleWithKL(mu: layer.weight.mu.value, rho: layer.weight.rho.value, prior: prior,
                                                    random: pass.randomStream(seed: 31, draw: 0)).kl.scalar()
            let biasKL = try backend.sampleWithKL(mu: layer.bias.mu.value, rho: layer.bias.rho.value, prior: prior,
                                                  random: pass.randomStream(seed: 31, draw: 1)).kl.scalar()
            #expect(kl == weightKL + biasKL, "\(prior)")
        }
    }
}
