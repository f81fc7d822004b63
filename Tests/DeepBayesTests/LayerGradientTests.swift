import DeepBayesBackendConformance
import DeepBayesBackends
import DeepBayesNN
import Testing

/// Layer-level gradients: every layer, loss and Bayesian layer differentiated by the tape must
/// match central finite differences of its own forward pass on the same backend (see
/// `TapeGradientCheck` for `L`, the step and the tolerance `|g - fd| <= 5e-3 · max(1, max |fd|)`).
/// Kernel-level backward passes are checked against `Double` references in `GradientTests`;
/// these tests check how the tape and the layers wire them together.
@Suite struct LayerGradientTests {
    // MARK: Layers

    @Test(arguments: TestBackends.names)
    func dense(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 1)
        let layer = try Dense(inputs: 5, outputs: 3, ParameterInitializer(backend: check.backend, seed: 2))
        try check.randomize(layer.bias, &random)
        let x = try check.parameter([4, 5], &random)
        try check.expectGradients(layer.namedParameters + [NamedParameter("input", x)]) { context in
            [try layer(context.tape.watch(x), context)]
        }
    }

    /// A dense layer frozen on the tape: its input still gets the finite-difference gradient,
    /// its weight and bias get none.
    @Test(arguments: TestBackends.names)
    func frozenDense(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 1)
        let layer = try Dense(inputs: 5, outputs: 3, ParameterInitializer(backend: check.backend, seed: 2))
        try check.randomize(layer.bias, &random)
        let x = try check.parameter([4, 5], &random)
        try check.expectGradients([NamedParameter("input", x)]) { context in
            context.tape.freeze(layer.parameters)
            return [try layer(context.tape.watch(x), context)]
        }
        #expect(layer.parameters.allSatisfy { $0.gradient == nil })
    }

    /// A plain window, stride 2 with padding 1, and a non-square window with unequal strides
    /// and paddings on a non-square image (a swapped y/x would show).
    @Test(arguments: TestBackends.names)
    func conv2D(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 3)
        let cases: [(ConvolutionWindow, Shape)] = [
            (ConvolutionWindow(size: 3), [2, 2, 5, 5]),
            (ConvolutionWindow(size: 3, stride: 2, padding: 1), [2, 2, 5, 5]),
            (ConvolutionWindow(height: 2, width: 3, stride: (2, 1), padding: (1, 0)), [2, 2, 5, 6]),
        ]
        for (window, inputShape) in cases {
            let layer = try Conv2D(inChannels: 2, outChannels: 3, window: window, ParameterInitializer(backend: check.backend, seed: 4))
            try check.randomize(layer.bias, &random)
            let x = try check.parameter(inputShape, &random)
            let checked = (layer.namedParameters + [NamedParameter("input", x)]).map { $0.prefixed(label(window)) }
            try check.expectGradients(checked) { context in
                [try layer(context.tape.watch(x), context)]
            }
        }
    }

    /// The DCGAN upsampling window (4×4, stride 2, padding 1: 3×3 → 6×6) and a plain 3×3 one.
    @Test(arguments: TestBackends.names)
    func convTranspose2D(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 5)
        for window in [ConvolutionWindow(size: 4, stride: 2, padding: 1), ConvolutionWindow(size: 3)] {
            let layer = try ConvTranspose2D(inChannels: 3, outChannels: 2, window: window, ParameterInitializer(backend: check.backend, seed: 6))
            try check.randomize(layer.bias, &random)
            let x = try check.parameter([2, 3, 3, 3], &random)
            let checked = (layer.namedParameters + [NamedParameter("input", x)]).map { $0.prefixed(label(window)) }
            try check.expectGradients(checked) { context in
                [try layer(context.tape.watch(x), context)]
            }
        }
    }

    /// `3x3 stride (2, 2) padding (1, 1)`, to say which window a failure is about.
    private func label(_ window: ConvolutionWindow) -> String {
        "\(window.height)x\(window.width) stride \(window.stride) padding \(window.padding)"
    }

    /// Training mode (batch statistics) on `[N, F]` and `[N, C, H, W]`, with a scale and shift
    /// away from their initial 1 and 0; then inference mode, where the running statistics
    /// (moved by the training passes) are constants.
    @Test(arguments: TestBackends.names, [[6, 3], [2, 3, 3, 3]] as [Shape])
    func batchNorm(backendName: String, inputShape: Shape) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 7)
        let layer = try BatchNorm(features: 3, ParameterInitializer(backend: check.backend, seed: 8))
        try check.randomize(layer.scale, &random, 0.5...1.5)
        try check.randomize(layer.shift, &random)
        let x = try check.parameter(inputShape, &random)
        let trainable = layer.namedParameters.filter(\.parameter.isTrainable)
        #expect(trainable.map(\.name) == ["scale", "shift"])
        try check.expectGradients(trainable + [NamedParameter("input", x)]) { context in
            [try layer(context.tape.watch(x), context)]
        }
        #expect(try layer.runningMean.value.toArray() != [0, 0, 0])

        var inference = check
        inference.mode = .inference
        try inference.expectGradients((trainable + [NamedParameter("input", x)]).map { $0.prefixed("inference") }) { context in
            [try layer(context.tape.watch(x), context)]
        }
    }

    /// With a fixed seed and pass, the gradient of `Σ dropout(x)` is the pass's mask itself:
    /// zeros and `1/(1-p)`, exactly.
    @Test(arguments: TestBackends.names)
    func dropoutTraining(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        let backend = check.backend
        var random = HostRandom(seed: 9)
        let p: Float = 0.3, layer = try Dropout(p)
        let x = try check.parameter([4, 8], &random)

        let tape = Tape(backend: backend)
        let context = ForwardContext(tape: tape, mode: .training, seed: check.seed, pass: check.pass)
        try tape.backward(from: tape.sum(layer(tape.watch(x), context)))
        let mask = try backend.dropoutMask(x.shape, dropProbability: p, RandomPass(.training, index: check.pass).randomStream(seed: check.seed, draw: 0)).toArray()
        let gradient = try #require(x.gradient).toArray()
        #expect(gradient == mask)
        #expect(mask.contains(0) && mask.contains(1 / (1 - p)) && mask.allSatisfy { $0 == 0 || $0 == 1 / (1 - p) })

        try check.expectGradients([NamedParameter("input", x)]) { context in [try layer(context.tape.watch(x), context)] }
    }

    /// `Reshape.flatten` between a convolution and a dense layer.
    @Test(arguments: TestBackends.names)
    func flattenBetweenConvAndDense(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 10)
        let initializer = ParameterInitializer(backend: check.backend, seed: 11)
        let model = Sequential([
            try Conv2D(inChannels: 2, outChannels: 3, window: ConvolutionWindow(size: 3, stride: 2, padding: 1), initializer),
            try Activation(.tanh),
            Reshape.flatten,
            try Dense(inputs: 27, outputs: 4, initializer),
        ])
        for named in model.namedParameters where named.name.hasSuffix("bias") { try check.randomize(named.parameter, &random) }
        let x = try check.parameter([2, 2, 5, 5], &random)
        try check.expectGradients(model.namedParameters + [NamedParameter("input", x)]) { context in
            let y = try model(context.tape.watch(x), context)
            #expect(y.shape == [2, 4])
            return [y]
        }
    }

    /// Every activation, at inputs at least 0.2 from relu's kink.
    @Test(arguments: TestBackends.names, [.relu, .leakyRelu, .tanh, .sigmoid, .softplus] as [UnaryOp])
    func activation(backendName: String, function: UnaryOp) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 12)
        let layer = try Activation(function)
        let x = try check.parameterAwayFromZero([3, 7], &random)
        try check.expectGradients([NamedParameter("input", x)]) { context in [try layer(context.tape.watch(x), context)] }
    }

    // MARK: Bayesian layers

    /// A prior and an estimator of a Bayesian layer.
    struct BayesCase: Sendable, CustomTestStringConvertible {
        let prior: WeightPrior
        let estimator: BayesianEstimator
        let testDescription: String

        /// The mixture's narrow scale is 0.25 (not the usual e⁻⁶) so that `log p(w)` bends
        /// slowly beside the finite-difference step and both components matter at these weights.
        static let all: [BayesCase] = {
            let mixture = try! ScaleMixturePrior(pi: 0.5, sigma1: 1.5, sigma2: 0.25)
            return [
                BayesCase(prior: .gaussian(sigma: 0.5), estimator: .reparameterization, testDescription: "gaussian, reparameterization"),
                BayesCase(prior: .scaleMixture(mixture), estimator: .reparameterization, testDescription: "mixture, reparameterization"),
                BayesCase(prior: .gaussian(sigma: 0.5), estimator: .localReparameterization, testDescription: "gaussian, local"),
                BayesCase(prior: .scaleMixture(mixture), estimator: .localReparameterization, testDescription: "mixture, local"),
            ]
        }()

        /// Flipout is for dense layers only.
        static let flipout: [BayesCase] = {
            let mixture = try! ScaleMixturePrior(pi: 0.5, sigma1: 1.5, sigma2: 0.25)
            return [
                BayesCase(prior: .gaussian(sigma: 0.5), estimator: .flipout, testDescription: "gaussian, flipout"),
                BayesCase(prior: .scaleMixture(mixture), estimator: .flipout, testDescription: "mixture, flipout"),
            ]
        }()
    }

    /// `L = Σ r ⊙ y + KL` for `weight_mu`, `weight_rho`, `bias_mu` and `bias_rho`, with `ρ`
    /// near -2 (`σ ≈ 0.13`) and the noise of the fixed pass.
    @Test(arguments: TestBackends.names, BayesCase.all + BayesCase.flipout)
    func bayesDense(backendName: String, bayes: BayesCase) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 13)
        let layer = try BayesDense(inputs: 4, outputs: 3, prior: bayes.prior, estimator: bayes.estimator, rhoInitial: -2,
                                   ParameterInitializer(backend: check.backend, seed: 14))
        try randomizePosterior(layer.namedParameters, check, &random)
        let x = try check.backend.tensor(random.array(5 * 4), shape: [5, 4])
        try check.expectGradients(layer.namedParameters) { context in
            [try layer(context.tape.constant(x), context), try context.totalKL()]
        }
    }

    @Test(arguments: TestBackends.names, BayesCase.all)
    func bayesConv2D(backendName: String, bayes: BayesCase) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 15)
        let layer = try BayesConv2D(inChannels: 2, outChannels: 3, window: ConvolutionWindow(size: 3, stride: 2, padding: 1),
                                    prior: bayes.prior, estimator: bayes.estimator, rhoInitial: -2,
                                    ParameterInitializer(backend: check.backend, seed: 16))
        try randomizePosterior(layer.namedParameters, check, &random)
        let x = try check.backend.tensor(random.array(2 * 2 * 5 * 5), shape: [2, 2, 5, 5])
        try check.expectGradients(layer.namedParameters) { context in
            [try layer(context.tape.constant(x), context), try context.totalKL()]
        }
    }

    /// Moves the bias means off 0 and spreads every `ρ` over [-2.5, -1.5], so that no two
    /// elements share a value by construction.
    private func randomizePosterior(_ parameters: [NamedParameter], _ check: TapeGradientCheck, _ random: inout HostRandom) throws {
        #expect(parameters.map(\.name) == ["weight_mu", "weight_rho", "bias_mu", "bias_rho"])
        for named in parameters where named.name.hasSuffix("_rho") { try check.randomize(named.parameter, &random, -2.5...(-1.5)) }
        try check.randomize(parameters[2].parameter, &random, -0.5...0.5)
    }

    // MARK: Losses

    /// The mean over rows of the cross-entropy of `[5, 4]` logits.
    @Test(arguments: TestBackends.names)
    func crossEntropy(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 17)
        let logits = try check.parameter([5, 4], &random, -2...2)
        let labels = try check.backend.tensor((0..<5).map { _ in Float(random.next() % 4) }, shape: [5])
        try check.expectGradients([NamedParameter("logits", logits)]) { context in
            let tape = context.tape
            return [try tape.mean(tape.crossEntropy(logits: tape.watch(logits), labels: labels))]
        }
    }

    @Test(arguments: TestBackends.names)
    func binaryCrossEntropy(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 18)
        let logits = try check.parameter([4, 3], &random, -3...3)
        let targets = try check.backend.tensor(random.array(12, 0, 1), shape: [4, 3])
        try check.expectGradients([NamedParameter("logits", logits)]) { context in
            [try context.tape.binaryCrossEntropy(logits: context.tape.watch(logits), targets: targets)]
        }
    }

    @Test(arguments: TestBackends.names)
    func gaussianNLL(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 19)
        let mean = try check.parameter([4, 3], &random), logVariance = try check.parameter([4, 3], &random)
        let targets = try check.backend.tensor(random.array(12, -2, 2), shape: [4, 3])
        try check.expectGradients([NamedParameter("mean", mean), NamedParameter("logVariance", logVariance)]) { context in
            let tape = context.tape
            return [try tape.gaussianNLL(mean: tape.watch(mean), logVariance: tape.watch(logVariance), targets: targets)]
        }
    }

    /// The VAE's per-row KL of `[3, 5]` encoder outputs.
    @Test(arguments: TestBackends.names)
    func klStandardNormal(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 20)
        let mean = try check.parameter([3, 5], &random), logVariance = try check.parameter([3, 5], &random, -1.5...1)
        try check.expectGradients([NamedParameter("mean", mean), NamedParameter("logVariance", logVariance)]) { context in
            let tape = context.tape
            let kl = try tape.klStandardNormal(mean: tape.watch(mean), logVariance: tape.watch(logVariance))
            #expect(kl.shape == [3])
            return [kl]
        }
    }

    /// `KL / M + Σ nll` of a two-layer Bayesian classifier, for every posterior parameter.
    @Test(arguments: TestBackends.names)
    func bayesianObjectiveMinibatchLoss(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 21)
        let initializer = ParameterInitializer(backend: check.backend, seed: 22)
        let model = Sequential([
            try BayesDense(inputs: 4, outputs: 6, prior: .gaussian(sigma: 0.5), rhoInitial: -2, initializer),
            try Activation(.tanh),
            try BayesDense(inputs: 6, outputs: 3, prior: .gaussian(sigma: 0.5), rhoInitial: -2, initializer),
        ])
        let x = try check.backend.tensor(random.array(5 * 4), shape: [5, 4])
        let labels = try check.backend.tensor((0..<5).map { _ in Float(random.next() % 3) }, shape: [5])
        let objective = try BayesianObjective(numberOfBatches: 4)
        try check.expectGradients(model.namedParameters) { context in
            let tape = context.tape
            let nll = try tape.crossEntropy(logits: model(tape.constant(x), context), labels: labels)
            return [try objective.minibatchLoss(kl: context.totalKL(), negativeLogLikelihoods: nll, on: tape)]
        }
    }

    // MARK: Tape semantics

    /// A parameter watched twice in one graph gathers both contributions:
    /// `∂/∂W [Σ x·W + Σ W²] = xᵀ·1 + 2W`.
    @Test(arguments: TestBackends.names)
    func parameterUsedTwiceAccumulates(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 23)
        let xValues = random.array(3 * 4)
        let x = try check.backend.tensor(xValues, shape: [3, 4]), w = try check.parameter([4, 2], &random)
        func graph(_ context: ForwardContext) throws -> [Variable] {
            let tape = context.tape
            return [try tape.sum(tape.matmul(tape.constant(x), tape.watch(w))), try tape.sum(tape.apply(.square, tape.watch(w)))]
        }
        try check.expectGradients([NamedParameter("W", w)], graph)

        let tape = Tape(backend: check.backend)
        w.gradient = nil
        let terms = try graph(ForwardContext(tape: tape, mode: .training, seed: 0, pass: 0))
        try tape.backward(from: tape.add(terms[0], terms[1]))
        let wValues = try w.value.toArray(), gradient = try #require(w.gradient).toArray()
        for i in 0..<4 {
            for j in 0..<2 {
                let expected = (0..<3).reduce(Float(0)) { $0 + xValues[$1 * 4 + i] } + 2 * wValues[i * 2 + j]
                #expect(abs(gradient[i * 2 + j] - expected) <= 1e-5, "W[\(i), \(j)]: \(gradient[i * 2 + j]) vs \(expected)")
            }
        }
    }

    /// Every binary op with `y` broadcast along axis 1 (a bias), along axis 0, and as one element;
    /// `y` stays in [0.5, 1.5] so that division is smooth.
    @Test(arguments: TestBackends.names, BinaryOp.allCases)
    func broadcastCombine(backendName: String, op: BinaryOp) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 24)
        let x = try check.parameter([3, 4], &random)
        for (yShape, axis) in [([4], 1), ([3], 0), ([1], nil)] as [(Shape, Int?)] {
            let y = try check.parameter(yShape, &random, 0.5...1.5)
            try check.expectGradients([NamedParameter("x", x), NamedParameter("y \(yShape) along \(String(describing: axis))", y)]) { context in
                let tape = context.tape
                return [try tape.combine(op, tape.watch(x), tape.watch(y), alongAxis: axis)]
            }
        }
    }

    /// The gradient of a broadcast addend is the sum of the upstream over the elements it met:
    /// for `Σ (x + b)` with `x` `[3, 4]`, 3 per element of a bias `b` along axis 1, 12 for a
    /// one-element `s`.
    @Test(arguments: TestBackends.names)
    func broadcastGradientIsTheSum(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 25)
        let x = try check.parameter([3, 4], &random), b = try check.parameter([4], &random), s = try check.parameter([1], &random)
        let tape = Tape(backend: check.backend)
        try tape.backward(from: tape.sum(tape.add(tape.add(tape.watch(x), tape.watch(b), alongAxis: 1), tape.watch(s))))
        #expect(try #require(x.gradient).toArray() == [Float](repeating: 1, count: 12))
        #expect(try #require(b.gradient).toArray() == [3, 3, 3, 3])
        #expect(try #require(s.gradient).toArray() == [12])
    }

    /// A non-recording tape (prediction) gives no gradients; the same graph on a recording tape does.
    @Test(arguments: TestBackends.names)
    func nonRecordingTapeLeavesGradientsNil(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let layer = try Dense(inputs: 3, outputs: 2, ParameterInitializer(backend: backend, seed: 26))
        var random = HostRandom(seed: 27)
        let x = try backend.tensor(random.array(6), shape: [2, 3])
        for recordsGradients in [false, true] {
            let tape = Tape(backend: backend, recordsGradients: recordsGradients)
            let y = try layer(tape.constant(x), ForwardContext(tape: tape, mode: .training, seed: 0, pass: 0))
            try tape.backward(from: tape.sum(y))
            #expect((layer.weight.gradient != nil) == recordsGradients && (layer.bias.gradient != nil) == recordsGradients,
                    "recordsGradients \(recordsGradients)")
        }
    }

    /// The remaining tape operations: matmul with every transpose, softmax, log-softmax, sums
    /// keeping each axis, mean, scaled and reshape.
    @Test(arguments: TestBackends.names)
    func tapeOperations(backendName: String) throws {
        let check = TapeGradientCheck(TestBackends.backend(backendName))
        var random = HostRandom(seed: 28)
        let (m, k, n) = (3, 4, 2)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = try check.parameter(transposeA ? [k, m] : [m, k], &random), b = try check.parameter(transposeB ? [n, k] : [k, n], &random)
            try check.expectGradients([NamedParameter("A (transposeA \(transposeA))", a), NamedParameter("B (transposeB \(transposeB))", b)]) { context in
                [try context.tape.matmul(context.tape.watch(a), context.tape.watch(b), transposeA: transposeA, transposeB: transposeB)]
            }
        }
        let x = try check.parameter([2, 3, 4], &random, -2...2)
        let unaries: [(String, (Tape, Variable) throws -> Variable)] = [
            ("softmax", { try $0.softmax($1) }),
            ("logSoftmax", { try $0.logSoftmax($1) }),
            ("sum keeping axis 0", { try $0.sum($1, keepingAxis: 0) }),
            ("sum keeping axis 1", { try $0.sum($1, keepingAxis: 1) }),
            ("sum keeping axis 2", { try $0.sum($1, keepingAxis: 2) }),
            ("mean", { try $0.mean($1) }),
            ("scaled", { try $0.scaled($1, by: -1.5, plus: 0.25) }),
            ("reshape", { try $0.softmax($0.reshape($1, to: [4, 6])) }),
        ]
        for (name, f) in unaries {
            try check.expectGradients([NamedParameter(name, x)]) { context in [try f(context.tape, context.tape.watch(x))] }
        }
    }
}
