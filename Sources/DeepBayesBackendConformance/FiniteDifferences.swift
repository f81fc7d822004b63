/// Central finite differences of the scalar `L(x) = Σ_j r_j f(x)_j`, in `Double`, at `probes`
/// indices of `x` spread over the whole input.
public func finiteDifferenceGradient(_ x: [Float], upstream r: [Float], probes: [Int], _ f: ([Double]) -> [Double]) -> [Double] {
    let base = x.map(Double.init)
    func loss(_ input: [Double]) -> Double { zip(f(input), r).reduce(0.0) { $0 + $1.0 * Double($1.1) } }
    return probes.map { i in
        let h = 1e-4 * max(1, abs(base[i]))
        var plus = base, minus = base
        plus[i] += h
        minus[i] -= h
        return (loss(plus) - loss(minus)) / (2 * h)
    }
}

/// About `limit` indices spread evenly over `0..<count` (all of them when `count <= limit`).
public func probeIndices(_ count: Int, limit: Int = 24) -> [Int] {
    count <= limit ? Array(0..<count) : (0..<limit).map { $0 * (count - 1) / (limit - 1) }
}

/// Records whether the backend's gradient `got` (all of it) matches finite differences at the
/// probes: `|got - fd| <= 1e-3 · max(1, max |fd|)`.
func checkGradient(_ report: inout ConformanceReport, _ name: String, got: [Float], x: [Float], upstream: [Float],
                   _ f: ([Double]) -> [Double]) {
    guard got.count == x.count else {
        return report.fail("gradient \(name)", "\(got.count) values for \(x.count) inputs")
    }
    let probes = probeIndices(x.count)
    let fd = finiteDifferenceGradient(x, upstream: upstream, probes: probes, f)
    let scale = max(1, fd.map(abs).max() ?? 0)
    let worst = zip(probes, fd).map { abs(Double(got[$0.0]) - $0.1) }.max() ?? 0
    report.record("gradient \(name)", error: worst / scale, tolerance: 1e-3)
}
