import DeepBayesCore
import Foundation

extension KernelCases {
    public static let mixturePrior = try! ScaleMixturePrior(pi: 0.25, sigma1: 1, sigma2: Float(exp(-7.0)))

    public static let bayesian: [KernelCase] = {
        var cases: [KernelCase] = []
        var random = HostRandom(seed: 6)
        let stream = RandomStream(seed: 11, stream: 3)
        for shape in [Shape([1]), [17, 3], [400, 257]] {
            let n = shape.count
            let mu = random.array(n), rho = random.array(n, -8, 1), g = random.array(n)
            let eps = { (0..<n).map { Reference.normal($0, stream) } }
            let sigma = rho.map { Reference.softplus(Double($0)) }
            cases.append(KernelCase(
                name: "sampleGaussian \(shape)", tolerance: Tolerance.transcendental,
                run: { backend in
                    let (w, e) = try backend.sampleGaussian(mu: upload(backend, mu, shape), rho: upload(backend, rho, shape), random: stream)
                    return try w.toArray() + e.toArray()
                },
                reference: { let e = eps(); return (0..<n).map { Double(mu[$0]) + sigma[$0] * e[$0] } + e }))
            cases.append(KernelCase(
                name: "sampleGaussianBackward \(shape)", tolerance: Tolerance.transcendental,
                run: { backend in
                    let e = try backend.randomNormal(shape, stream)
                    return try backend.sampleGaussianBackward(rho: upload(backend, rho, shape), noise: e,
                                                              gradSample: upload(backend, g, shape)).toArray()
                },
                reference: { let e = eps(); return (0..<n).map { Double(g[$0]) * e[$0] * Reference.sigmoid(Double(rho[$0])) } }))
            let variance = random.array(n, 0, 3)
            cases.append(KernelCase(
                name: "sampleLocal \(shape)", tolerance: Tolerance.transcendental,
                run: { backend in
                    let (b, e) = try backend.sampleLocal(mean: upload(backend, mu, shape), variance: upload(backend, variance, shape), random: stream)
                    return try b.toArray() + e.toArray()
                },
                reference: { let e = eps(); return (0..<n).map { Double(mu[$0]) + (Double(variance[$0]) + 1e-8).squareRoot() * e[$0] } + e }))
            cases.append(KernelCase(
                name: "sampleLocalBackward \(shape)", tolerance: Tolerance.transcendental,
                run: { backend in
                    let e = try backend.randomNormal(shape, stream)
                    return try backend.sampleLocalBackward(variance: upload(backend, variance, shape), noise: e,
                                                           gradSample: upload(backend, g, shape)).toArray()
                },
                reference: { let e = eps(); return (0..<n).map { Double(g[$0]) * e[$0] / (2 * (Double(variance[$0]) + 1e-8).squareRoot()) } }))
            let priorSigma: Float = 0.5, upstream: Float = 0.7
            cases.append(KernelCase(
                name: "klGaussian \(shape)", tolerance: Tolerance.reduction(n),
                run: { try $0.klGaussian(mu: upload($0, mu, shape), rho: upload($0, rho, shape), priorSigma: priorSigma).toArray() },
                reference: { [(0..<n).reduce(0.0) { $0 + Reference.klGaussian(mu: Double(mu[$1]), rho: Double(rho[$1]), priorSigma: 0.5) }] }))
            cases.append(KernelCase(
                name: "klGaussianBackward \(shape)", tolerance: Tolerance.transcendental,
                run: { backend in
                    let (gMu, gRho) = try backend.klGaussianBackward(mu: upload(backend, mu, shape), rho: upload(backend, rho, shape),
                                                                     priorSigma: priorSigma, gradOutput: upload(backend, [upstream], .scalar))
                    return try gMu.toArray() + gRho.toArray()
                },
                reference: {
                    let s2 = 0.25, u = Double(upstream)
                    return mu.map { u * Double($0) / s2 }
                        + (0..<n).map { u * (sigma[$0] / s2 - 1 / sigma[$0]) * Reference.sigmoid(Double(rho[$0])) }
                }))
            let w = random.array(n, -2, 2)
            cases.append(KernelCase(
                name: "mixtureKL \(shape)", tolerance: Tolerance.reduction(n),
                run: { try $0.mixtureKL(sample: upload($0, w, shape), mu: upload($0, mu, shape), rho: upload($0, rho, shape), prior: mixturePrior).toArray() },
                reference: {
                    [(0..<n).reduce(0.0) {
                        $0 + Reference.logNormal(Double(w[$1]), mean: Double(mu[$1]), sigma: sigma[$1]) - Reference.logMixture(Double(w[$1]), mixturePrior)
                    }]
                }))
            cases.append(KernelCase(
                name: "mixtureKLBackward \(shape)", tolerance: Tolerance.transcendental,
                run: { backend in
                    let grads = try backend.mixtureKLBackward(sample: upload(backend, w, shape), mu: upload(backend, mu, shape),
                                                              rho: upload(backend, rho, shape), prior: mixturePrior,
                                                              gradOutput: upload(backend, [upstream], .scalar))
                    return try grads.sample.toArray() + grads.mu.toArray() + grads.rho.toArray()
                },
                reference: { mixtureKLGradients(w: w, mu: mu, rho: rho, upstream: Double(upstream)) }))
        }
        for (rows, columns) in [(1, 1), (17, 20), (128, 2)] {
            let mean = random.array(rows * columns, -2, 2), logVar = random.array(rows * columns, -4, 2), g = random.array(rows)
            let shape: Shape = [rows, columns]
            cases.append(KernelCase(
                name: "klStandardNormal \(shape)", tolerance: Tolerance.reduction(columns),
                run: { try $0.klStandardNormal(mean: upload($0, mean, shape), logVariance: upload($0, logVar, shape)).toArray() },
                reference: {
                    (0..<rows).map { r in (0..<columns).reduce(0.0) { $0 + Reference.klStandardNormal(mean: Double(mean[r * columns + $1]), logVariance: Double(logVar[r * columns + $1])) } }
                }))
            cases.append(KernelCase(
                name: "klStandardNormalBackward \(shape)", tolerance: Tolerance.transcendental,
                run: { backend in
                    let grads = try backend.klStandardNormalBackward(mean: upload(backend, mean, shape), logVariance: upload(backend, logVar, shape),
                                                                     gradOutput: upload(backend, g, [rows]))
                    return try grads.mean.toArray() + grads.logVariance.toArray()
                },
                reference: {
                    mean.indices.map { Double(g[$0 / columns]) * Double(mean[$0]) }
                        + logVar.indices.map { Double(g[$0 / columns]) * 0.5 * (Foundation.exp(Double(logVar[$0])) - 1) }
                }))
        }
        return cases
    }()

    /// The partial derivatives of `mixtureKL` as documented, in `Double`.
    public static func mixtureKLGradients(w: [Float], mu: [Float], rho: [Float], upstream u: Double) -> [Double] {
        let p = mixturePrior
        var gw = [Double](), gmu = [Double](), grho = [Double]()
        for i in w.indices {
            let wi = Double(w[i]), m = Double(mu[i]), sigma = Reference.softplus(Double(rho[i]))
            let a = Foundation.log(Double(p.pi)) + Reference.logNormal(wi, mean: 0, sigma: Double(p.sigma1))
            let b = Foundation.log(1 - Double(p.pi)) + Reference.logNormal(wi, mean: 0, sigma: Double(p.sigma2))
            let r1 = 1 / (1 + Foundation.exp(b - a)), r2 = 1 - r1
            let s1 = Double(p.sigma1), s2 = Double(p.sigma2)
            gw.append(u * (-(wi - m) / (sigma * sigma) + wi * (r1 / (s1 * s1) + r2 / (s2 * s2))))
            gmu.append(u * (wi - m) / (sigma * sigma))
            grho.append(u * ((wi - m) * (wi - m) / (sigma * sigma * sigma) - 1 / sigma) * Reference.sigmoid(Double(rho[i])))
        }
        return gw + gmu + grho
    }
}
