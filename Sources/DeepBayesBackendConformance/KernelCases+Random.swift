import DeepBayesCore

extension KernelCases {
    public static let random: [KernelCase] = {
        var cases: [KernelCase] = []
        let streams = [RandomStream(seed: 0, stream: 0), RandomStream(seed: 42, stream: 7),
                       RandomStream(seed: 0xFFFF_FFFF_FFFF_FFFF, stream: 0x1_0000_0001),
                       RandomStream(seed: 5, stream: 6, firstBlock: 0xFFFF_FFFE), RandomStream(seed: 5, stream: 6, firstBlock: 0xFFFF_FFFF_FFFF_FFFE)]
        for random in streams {
            for shape in [Shape([1]), [3, 17], [4099]] {
                let tag = "\(shape) seed \(random.seed) stream \(random.stream) block \(random.firstBlock)"
                cases.append(KernelCase(
                    name: "randomUniform \(tag)", tolerance: 0,
                    run: { try $0.randomUniform(shape, random).toArray() },
                    reference: { (0..<shape.count).map { Double(Reference.uniform($0, random)) } }))
                cases.append(KernelCase(
                    name: "randomNormal \(tag)", tolerance: Tolerance.transcendental,
                    run: { try $0.randomNormal(shape, random).toArray() },
                    reference: { (0..<shape.count).map { Reference.normal($0, random) } }))
                cases.append(KernelCase(
                    name: "dropoutMask p=0.3 \(tag)", tolerance: Tolerance.elementwise,
                    run: { try $0.dropoutMask(shape, dropProbability: 0.3, random).toArray() },
                    reference: { (0..<shape.count).map { Reference.uniform($0, random) > 0.3 ? 1 / 0.7 : 0 } }))
            }
        }
        return cases
    }()
}
