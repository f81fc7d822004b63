import DeepBayesBackendConformance
import DeepBayesCore
import DeepBayesNN
import DeepBayesOpenCL
import Testing

/// The fused layer kernels (bias add with activation, batch statistics) beyond the conformance
/// kit's values: every shipped backend runs them natively, they compute what the composition of
/// the primitives computes, and a `Sequential` that fuses its bias-and-activation pairs gives
/// what its layers give one by one, drawing the same random streams.
@Suite struct FusedLayerTests {
    static let layerKernels: Set<FusedKernel> = [.biasActivation, .biasActivationBackward, .batchNormStatistics, .batchNormStatisticsBackward]

    /// Backend `name` with every layer kernel native: on OpenCL with its work-group reductions
    /// on, which are off by default on CPU devices such as PoCL.
    static func layerBackend(_ name: String) -> any Backend {
        if name == "opencl", let backend = FeatureGroupReductionTests.groupBackend { return backend }
        return TestBackends.backend(name)
    }

    @Test(arguments: TestBackends.names)
    func backendRunsTheLayerKernelsNatively(backendName: String) {
        let native = Self.layerBackend(backendName).capabilities.nativeKernels
        #expect(Self.layerKernels.isSubset(of: native), "\(backendName) composes \(Self.layerKernels.subtracting(native))")
    }

    /// Fused equals unfused, kernel by kernel: each native kernel against its `FusedDefaults`
    /// composition on the same device (`DefaultsOnlyBackend`). The CPU kernels follow the
    /// composition's order of operations and sum as `sumBroadcast` does (including the bias
    /// gradient of a batch of one long image, which takes the unfused path), so they must agree
    /// bit for bit; elsewhere the sums are ordered differently (a work-group's halving tree
    /// against one work-item's loop), so they must agree within twice the case's tolerance
    /// (each side may be off by it).
    @Test(arguments: TestBackends.names)
    func nativeKernelsEqualTheirComposition(backendName: String) throws {
        let backend = Self.layerBackend(backendName), composed = DefaultsOnlyBackend(backend)
        for kernel in KernelCases.layers {
            let native = try kernel.run(backend), defaults = try kernel.run(composed)
            if backendName == "cpu" {
                #expect(native == defaults, "\(kernel.name)")
            } else {
                let error = normalizedError(native, defaults.map(Double.init))
                #expect(error <= 2 * kernel.tolerance, "\(kernel.name): native and composed differ by \(error)")
            }
        }
    }

    /// The layers of a model with every kind of fused pair: Conv2D, ConvTranspose2D and
    /// BatchNorm (on NCHW maps), Dense, BatchNorm (on features), BayesDense with the
    /// reparameterization, flipout and local-reparameterization estimators (the last applies
    /// its activation after the sample, unfused), and a BayesConv2D; each followed by an
    /// activation, with a dropout and a flatten that do not fuse, and a final Dense alone.
    static func layers(_ backend: any Backend) throws -> [any Layer] {
        let initializer = ParameterInitializer(backend: backend, seed: 17)
        let prior = WeightPrior.scaleMixture(KernelCases.mixturePrior)
        let window = ConvolutionWindow(size: 3, stride: 1, padding: 1)
        return [
            Reshape(itemShape: [2, 5, 5]),
            try Conv2D(inChannels: 2, outChannels: 3, window: window, initializer), try Activation(.leakyRelu),
            try BatchNorm(features: 3, initializer), try Activation(.relu),
            try ConvTranspose2D(inChannels: 3, outChannels: 2, window: window, initializer), try Activation(.tanh),
            try BayesConv2D(inChannels: 2, outChannels: 2, window: window, prior: prior, initializer), try Activation(.softplus),
            Reshape.flatten,
            try Dense(inputs: 50, outputs: 12, initializer), try Activation(.sigmoid),
            try BatchNorm(features: 12, initializer), try Activation(.relu), try Dropout(0.25),
            try BayesDense(inputs: 12, outputs: 9, prior: prior, estimator: .reparameterization, initializer), try Activation(.tanh),
            try BayesDense(inputs: 9, outputs: 7, prior: prior, estimator: .flipout, initializer), try Activation(.leakyRelu),
            try BayesDense(inputs: 7, outputs: 6, prior: prior, estimator: .localReparameterization, initializer), try Activation(.softplus),
            try Dense(inputs: 6, outputs: 4, initializer),
        ]
    }

    /// One training pass of `layers` (fused through `Sequential`, or one by one) on `backend`:
    /// `L = Σ r·y + KL` back-propagated; returns `y`, the KL, every parameter's gradient and the
    /// running statistics after the pass.
    static func pass(_ layers: [any Layer], fused: Bool, on backend: any Backend) throws -> [[Float]] {
        var random = HostRandom(seed: 18)
        let x = try backend.tensor(random.array(6 * 50), shape: [6, 50]), r = try backend.tensor(random.array(6 * 4), shape: [6, 4])
        let tape = Tape(backend: backend)
        let context = ForwardContext(tape: tape, mode: .training, seed: 19, pass: 2)
        let input = tape.constant(x)
        let y = try fused ? Sequential(layers)(input, context) : layers.reduce(input) { try $1($0, context) }
        let kl = try context.totalKL()
        try tape.backward(from: tape.add(tape.sum(tape.multiply(y, tape.constant(r))), kl))
        let parameters = Sequential(layers).namedParameters.map(\.parameter)
        return try [y.value.toArray(), kl.value.toArray()]
            + parameters.map { try ($0.gradient ?? backend.zeros($0.shape)).toArray() + $0.value.toArray() }
    }

    /// Fused equals unfused, model by model: the outputs, KL, gradients and running statistics
    /// of one pass through `Sequential` against the same layers applied one by one (fresh
    /// layers from the same seed each time). On the CPU every fused kernel gives its
    /// composition's bits, so the two agree exactly; elsewhere each bias gradient and batch
    /// statistic sums in another order, a difference of `Tolerance.reduction` of the batch that
    /// the layers carry forward: within 1e-4 of the largest magnitude.
    @Test(arguments: TestBackends.names)
    func fusedSequentialEqualsLayersOneByOne(backendName: String) throws {
        let backend = Self.layerBackend(backendName)
        let fused = try Self.pass(Self.layers(backend), fused: true, on: backend)
        let unfused = try Self.pass(Self.layers(backend), fused: false, on: backend)
        #expect(fused.count == unfused.count)
        for (index, (a, b)) in zip(fused, unfused).enumerated() {
            if backendName == "cpu" {
                #expect(a == b, "value \(index)")
            } else {
                let error = normalizedError(a, b.map(Double.init))
                #expect(error <= 1e-4, "value \(index): fused and one by one differ by \(error)")
            }
        }
    }

    /// The fused pairs draw exactly the random streams the layers draw one by one, in the same
    /// order (seen by `DefaultsOnlyBackend.observeDraw`).
    @Test func fusedSequentialDrawsTheSameStreams() throws {
        var streams: [[RandomStream]] = []
        for fused in [true, false] {
            let backend = DefaultsOnlyBackend(TestBackends.cpu)
            var drawn: [RandomStream] = []
            backend.observeDraw = { drawn.append($0) }
            _ = try Self.pass(Self.layers(backend), fused: fused, on: backend)
            streams.append(drawn)
        }
        #expect(!streams[0].isEmpty)
        #expect(streams[0] == streams[1])
    }

    /// The statistics of values with a mean far larger than their spread: 10⁴ + U(-1, 1) has
    /// variance 1/3, and the two passes recover it to 1e-3 relative (an error `δ` of the mean
    /// adds only `δ²`), where `E[x²] - E[x]²` in `Float` (ulp of 10⁸ is 8) would give noise of
    /// order 10. The mean itself sums 512 values of 10⁴ in `Float` somewhere: within 0.01.
    @Test(arguments: TestBackends.names)
    func varianceSurvivesALargeMean(backendName: String) throws {
        let backend = Self.layerBackend(backendName)
        var random = HostRandom(seed: 20)
        let x = random.array(512 * 2, -1, 1).map { $0 + 10_000 }
        let (mean, variance) = try backend.batchNormStatistics(backend.tensor(x, shape: [512, 2]))
        let want = Reference.batchNormStatistics(x.map(Double.init), Broadcast(inner: 1, period: 2))
        for (got, expected) in zip(try variance.toArray(), want.variance) {
            #expect(abs(Double(got) - expected) <= 1e-3 * expected, "variance \(got), expected \(expected)")
        }
        for (got, expected) in zip(try mean.toArray(), want.mean) { #expect(abs(Double(got) - expected) <= 1e-2) }
    }
}
