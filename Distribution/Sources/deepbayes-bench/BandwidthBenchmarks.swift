import DeepBayesBackends
import Foundation

/// Memory-bound kernels: sampling, KL, Adam, the moving average and elementwise ops on
/// 10⁶–10⁷ elements, each validated against a host loop and compared with `memcpy` of the
/// same traffic.
enum BandwidthBenchmarks {
    static func softplus(_ x: Float) -> Float { max(x, 0) + log1p(exp(-abs(x))) }

    static func all(quick: Bool) -> [Benchmark] {
        var list: [Benchmark] = []
        var random = BenchRandom(seed: 3)
        for n in quick ? [1_000_000] : [1_000_000, 10_000_000] {
            let mu = random.array(n), rho = random.array(n, -6, -2)
            let stream = RandomStream(seed: 9, stream: 4)
            list.append(Benchmark(kernel: "sampleGaussian", shape: "[\(n)]", work: .bytes(Double(16 * n)), yardstick: .copy(expected: {
                var out = [Float](repeating: 0, count: 2 * n)
                for block in 0..<((n + 3) / 4) {
                    let eps = Philox.normals(Philox.words(seed: stream.seed, stream: stream.stream, block: UInt64(block)))
                    for lane in 0..<4 where block * 4 + lane < n {
                        let i = block * 4 + lane
                        out[i] = mu[i] + softplus(rho[i]) * eps[lane]
                        out[n + i] = eps[lane]
                    }
                }
                return out
            })) { backend in
                let (m, r) = (try backend.tensor(mu, shape: [n]), try backend.tensor(rho, shape: [n]))
                return { let (w, eps) = try backend.sampleGaussian(mu: m, rho: r, random: stream); return [w, eps] }
            })
            list.append(Benchmark(kernel: "klGaussian", shape: "[\(n)]", work: .bytes(Double(8 * n)), yardstick: .copy(expected: {
                var total = 0.0
                for i in 0..<n {
                    let sigma = Double(softplus(rho[i]))
                    total += Foundation.log(0.1 / sigma) + (sigma * sigma + Double(mu[i] * mu[i])) / (2 * 0.01) - 0.5
                }
                return [Float(total)]
            })) { backend in
                let (m, r) = (try backend.tensor(mu, shape: [n]), try backend.tensor(rho, shape: [n]))
                return { [try backend.klGaussian(mu: m, rho: r, priorSigma: 0.1)] }
            })
            list.append(Benchmark(kernel: "unary softplus", shape: "[\(n)]", work: .bytes(Double(8 * n)),
                                  yardstick: .copy(expected: { mu.map(softplus) })) { backend in
                let a = try backend.tensor(mu, shape: [n])
                return { [try backend.apply(.softplus, a)] }
            })
        }
        let n = 1_000_000
        let p0 = random.array(n), g = random.array(n), y = random.array(n)
        let adam = AdamConfiguration(learningRate: 1e-3)
        list.append(Benchmark(kernel: "adamStep", shape: "[\(n)]", work: .bytes(Double(28 * n)), yardstick: .copy(expected: {
            // The first step from zero moments: m = (1-β₁)g, v = (1-β₂)g², bias-corrected to g and g².
            zip(p0, g).map { $0 - adam.learningRate * $1 / (abs($1) + adam.epsilon) }
        })) { backend in
            let (p, grad) = (try backend.tensor(p0, shape: [n]), try backend.tensor(g, shape: [n]))
            let (m, v) = (try backend.zeros([n]), try backend.zeros([n]))
            var step = 0
            return {
                step += 1
                try backend.adamStep(parameter: p, gradient: grad, firstMoment: m, secondMoment: v, configuration: adam, step: step)
                return [p]
            }
        })
        list.append(Benchmark(kernel: "movingAverageStep", shape: "[\(n)]", work: .bytes(Double(12 * n)), yardstick: .copy(expected: {
            zip(p0, g).map { $0 + 0.001 * ($1 - $0) }  // the first step, from p0 toward g
        })) { backend in
            let (average, source) = (try backend.tensor(p0, shape: [n]), try backend.tensor(g, shape: [n]))
            return {
                try backend.movingAverageStep(average: average, toward: source, weight: 0.001)
                return [average]
            }
        })
        list.append(Benchmark(kernel: "binary add", shape: "[\(n)]", work: .bytes(Double(12 * n)),
                              yardstick: .copy(expected: { zip(g, y).map { $0 + $1 } })) { backend in
            let (a, b) = (try backend.tensor(g, shape: [n]), try backend.tensor(y, shape: [n]))
            return { [try backend.combine(.add, a, b)] }
        })
        // What one kernel call costs apart from its work (the checks, the call into the
        // backend, the result's allocation): a one-element add. A plugin boundary would show here.
        list.append(Benchmark(kernel: "launch: binary add", shape: "[1]", work: .bytes(12),
                              yardstick: .copy(expected: { [g[0] + y[0]] })) { backend in
            let (a, b) = (try backend.tensor([g[0]], shape: [1]), try backend.tensor([y[0]], shape: [1]))
            return { [try backend.combine(.add, a, b)] }
        })
        return list
    }
}
