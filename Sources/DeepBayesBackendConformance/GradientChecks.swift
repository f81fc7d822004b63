import DeepBayesCore
import Foundation

/// Every backward kernel against central finite differences of the scalar reference forward
/// pass (in `Double`): `|got - fd| <= 1e-3 · max(1, max |fd|)` at probes spread over each input.
enum GradientChecks {
    /// Every check, in order, each recording into the report.
    static let all: [(String, (any Backend, inout ConformanceReport) throws -> Void)] = [
        ("matmul", matmulGradientsAreTransposedProducts), ("conv2d", convolutionBackwardPasses),
        ("unary", { backend, report in for op in UnaryOp.allCases { try unaryBackward(backend, &report, op: op) } }),
        ("softmax and losses", softmaxFamilyAndLosses), ("broadcast", broadcastGradientIsSumKeepingAxis),
        ("reparameterization", reparameterizationGradients), ("KL", klGradients),
        ("column slices", columnSliceIsAdjointOfPlacement), ("LSTM", lstmCellGradients), ("GRU", gruCellGradients),
        ("bias and activation", biasActivationGradients), ("batch statistics", batchNormStatisticsGradients),
        ("sample with KL", sampleWithKLGradients),
    ]

    static func matmulGradientsAreTransposedProducts(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 21)
        let (m, n, k) = (5, 7, 9)
        let a = random.array(m * k), b = random.array(k * n), r = random.array(m * n)
        let g = MatmulGeometry(m: m, n: n, k: k)
        let dC = try backend.tensor(r, shape: [m, n])
        let dA = try backend.matmul(dC, backend.tensor(b, shape: [k, n]), transposeB: true).toArray()
        let dB = try backend.matmul(backend.tensor(a, shape: [m, k]), dC, transposeA: true).toArray()
        checkGradient(&report, "matmul dA", got: dA, x: a, upstream: r) { Reference.matmul($0, b.map(Double.init), g) }
        checkGradient(&report, "matmul dB", got: dB, x: b, upstream: r) { Reference.matmul(a.map(Double.init), $0, g) }
    }

    static func convolutionBackwardPasses(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 22)
        for (inputShape, filterShape, stride, padding) in KernelCases.convolutionGeometries.prefix(4) {
            let g = try Conv2DGeometry(input: inputShape, filter: filterShape, stride: stride, padding: padding)
            let x = random.array(inputShape.count), w = random.array(filterShape.count), r = random.array(g.outputShape.count)
            let dy = try backend.tensor(r, shape: g.outputShape)
            let dx = try backend.conv2dBackwardData(dy, backend.tensor(w, shape: filterShape), inputShape: inputShape,
                                                    stride: stride, padding: padding).toArray()
            let dw = try backend.conv2dBackwardFilter(backend.tensor(x, shape: inputShape), dy, filterShape: filterShape,
                                                      stride: stride, padding: padding).toArray()
            checkGradient(&report, "conv2d dx \(inputShape)", got: dx, x: x, upstream: r) { Reference.conv2d($0, w.map(Double.init), g) }
            checkGradient(&report, "conv2d dw \(inputShape)", got: dw, x: w, upstream: r) { Reference.conv2d(x.map(Double.init), $0, g) }
        }
    }

    static func unaryBackward(_ backend: any Backend, _ report: inout ConformanceReport, op: UnaryOp) throws {
        var random = HostRandom(seed: 23)
        let (lo, hi) = KernelCases.domain(op)
        let x = random.array(57, lo, hi).map { abs($0) < 1e-2 ? $0 + 0.1 : $0 }, r = random.array(57)
        let got = try backend.applyBackward(op, backend.tensor(x, shape: [57]), gradOutput: backend.tensor(r, shape: [57])).toArray()
        checkGradient(&report, "\(op)", got: got, x: x, upstream: r) { $0.map { Reference.unary(op, $0) } }
    }

    static func softmaxFamilyAndLosses(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 24)
        let (rows, columns) = (4, 6)
        let x = random.array(rows * columns, -3, 3), r = random.array(rows * columns), rowGrad = random.array(rows)
        let xt = try backend.tensor(x, shape: [rows, columns]), rt = try backend.tensor(r, shape: [rows, columns])
        let softmaxGrad = try backend.softmaxBackward(output: backend.softmax(of: xt), gradOutput: rt).toArray()
        checkGradient(&report, "softmax", got: softmaxGrad, x: x, upstream: r) { Reference.logSoftmaxRows($0, columns: columns).map(Foundation.exp) }
        let logSoftmaxGrad = try backend.logSoftmaxBackward(output: backend.logSoftmax(of: xt), gradOutput: rt).toArray()
        checkGradient(&report, "logSoftmax", got: logSoftmaxGrad, x: x, upstream: r) { Reference.logSoftmaxRows($0, columns: columns) }
        let labels: [Float] = [0, 5, 2, 3]
        let ceGrad = try backend.crossEntropyBackward(logits: xt, labels: backend.tensor(labels, shape: [rows]),
                                                      gradOutput: backend.tensor(rowGrad, shape: [rows])).toArray()
        checkGradient(&report, "crossEntropy", got: ceGrad, x: x, upstream: rowGrad) { logits in
            let logp = Reference.logSoftmaxRows(logits, columns: columns)
            return labels.enumerated().map { -logp[$0.offset * columns + Int($0.element)] }
        }
        let targets = random.array(rows * columns, 0, 1)
        let bceGrad = try backend.bceWithLogitsBackward(logits: xt, targets: backend.tensor(targets, shape: [rows, columns]), gradOutput: rt).toArray()
        checkGradient(&report, "bceWithLogits", got: bceGrad, x: x, upstream: r) { zip($0, targets).map { Reference.bceWithLogits($0, Double($1)) } }
    }

    static func broadcastGradientIsSumKeepingAxis(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 25)
        let xShape: Shape = [2, 3, 4, 5]
        let x = random.array(xShape.count), bias = random.array(3), r = random.array(xShape.count)
        let got = try backend.sum(backend.tensor(r, shape: xShape), keepingAxis: 1).toArray()
        checkGradient(&report, "bias over channels", got: got, x: bias, upstream: r) { b in x.indices.map { Double(x[$0]) + b[($0 / 20) % 3] } }
    }

    static func reparameterizationGradients(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 26)
        let n = 40, shape: Shape = [n]
        let mu = random.array(n), rho = random.array(n, -6, 1), r = random.array(n), variance = random.array(n, 0.1, 3)
        let eps = try backend.randomNormal(shape, RandomStream(seed: 5, stream: 9))
        let e = try eps.toArray().map(Double.init)
        let gRho = try backend.sampleGaussianBackward(rho: backend.tensor(rho, shape: shape), noise: eps, gradSample: backend.tensor(r, shape: shape)).toArray()
        checkGradient(&report, "sampleGaussian rho", got: gRho, x: rho, upstream: r) { rho in rho.indices.map { Double(mu[$0]) + Reference.softplus(rho[$0]) * e[$0] } }
        let gVar = try backend.sampleLocalBackward(variance: backend.tensor(variance, shape: shape), noise: eps, gradSample: backend.tensor(r, shape: shape)).toArray()
        checkGradient(&report, "sampleLocal variance", got: gVar, x: variance, upstream: r) { v in v.indices.map { Double(mu[$0]) + (v[$0] + 1e-8).squareRoot() * e[$0] } }
    }

    static func klGradients(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 27)
        let n = 30, shape: Shape = [n], upstream: [Float] = [0.8]
        let mu = random.array(n), rho = random.array(n, -6, 1), w = random.array(n, -2, 2)
        let (muT, rhoT, wT) = (try backend.tensor(mu, shape: shape), try backend.tensor(rho, shape: shape), try backend.tensor(w, shape: shape))
        let g = try backend.tensor(upstream, shape: .scalar)
        let gaussian = try backend.klGaussianBackward(mu: muT, rho: rhoT, priorSigma: 0.5, gradOutput: g)
        func klGaussian(_ mu: [Double], _ rho: [Double]) -> [Double] {
            [mu.indices.reduce(0.0) { $0 + Reference.klGaussian(mu: mu[$1], rho: rho[$1], priorSigma: 0.5) }]
        }
        let (muD, rhoD, wD) = (mu.map(Double.init), rho.map(Double.init), w.map(Double.init))
        checkGradient(&report, "klGaussian mu", got: try gaussian.mu.toArray(), x: mu, upstream: upstream) { klGaussian($0, rhoD) }
        checkGradient(&report, "klGaussian rho", got: try gaussian.rho.toArray(), x: rho, upstream: upstream) { klGaussian(muD, $0) }

        let mixture = try backend.mixtureKLBackward(sample: wT, mu: muT, rho: rhoT, prior: KernelCases.mixturePrior, gradOutput: g)
        func mixtureKL(_ w: [Double], _ mu: [Double], _ rho: [Double]) -> [Double] {
            [w.indices.reduce(0.0) {
                $0 + Reference.logNormal(w[$1], mean: mu[$1], sigma: Reference.softplus(rho[$1])) - Reference.logMixture(w[$1], KernelCases.mixturePrior)
            }]
        }
        checkGradient(&report, "mixtureKL w", got: try mixture.sample.toArray(), x: w, upstream: upstream) { mixtureKL($0, muD, rhoD) }
        checkGradient(&report, "mixtureKL mu", got: try mixture.mu.toArray(), x: mu, upstream: upstream) { mixtureKL(wD, $0, rhoD) }
        checkGradient(&report, "mixtureKL rho", got: try mixture.rho.toArray(), x: rho, upstream: upstream) { mixtureKL(wD, muD, $0) }

        let (rows, columns) = (3, 10)
        let mean = random.array(rows * columns), logVar = random.array(rows * columns, -3, 1), r = random.array(rows)
        let vae = try backend.klStandardNormalBackward(mean: backend.tensor(mean, shape: [rows, columns]),
                                                       logVariance: backend.tensor(logVar, shape: [rows, columns]),
                                                       gradOutput: backend.tensor(r, shape: [rows]))
        func vaeKL(_ mean: [Double], _ logVar: [Double]) -> [Double] {
            (0..<rows).map { row in (0..<columns).reduce(0.0) { $0 + Reference.klStandardNormal(mean: mean[row * columns + $1], logVariance: logVar[row * columns + $1]) } }
        }
        checkGradient(&report, "klStandardNormal mean", got: try vae.mean.toArray(), x: mean, upstream: r) { vaeKL($0, logVar.map(Double.init)) }
        checkGradient(&report, "klStandardNormal logVariance", got: try vae.logVariance.toArray(), x: logVar, upstream: r) { vaeKL(mean.map(Double.init), $0) }
    }

    /// `placeColumns` is the gradient of `sliceColumns` (checked by finite differences) and its
    /// adjoint: `⟨slice(x), y⟩ = ⟨x, place(y)⟩` within `Tolerance.reduction` of the length.
    static func columnSliceIsAdjointOfPlacement(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 28)
        for (rows, columns, start, count) in [(3, 11, 0, 4), (4, 9, 8, 1), (2, 20, 7, 9)] {
            let x = random.array(rows * columns), y = random.array(rows * count)
            let sliced = try backend.sliceColumns(backend.tensor(x, shape: [rows, columns]), start: start, count: count).toArray()
            let placed = try backend.placeColumns(backend.tensor(y, shape: [rows, count]), start: start, width: columns).toArray()
            let name = "sliceColumns [\(rows), \(columns)] \(start)..<\(start + count)"
            checkGradient(&report, name, got: placed, x: x, upstream: y) { Reference.sliceColumns($0, columns: columns, start: start, count: count) }
            let left = zip(sliced, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let right = zip(x, placed).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            report.record("adjoint \(name)", error: abs(left - right) / max(1, abs(left)), tolerance: Tolerance.reduction(x.count))
        }
    }

    /// `lstmCellBackward` against finite differences of `L = Σ r_h·h' + Σ r_c·c'` in the gates
    /// and in the previous cell, for random upstreams `r_h`, `r_c` through both outputs.
    static func lstmCellGradients(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 29)
        let (batch, width) = (3, 5), state: Shape = [batch, width]
        let a = random.array(4 * state.count, -4, 4), c = random.array(state.count, -2, 2)
        let gradHidden = random.array(state.count), gradCell = random.array(state.count)
        let (aT, cT) = (try backend.tensor(a, shape: [batch, 4 * width]), try backend.tensor(c, shape: state))
        let step = try backend.lstmCell(gates: aT, cell: cT)
        let grads = try backend.lstmCellBackward(gates: aT, cell: cT, newCell: step.cell, gradHidden: backend.tensor(gradHidden, shape: state),
                                                 gradCell: backend.tensor(gradCell, shape: state))
        func outputs(_ a: [Double], _ c: [Double]) -> [Double] { let step = Reference.lstmCell(a, c, width: width); return step.hidden + step.cell }
        let (aD, cD) = (a.map(Double.init), c.map(Double.init))
        checkGradient(&report, "lstmCell gates", got: try grads.gates.toArray(), x: a, upstream: gradHidden + gradCell) { outputs($0, cD) }
        checkGradient(&report, "lstmCell cell", got: try grads.cell.toArray(), x: c, upstream: gradHidden + gradCell) { outputs(aD, $0) }
    }

    /// `gruCellBackward` against finite differences of `L = Σ r·h'` in each of its three inputs.
    static func gruCellGradients(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 30)
        let (batch, width) = (3, 5), state: Shape = [batch, width], gates: Shape = [batch, 3 * width]
        let x = random.array(gates.count, -3, 3), u = random.array(gates.count, -2, 2), h = random.array(state.count), r = random.array(state.count)
        let grads = try backend.gruCellBackward(inputGates: backend.tensor(x, shape: gates), hiddenGates: backend.tensor(u, shape: gates),
                                                hidden: backend.tensor(h, shape: state), gradOutput: backend.tensor(r, shape: state))
        let (xD, uD, hD) = (x.map(Double.init), u.map(Double.init), h.map(Double.init))
        checkGradient(&report, "gruCell inputGates", got: try grads.inputGates.toArray(), x: x, upstream: r) { Reference.gruCell($0, uD, hD, width: width) }
        checkGradient(&report, "gruCell hiddenGates", got: try grads.hiddenGates.toArray(), x: u, upstream: r) { Reference.gruCell(xD, $0, hD, width: width) }
        checkGradient(&report, "gruCell hidden", got: try grads.hidden.toArray(), x: h, upstream: r) { Reference.gruCell(xD, uD, $0, width: width) }
    }

    /// `biasActivationBackward` against finite differences of `L = Σ r·act(x + b)` in `x` and in
    /// `b`, for every activation, on a matrix and on NCHW maps, with `x + b` kept 0.01 from the kink.
    static func biasActivationGradients(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 31)
        for shape: Shape in [[4, 6], [2, 3, 2, 3]] {
            let broadcast = Broadcast(inner: shape.stride(of: 1), period: shape[1])
            for activation in UnaryOp.activations {
                let b = random.array(shape[1]), r = random.array(shape.count)
                let x = (0..<shape.count).map { i -> Float in
                    let value = random.uniform(-3, 3), sum = value + b[Reference.feature(i, broadcast)]
                    return abs(sum) < 1e-2 ? value + 0.1 : value
                }
                let grads = try backend.biasActivationBackward(backend.tensor(x, shape: shape), bias: backend.tensor(b, shape: [shape[1]]),
                                                               activation: activation, gradOutput: backend.tensor(r, shape: shape))
                let (xD, bD) = (x.map(Double.init), b.map(Double.init))
                checkGradient(&report, "biasActivation \(activation) x \(shape)", got: try grads.input.toArray(), x: x, upstream: r) {
                    Reference.biasActivation($0, bD, activation, broadcast)
                }
                checkGradient(&report, "biasActivation \(activation) bias \(shape)", got: try grads.bias.toArray(), x: b, upstream: r) {
                    Reference.biasActivation(xD, $0, activation, broadcast)
                }
            }
        }
    }

    /// `batchNormStatisticsBackward` at the backend's own mean against finite differences of
    /// `L = Σ r_μ·μ + Σ r_σ²·σ²` in `x`, on a matrix and on NCHW maps.
    static func batchNormStatisticsGradients(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 32)
        for shape: Shape in [[5, 4], [3, 2, 2, 3]] {
            let broadcast = Broadcast(inner: shape.stride(of: 1), period: shape[1])
            let x = random.array(shape.count, -2, 2), gradMean = random.array(shape[1]), gradVariance = random.array(shape[1])
            let xT = try backend.tensor(x, shape: shape)
            let got = try backend.batchNormStatisticsBackward(xT, mean: backend.batchNormStatistics(xT).mean,
                                                              gradMean: backend.tensor(gradMean, shape: [shape[1]]),
                                                              gradVariance: backend.tensor(gradVariance, shape: [shape[1]])).toArray()
            checkGradient(&report, "batchNormStatistics \(shape)", got: got, x: x, upstream: gradMean + gradVariance) {
                let statistics = Reference.batchNormStatistics($0, broadcast)
                return statistics.mean + statistics.variance
            }
        }
    }

    /// `sampleWithKLBackward` for both priors against finite differences of `L = Σ r·w + u·kl`
    /// in `μ` and in `ρ`, with `w = μ + softplus(ρ)·ε` for a fixed `ε`: the gradient through the
    /// sample and through the KL (which, for the mixture, depends on the sample too) together.
    static func sampleWithKLGradients(_ backend: any Backend, _ report: inout ConformanceReport) throws {
        var random = HostRandom(seed: 31)
        let n = 30, shape: Shape = [n], upstream: Float = 0.8
        let mu = random.array(n), rho = random.array(n, -6, 1), r = random.array(n)
        let eps = try backend.randomNormal(shape, RandomStream(seed: 5, stream: 10))
        let e = try eps.toArray().map(Double.init)
        let (muD, rhoD) = (mu.map(Double.init), rho.map(Double.init))
        for (prior, name) in [(WeightPrior.gaussian(sigma: 0.5), "gaussian"), (.scaleMixture(KernelCases.mixturePrior), "mixture")] {
            let grads = try backend.sampleWithKLBackward(mu: backend.tensor(mu, shape: shape), rho: backend.tensor(rho, shape: shape), noise: eps,
                                                         prior: prior, gradSample: backend.tensor(r, shape: shape),
                                                         gradKL: backend.tensor([upstream], shape: .scalar))
            func outputs(_ mu: [Double], _ rho: [Double]) -> [Double] {
                let w = mu.indices.map { mu[$0] + Reference.softplus(rho[$0]) * e[$0] }
                return w + [mu.indices.reduce(0.0) { $0 + KernelCases.klTerm(prior, w: w[$1], mu: mu[$1], rho: rho[$1]) }]
            }
            checkGradient(&report, "sampleWithKL \(name) mu", got: try grads.mu.toArray(), x: mu, upstream: r + [upstream]) { outputs($0, rhoD) }
            checkGradient(&report, "sampleWithKL \(name) rho", got: try grads.rho.toArray(), x: rho, upstream: r + [upstream]) { outputs(muD, $0) }
        }
    }
}
