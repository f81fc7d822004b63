import DeepBayesCore
import Foundation

extension KernelCases {
    public static let losses: [KernelCase] = {
        var cases: [KernelCase] = []
        var random = HostRandom(seed: 5)
        for (rows, classes) in [(1, 1), (17, 10), (3, 257), (128, 10)] {
            let logits = random.array(rows * classes, -6, 6)
            let labels = (0..<rows).map { _ in Float(random.next() % UInt64(classes)) }
            let g = random.array(rows)
            let shape: Shape = [rows, classes]
            cases.append(KernelCase(
                name: "crossEntropy [\(rows), \(classes)]", tolerance: Tolerance.reduction(classes),
                run: { try $0.crossEntropy(logits: upload($0, logits, shape), labels: upload($0, labels, [rows])).toArray() },
                reference: { Reference.crossEntropy(logits, labels, classes: classes) }))
            cases.append(KernelCase(
                name: "crossEntropyBackward [\(rows), \(classes)]", tolerance: Tolerance.reduction(classes),
                run: {
                    try $0.crossEntropyBackward(logits: upload($0, logits, shape), labels: upload($0, labels, [rows]),
                                                gradOutput: upload($0, g, [rows])).toArray()
                },
                reference: {
                    let logp = Reference.logSoftmaxRows(logits.map(Double.init), columns: classes)
                    return logp.indices.map { i in
                        let r = i / classes, c = i % classes
                        return Double(g[r]) * (Foundation.exp(logp[i]) - (c == Int(labels[r]) ? 1 : 0))
                    }
                }))
        }
        let badLogits = random.array(6), badLabels: [Float] = [1, 3, -1]
        cases.append(KernelCase(
            name: "crossEntropy label out of range gives NaN", tolerance: Tolerance.reduction(2),
            run: { try $0.crossEntropy(logits: upload($0, badLogits, [3, 2]), labels: upload($0, badLabels, [3])).toArray() },
            reference: { [Reference.crossEntropy(badLogits, [1, 0, 0], classes: 2)[0], .nan, .nan] }))
        for count in [1, 257, 4099] {
            let x = random.array(count, -20, 20), t = random.array(count, 0, 1), g = random.array(count)
            cases.append(KernelCase(
                name: "bceWithLogits [\(count)]", tolerance: Tolerance.transcendental,
                run: { try $0.bceWithLogits(logits: upload($0, x, [count]), targets: upload($0, t, [count])).toArray() },
                reference: { zip(x, t).map { Reference.bceWithLogits(Double($0), Double($1)) } }))
            cases.append(KernelCase(
                name: "bceWithLogitsBackward [\(count)]", tolerance: Tolerance.transcendental,
                run: {
                    try $0.bceWithLogitsBackward(logits: upload($0, x, [count]), targets: upload($0, t, [count]),
                                                 gradOutput: upload($0, g, [count])).toArray()
                },
                reference: { x.indices.map { Double(g[$0]) * (Reference.sigmoid(Double(x[$0])) - Double(t[$0])) } }))
        }
        return cases
    }()
}
