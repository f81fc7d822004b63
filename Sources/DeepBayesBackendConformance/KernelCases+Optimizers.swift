import DeepBayesCore
import Foundation

extension KernelCases {
    public static let optimizers: [KernelCase] = {
        var cases: [KernelCase] = []
        var random = HostRandom(seed: 7)
        for count in [1, 17, 4099] {
            let p0 = random.array(count), grads = (0..<3).map { _ in random.array(count) }
            let sgd = SGDConfiguration(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
            cases.append(KernelCase(
                name: "sgdStep x3 [\(count)]", tolerance: Tolerance.elementwise * 10,
                run: { backend in
                    let p = try upload(backend, p0, [count]), v = try backend.zeros([count])
                    for g in grads { try backend.sgdStep(parameter: p, gradient: upload(backend, g, [count]), velocity: v, configuration: sgd) }
                    return try p.toArray() + v.toArray()
                },
                reference: {
                    var p = p0.map(Double.init), v = [Double](repeating: 0, count: count)
                    for g in grads {
                        for i in 0..<count {
                            v[i] = 0.9 * v[i] + (Double(g[i]) + 0.01 * p[i])
                            p[i] -= 0.1 * v[i]
                        }
                    }
                    return p + v
                }))
            let adam = AdamConfiguration(learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.001)
            cases.append(KernelCase(
                name: "adamStep x3 [\(count)]", tolerance: Tolerance.transcendental * 10,
                run: { backend in
                    let p = try upload(backend, p0, [count]), m = try backend.zeros([count]), v = try backend.zeros([count])
                    for (t, g) in grads.enumerated() {
                        try backend.adamStep(parameter: p, gradient: upload(backend, g, [count]), firstMoment: m, secondMoment: v,
                                             configuration: adam, step: t + 1)
                    }
                    return try p.toArray() + m.toArray() + v.toArray()
                },
                reference: {
                    var p = p0.map(Double.init), m = [Double](repeating: 0, count: count), v = m
                    for (t, g) in grads.enumerated() {
                        let c1 = 1 - pow(0.9, Double(t + 1)), c2 = 1 - pow(0.999, Double(t + 1))
                        for i in 0..<count {
                            let gi = Double(g[i]) + 0.001 * p[i]
                            m[i] = 0.9 * m[i] + 0.1 * gi
                            v[i] = 0.999 * v[i] + 0.001 * gi * gi
                            p[i] -= 0.01 * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
                        }
                    }
                    return p + m + v
                }))
            let averageWeights: [Float] = [0.9, 0.25, 0.001]
            cases.append(KernelCase(
                name: "movingAverageStep x3 [\(count)]", tolerance: Tolerance.elementwise * 10,
                run: { backend in
                    let a = try upload(backend, p0, [count])
                    for (g, w) in zip(grads, averageWeights) { try backend.movingAverageStep(average: a, toward: upload(backend, g, [count]), weight: w) }
                    return try a.toArray()
                },
                reference: {
                    var a = p0.map(Double.init)
                    for (g, w) in zip(grads, averageWeights) {
                        for i in 0..<count { a[i] += Double(w) * (Double(g[i]) - a[i]) }
                    }
                    return a
                }))
        }
        return cases
    }()
}
