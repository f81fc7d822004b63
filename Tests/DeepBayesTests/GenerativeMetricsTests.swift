import DeepBayesBackendConformance
import DeepBayesCore
import DeepBayesModels
import Foundation
import Testing

/// The MNIST score on hand cases, the Fréchet distance against closed forms and its
/// invariances, and the symmetric eigen-solver against a matrix with known eigenvalues.
@Suite struct GenerativeMetricsTests {
    /// `count` rows of `d` correlated Gaussian features: `x = μ + L·z`, `L` lower triangular
    /// with entries uniform in [-1, 1) and 1 + |·| on the diagonal, so Σ = L·Lᵀ is well conditioned.
    static func correlatedSet(count: Int, d: Int, shift: Float, seed: UInt64) -> [Float] {
        var random = HostRandom(seed: seed)
        var l = [Float](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i { l[i * d + j] = i == j ? 1 + abs(random.uniform()) : random.uniform() }
        }
        var x = [Float](repeating: 0, count: count * d)
        for row in 0..<count {
            let z = (0..<d).map { _ in random.normal() }
            for i in 0..<d { x[row * d + i] = shift + (0...i).reduce(Float(0)) { $0 + l[i * d + $1] * z[$1] } }
        }
        return x
    }

    /// The trace of the unbiased sample covariance, computed directly: the scale of a set.
    static func covarianceTrace(_ x: [Float], d: Int) -> Double {
        let n = x.count / d
        return (0..<d).reduce(0.0) { sum, j in
            let column = (0..<n).map { Double(x[$0 * d + j]) }
            let mean = column.reduce(0, +) / Double(n)
            return sum + column.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        }
    }

    /// A random `d × d` orthogonal matrix (row-major): Gram–Schmidt, done twice for
    /// orthogonality to rounding, on Gaussian vectors.
    static func randomRotation(d: Int, seed: UInt64) -> [Double] {
        var random = HostRandom(seed: seed)
        var q = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            var v = (0..<d).map { _ in Double(random.normal()) }
            for _ in 0..<2 {
                for k in 0..<i {
                    let dot = (0..<d).reduce(0.0) { $0 + v[$1] * q[k * d + $1] }
                    for j in 0..<d { v[j] -= dot * q[k * d + j] }
                }
            }
            let norm = v.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            for j in 0..<d { q[i * d + j] = v[j] / norm }
        }
        return q
    }

    /// Each row `x` of `set` replaced by `Q·x`, rounded to `Float`.
    static func rotate(_ set: [Float], by q: [Double], d: Int) -> [Float] {
        var out = [Float](repeating: 0, count: set.count)
        for row in 0..<(set.count / d) {
            for i in 0..<d {
                out[row * d + i] = Float((0..<d).reduce(0.0) { $0 + q[i * d + $1] * Double(set[row * d + $1]) })
            }
        }
        return out
    }

    /// `2d` rows `μ ± s_i·e_i`: the mean is exactly μ and the covariance exactly diagonal,
    /// `Σ_ii = 2 s_i² / (2d - 1)`. All values are dyadic, so the `Float` rows are exact.
    static func axisSet(mean: [Float], spread: [Float]) -> [Float] {
        let d = mean.count
        var x = [Float]()
        for i in 0..<d {
            for sign: Float in [1, -1] {
                x += (0..<d).map { j in mean[j] + (j == i ? sign * spread[i] : 0) }
            }
        }
        return x
    }

    @Test func mnistScoreOfIdenticalRowsIsOne() {
        let rows = Array([[Float]](repeating: [0.2, 0.3, 0.5], count: 5).joined())
        #expect(abs(GenerativeMetrics.mnistScore(probabilities: rows, classes: 3) - 1) < 1e-12)
    }

    @Test func mnistScoreOfEvenlySpreadOneHotRowsIsTheClassCount() {
        let classes = 10
        let rows = (0..<30).flatMap { row in (0..<classes).map { Float($0 == row % classes ? 1 : 0) } }
        #expect(abs(GenerativeMetrics.mnistScore(probabilities: rows, classes: classes) - 10) < 1e-11)
    }

    /// Rows (1, 0) and (½, ½): p(y) = (¾, ¼), KL₁ = log(4/3), KL₂ = ½ log(2/3) + ½ log 2 =
    /// ½ log(4/3), so the score is exp(¾ log(4/3)) = (4/3)^¾.
    @Test func mnistScoreOnAHandCase() {
        let score = GenerativeMetrics.mnistScore(probabilities: [1, 0, 0.5, 0.5], classes: 2)
        #expect(abs(score - pow(4.0 / 3, 0.75)) < 1e-12)
    }

    /// The tridiagonal matrix with 2 on the diagonal and -1 beside it has eigenvalues
    /// `2 - 2 cos(kπ/(n+1))`, k = 1…n; its eigenvectors rebuild it and are orthonormal.
    @Test func eigenvaluesOfTheSecondDifferenceMatrix() {
        let n = 40
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            matrix[i * n + i] = 2
            if i + 1 < n { matrix[i * n + i + 1] = -1; matrix[(i + 1) * n + i] = -1 }
        }
        let expected = (1...n).map { 2 - 2 * cos(Double($0) * .pi / Double(n + 1)) }
        let values = GenerativeMetrics.symmetricEigenvalues(matrix, n: n)
        #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-10 }, "\(values) vs \(expected)")

        let (decomposed, vectors) = GenerativeMetrics.symmetricEigen(matrix, n: n)
        #expect(zip(decomposed, expected).allSatisfy { abs($0 - $1) < 1e-10 })
        var worstRebuild = 0.0, worstOrthogonality = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let rebuilt = (0..<n).reduce(0.0) { $0 + vectors[$1 * n + i] * decomposed[$1] * vectors[$1 * n + j] }
                worstRebuild = max(worstRebuild, abs(rebuilt - matrix[i * n + j]))
                let dot = (0..<n).reduce(0.0) { $0 + vectors[i * n + $1] * vectors[j * n + $1] }
                worstOrthogonality = max(worstOrthogonality, abs(dot - (i == j ? 1 : 0)))
            }
        }
        #expect(worstRebuild < 1e-12 && worstOrthogonality < 1e-12, "rebuild \(worstRebuild), orthogonality \(worstOrthogonality)")
    }

    @Test func frechetDistanceOfASetToItselfIsZero() throws {
        let d = 6, a = Self.correlatedSet(count: 500, d: d, shift: 0.5, seed: 1)
        let distance = try GenerativeMetrics.frechetDistance(a, a, dimension: d)
        #expect(distance >= 0 && distance <= 1e-9 * Self.covarianceTrace(a, d: d), "\(distance)")
    }

    /// Diagonal covariances: the distance is `Σ_i (μ_ai - μ_bi)² + (σ_ai - σ_bi)²`; after a
    /// common random rotation of both sets the covariances are full, the answer the same up
    /// to the rounding of the rotated features to `Float` (about 1e-7 relative).
    @Test func frechetDistanceOfDiagonalCovariancesMatchesTheClosedForm() throws {
        let meanA: [Float] = [0.5, -1, 2, 0.25, 0, 3, -0.75, 1], spreadA: [Float] = [1, 0.5, 2, 1.25, 3, 0.125, 1, 0.75]
        let meanB: [Float] = [0, -1.5, 2.5, 0.25, 1, 2, -0.5, 0], spreadB: [Float] = [2, 0.5, 1, 0.25, 1.5, 0.625, 3, 0.75]
        let d = meanA.count
        let a = Self.axisSet(mean: meanA, spread: spreadA), b = Self.axisSet(mean: meanB, spread: spreadB)
        let varianceScale = 2 / Double(2 * d - 1)
        let closedForm = (0..<d).reduce(0.0) { sum, i in
            let dm = Double(meanA[i] - meanB[i])
            let ds = (varianceScale * Double(spreadA[i] * spreadA[i])).squareRoot() - (varianceScale * Double(spreadB[i] * spreadB[i])).squareRoot()
            return sum + dm * dm + ds * ds
        }
        let distance = try GenerativeMetrics.frechetDistance(a, b, dimension: d)
        #expect(abs(distance - closedForm) <= 1e-12 * closedForm, "\(distance) vs \(closedForm)")

        let q = Self.randomRotation(d: d, seed: 9)
        let rotated = try GenerativeMetrics.frechetDistance(Self.rotate(a, by: q, d: d), Self.rotate(b, by: q, d: d), dimension: d)
        #expect(abs(rotated - closedForm) <= 1e-5 * closedForm, "\(rotated) vs \(closedForm)")
    }

    @Test func frechetDistanceIsInvariantUnderACommonRotation() throws {
        let d = 10
        let a = Self.correlatedSet(count: 400, d: d, shift: 0, seed: 2), b = Self.correlatedSet(count: 300, d: d, shift: 0.3, seed: 3)
        let q = Self.randomRotation(d: d, seed: 4)
        let plain = try GenerativeMetrics.frechetDistance(a, b, dimension: d)
        let rotated = try GenerativeMetrics.frechetDistance(Self.rotate(a, by: q, d: d), Self.rotate(b, by: q, d: d), dimension: d)
        #expect(plain > 0 && abs(rotated - plain) <= 1e-5 * plain, "\(rotated) vs \(plain)")
    }

    @Test func frechetDistanceIsSymmetric() throws {
        let d = 8
        let a = Self.correlatedSet(count: 300, d: d, shift: 0, seed: 5), b = Self.correlatedSet(count: 450, d: d, shift: -0.2, seed: 6)
        let ab = try GenerativeMetrics.frechetDistance(a, b, dimension: d), ba = try GenerativeMetrics.frechetDistance(b, a, dimension: d)
        let scale = Self.covarianceTrace(a, d: d) + Self.covarianceTrace(b, d: d)
        #expect(ab > 0 && abs(ab - ba) <= 1e-9 * scale, "\(ab) vs \(ba)")
    }

    @Test func frechetDistanceRejectsBadInputs() {
        func isInvalidArgument(_ error: any Error) -> Bool {
            if case .invalidArgument = error as? DeepBayesError { return true }
            return false
        }
        let good: [Float] = [0, 1, 2, 3, 4, 5]
        #expect(performing: { try GenerativeMetrics.frechetDistance(good, good, dimension: 0) }, throws: isInvalidArgument)
        #expect(performing: { try GenerativeMetrics.frechetDistance(good, good, dimension: -2) }, throws: isInvalidArgument)
        #expect(performing: { try GenerativeMetrics.frechetDistance(good, good, dimension: 4) }, throws: isInvalidArgument)
        #expect(performing: { try GenerativeMetrics.frechetDistance(good, [0, 1, 2, 3, 4], dimension: 2) }, throws: isInvalidArgument)
        #expect(performing: { try GenerativeMetrics.frechetDistance(good, [0, 1, 2], dimension: 3) }, throws: isInvalidArgument)
        #expect(performing: { try GenerativeMetrics.frechetDistance([0, 1], good, dimension: 2) }, throws: isInvalidArgument)
        #expect(performing: { try GenerativeMetrics.frechetDistance([], good, dimension: 2) }, throws: isInvalidArgument)
        #expect(throws: Never.self) { try GenerativeMetrics.frechetDistance(good, good, dimension: 3) }
    }

    /// FID-sized inputs (d = 128, N = 10,000 per set) run and give a finite, positive value.
    @Test func frechetDistanceAtFIDSize() throws {
        let d = 128, n = 10_000
        var random = HostRandom(seed: 11)
        let a = (0..<(n * d)).map { _ in random.normal() }
        let b = (0..<(n * d)).map { _ in 0.1 + 1.1 * random.normal() }
        let distance = try GenerativeMetrics.frechetDistance(a, b, dimension: d)
        #expect(distance.isFinite && distance > 0, "\(distance)")
    }
}
