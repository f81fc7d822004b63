import DeepBayesCore

extension KernelCases {
    /// The input range on which each unary op is defined and interesting.
    public static func domain(_ op: UnaryOp) -> (Float, Float) {
        switch op {
        case .log, .sqrt: return (0.05, 5)
        case .exp: return (-10, 10)
        default: return (-8, 8)
        }
    }

    public static let elementwise: [KernelCase] = {
        var cases: [KernelCase] = []
        var random = HostRandom(seed: 3)
        for op in UnaryOp.allCases {
            for count in [1, 17, 257, 4099] {
                let (lo, hi) = domain(op)
                let x = random.array(count, lo, hi), g = random.array(count)
                let shape: Shape = [count]
                cases.append(KernelCase(
                    name: "unary \(op) [\(count)]", tolerance: Tolerance.transcendental,
                    run: { try $0.apply(op, upload($0, x, shape)).toArray() },
                    reference: { x.map { Reference.unary(op, Double($0)) } }))
                cases.append(KernelCase(
                    name: "unaryBackward \(op) [\(count)]", tolerance: Tolerance.transcendental,
                    run: { try $0.applyBackward(op, upload($0, x, shape), gradOutput: upload($0, g, shape)).toArray() },
                    reference: { zip(x, g).map { Reference.unaryDerivative(op, Double($0)) * Double($1) } }))
            }
        }
        // (x shape, y shape, axis)
        let broadcasts: [(Shape, Shape, Int?)] = [
            ([3, 257], [3, 257], nil), ([1], [1], nil), ([5, 17], [17], 1), ([2, 3, 4, 5], [3], 1),
            ([257, 3], [257], 0), ([4, 7], [1], nil),
        ]
        for op in BinaryOp.allCases {
            for (xShape, yShape, axis) in broadcasts {
                let x = random.array(xShape.count)
                let y = op == .divide ? random.array(yShape.count, 0.5, 2) : random.array(yShape.count)
                let b = try! Broadcast(x: xShape, y: yShape, axis: axis, operation: "test")
                cases.append(KernelCase(
                    name: "binary \(op) \(xShape) \(yShape) axis \(axis.map(String.init) ?? "-")", tolerance: Tolerance.elementwise,
                    run: { try $0.combine(op, upload($0, x, xShape), upload($0, y, yShape), alongAxis: axis).toArray() },
                    reference: { x.indices.map { Reference.binary(op, Double(x[$0]), Double(y[($0 / b.inner) % b.period])) } }))
            }
        }
        let x = random.array(1001, -3, 3)
        cases.append(KernelCase(
            name: "affine [1001]", tolerance: Tolerance.elementwise,
            run: { try $0.scaled(upload($0, x, [1001]), by: -1.5, plus: 0.25).toArray() },
            reference: { x.map { -1.5 * Double($0) + 0.25 } }))
        return cases
    }()
}
