import DeepBayesCore
import Foundation

extension KernelCases {
    public static let reductions: [KernelCase] = {
        var cases: [KernelCase] = []
        var random = HostRandom(seed: 4)
        for count in [1, 3, 257, 100_003] {
            let x = random.array(count)
            cases.append(KernelCase(
                name: "sum [\(count)]", tolerance: Tolerance.reduction(count),
                run: { try $0.sum(upload($0, x, [count]), keepingAxis: nil).toArray() },
                reference: { [x.reduce(0.0) { $0 + Double($1) }] }))
        }
        for (shape, axis) in [(Shape([2, 3, 4, 5]), 1), ([17, 257], 1), ([257, 3], 0), ([1, 1], 0), ([64, 10], 1)] {
            let x = random.array(shape.count)
            let inner = shape.stride(of: axis), period = shape[axis]
            cases.append(KernelCase(
                name: "sum \(shape) keeping axis \(axis)", tolerance: Tolerance.reduction(shape.count / period),
                run: { try $0.sum(upload($0, x, shape), keepingAxis: axis).toArray() },
                reference: {
                    var y = [Double](repeating: 0, count: period)
                    for i in x.indices { y[(i / inner) % period] += Double(x[i]) }
                    return y
                }))
        }
        for shape in [Shape([1, 1]), [3, 17], [5, 257], [2, 3, 10], [7]] {
            let columns = shape[shape.rank - 1]
            let x = random.array(shape.count, -5, 5), g = random.array(shape.count)
            let logp = { Reference.logSoftmaxRows(x.map(Double.init), columns: columns) }
            cases.append(KernelCase(
                name: "softmax \(shape)", tolerance: Tolerance.reduction(columns),
                run: { try $0.softmax(of: upload($0, x, shape)).toArray() },
                reference: { logp().map { Foundation.exp($0) } }))
            cases.append(KernelCase(
                name: "logSoftmax \(shape)", tolerance: Tolerance.reduction(columns),
                run: { try $0.logSoftmax(of: upload($0, x, shape)).toArray() },
                reference: logp))
            cases.append(KernelCase(
                name: "softmaxBackward \(shape)", tolerance: Tolerance.reduction(columns),
                run: { backend in
                    let y = try backend.softmax(of: upload(backend, x, shape))
                    return try backend.softmaxBackward(output: y, gradOutput: upload(backend, g, shape)).toArray()
                },
                reference: {
                    let y = logp().map { Foundation.exp($0) }
                    return rowwise(columns, y.count) { r, c, row in
                        let dot = row.reduce(0.0) { $0 + Double(g[$1]) * y[$1] }
                        return y[r * columns + c] * (Double(g[r * columns + c]) - dot)
                    }
                }))
            cases.append(KernelCase(
                name: "logSoftmaxBackward \(shape)", tolerance: Tolerance.reduction(columns),
                run: { backend in
                    let y = try backend.logSoftmax(of: upload(backend, x, shape))
                    return try backend.logSoftmaxBackward(output: y, gradOutput: upload(backend, g, shape)).toArray()
                },
                reference: {
                    let y = logp()
                    return rowwise(columns, y.count) { r, c, row in
                        let total = row.reduce(0.0) { $0 + Double(g[$1]) }
                        return Double(g[r * columns + c]) - Foundation.exp(y[r * columns + c]) * total
                    }
                }))
        }
        return cases
    }()

    /// Builds a row-major result from `value(row, column, indicesOfThatRow)`.
    public static func rowwise(_ columns: Int, _ count: Int, _ value: (Int, Int, Range<Int>) -> Double) -> [Double] {
        (0..<count).map { i in
            let r = i / columns
            return value(r, i % columns, (r * columns)..<((r + 1) * columns))
        }
    }
}
