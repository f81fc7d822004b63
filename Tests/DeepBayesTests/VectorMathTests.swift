import DeepBayesBackends
@testable import DeepBayesCPU
import Foundation
import Testing

/// The CPU backend's vector elementary functions (`VectorMath`, `Softplus`) in units in the
/// last place, through the public unary ops: dense grids over each domain against `Double`
/// (glibc), plus the special values each function documents. The conformance suite checks a
/// normalized error on a narrow range; this checks the ulp bounds stated in `VectorMath.swift`
/// over the whole range, where a wrong reduction or polynomial would show first. Internal
/// variants that kernels use instead of a public function are checked against it directly.
@Suite struct VectorMathTests {
    let cpu = TestBackends.backend("cpu")

    /// `|y - ref|` in ulps of the correctly rounded result (the smallest normal ulp below it).
    static func ulps(_ y: Float, _ ref: Double) -> Double {
        let rounded = Float(ref)
        let ulp = Double(max(rounded.ulp, Float.leastNormalMagnitude.ulp))
        return abs(Double(y) - ref) / ulp
    }

    /// `count` points evenly spaced over `[lo, hi]`.
    static func grid(_ lo: Float, _ hi: Float, _ count: Int = 20_001) -> [Float] {
        (0..<count).map { lo + (hi - lo) * Float($0) / Float(count - 1) }
    }

    /// `op` on the CPU backend.
    func apply(_ op: UnaryOp, _ x: [Float]) throws -> [Float] {
        try cpu.apply(op, cpu.tensor(x, shape: [x.count])).toArray()
    }

    /// The largest ulp error of `op` against `reference` on `x`, with the worst input.
    func worst(_ op: UnaryOp, _ x: [Float], _ reference: (Double) -> Double) throws -> (ulps: Double, at: Float) {
        let y = try apply(op, x)
        return zip(x, y).map { (Self.ulps($1, reference(Double($0))), $0) }.max { $0.0 < $1.0 } ?? (0, 0)
    }

    static func softplus(_ x: Double) -> Double { max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x))) }

    @Test func expWithinBound() throws {
        let error = try worst(.exp, Self.grid(-87, 88.7), Foundation.exp)
        #expect(error.ulps <= 1.1, "exp: \(error.ulps) ulp at \(error.at)")
        let special = try apply(.exp, [0, -110, -1000, 89, 1000, .nan, -.infinity, .infinity])
        #expect(special[0] == 1 && special[1] == 0 && special[2] == 0)
        #expect(special[3] == .infinity && special[4] == .infinity && special[5].isNaN)
        #expect(special[6] == 0 && special[7] == .infinity)
    }

    @Test func logWithinBound() throws {
        // Logarithmically spaced from subnormal 1e-44 to 3e38, and densely around 1.
        let wide = (0..<20_001).map { Float(Foundation.pow(10, -44 + 82.5 * Double($0) / 20_000)) }
        for x in [wide, Self.grid(0.5, 2)] {
            let error = try worst(.log, x, Foundation.log)
            #expect(error.ulps <= 0.8, "log: \(error.ulps) ulp at \(error.at)")
        }
        let special = try apply(.log, [0, -1, .nan, .infinity, 1])
        #expect(special[0] == -.infinity && special[1].isNaN && special[2].isNaN)
        #expect(special[3] == .infinity && special[4] == 0)
    }

    @Test func softplusWithinBound() throws {
        // Down to -87, where eˣ (and so softplus) leaves the normal range.
        let error = try worst(.softplus, Self.grid(-87, 100), Self.softplus)
        #expect(error.ulps <= 2, "softplus: \(error.ulps) ulp at \(error.at)")
        let special = try apply(.softplus, [0, 1e-30, -1e-30, -200, 1e30, .nan])
        #expect(special[0...2].allSatisfy { Self.ulps($0, Foundation.log(2.0)) <= 1.5 })
        #expect(special[3] == 0 && special[4] == 1e30 && special[5].isNaN)
    }

    @Test func sigmoidWithinBound() throws {
        let sigmoid = { (x: Double) in 1 / (1 + Foundation.exp(-x)) }
        let error = try worst(.sigmoid, Self.grid(-87, 30), sigmoid)
        #expect(error.ulps <= 2.5, "sigmoid: \(error.ulps) ulp at \(error.at)")
        // softplus' = sigmoid, from the exponential `Softplus` shares with its value.
        let x = Self.grid(-87, 30)
        let derivative = try cpu.applyBackward(.softplus, cpu.tensor(x, shape: [x.count]),
                                               gradOutput: cpu.tensor([Float](repeating: 1, count: x.count), shape: [x.count])).toArray()
        let worstDerivative = zip(x, derivative).map { Self.ulps($1, sigmoid(Double($0))) }.max() ?? 0
        #expect(worstDerivative <= 2.5, "softplus': \(worstDerivative) ulp")
        let special = try apply(.sigmoid, [0, -200, 200, .nan])
        #expect(special[0] == 0.5 && special[1] == 0 && special[2] == 1 && special[3].isNaN)
    }

    @Test func tanhWithinBound() throws {
        for x in [Self.grid(-1, 1), Self.grid(-20, 20)] {
            let error = try worst(.tanh, x, Foundation.tanh)
            #expect(error.ulps <= 1.5, "tanh: \(error.ulps) ulp at \(error.at)")
        }
        let special = try apply(.tanh, [0, 1e-30, -1e-30, 100, -100, .nan])
        #expect(special[0] == 0 && special[1] == 1e-30 && special[2] == -1e-30)
        #expect(special[3] == 1 && special[4] == -1 && special[5].isNaN)
    }

    /// `expOfNonPositive`, the exponential that softplus, sigmoid and log-sum-exp use for their
    /// `e^{-|x|}`, is `exp` bit for bit on `x ≤ 0`: densely through the gradual-underflow range
    /// (-104 … -87.3), plus -0, -∞, a huge negative value and NaN.
    @Test func expOfNonPositiveIsExpBitForBit() {
        let x = Self.grid(-110, 0, 320_001) + [-0.0, -.infinity, -1e30, -Float.leastNonzeroMagnitude, .nan]
        for start in stride(from: 0, to: x.count, by: FloatVector.scalarCount) {
            let v = x.withUnsafeBufferPointer { $0.baseAddress!.vector(at: start, lanes: min(16, x.count - start)) }
            let fast = VectorMath.expOfNonPositive(v), reference = VectorMath.exp(v)
            for lane in v.indices where fast[lane].bitPattern != reference[lane].bitPattern && !(fast[lane].isNaN && reference[lane].isNaN) {
                Issue.record("x = \(v[lane]): \(fast[lane]) vs exp \(reference[lane])")
            }
        }
    }

    /// `log σ` of `σ = softplus(ρ)` through `klGaussian` of one element with `μ = 0`, `s = 1`:
    /// `-log σ + σ²/2 - ½`, within 4 ulp of its largest term, from ρ = -100 (where `σ`
    /// underflows but `log σ` must stay finite) to ρ = 20.
    @Test func logSoftplusStaysAccurate() throws {
        let mu = try cpu.tensor([0], shape: [1])
        for rho in Self.grid(-100, 20, 481) {
            let kl = try cpu.klGaussian(mu: mu, rho: cpu.tensor([rho], shape: [1]), priorSigma: 1).toArray()[0]
            let sigma = Self.softplus(Double(rho))
            let logSigma = sigma > 1e-300 ? Foundation.log(sigma) : Double(rho)
            let reference = -logSigma + sigma * sigma / 2 - 0.5
            let scale = max(abs(logSigma), sigma * sigma / 2, 0.5)
            #expect(kl.isFinite && abs(Double(kl) - reference) <= 4 * Double(Float(scale).ulp), "ρ = \(rho): \(kl) vs \(reference)")
        }
    }
}
