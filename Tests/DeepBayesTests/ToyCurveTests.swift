import DeepBayesTraining
import Foundation
import Testing

/// The toy curves of `deepbayes regression`: their noise has the stated variance, the inputs lie
/// in the training range, and a seed gives the same points.
@Suite struct ToyCurveTests {
    static let count = 20_000

    /// The mean and the variance of `values`.
    static func moments(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        return (mean, values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1))
    }

    /// Over 20,000 points the sample variance of a Gaussian has a relative standard error of
    /// √(2/n) = 1%, and the mean one of σ/√n = 0.7% of σ: the tolerances, 5% and 3.5% of σ, are
    /// five standard errors.
    @Test func blundellNoiseIsGaussianWithStandardDeviation0_02() throws {
        let sample = ToyCurve.blundell.sample(count: Self.count, seed: 3)
        let (mean, variance) = Self.moments(sample.noise)
        #expect(abs(variance / (0.02 * 0.02) - 1) <= 0.05, "variance \(variance)")
        #expect(abs(mean) <= 0.035 * 0.02, "mean \(mean)")
        for i in 0..<Self.count {
            let x = Double(sample.x[i]), e = sample.noise[i]
            #expect(x > 0 && x <= 0.5)
            let expected = x + 0.3 * sin(2 * Double.pi * (x + e)) + 0.3 * sin(4 * Double.pi * (x + e)) + e
            if abs(Double(sample.y[i]) - expected) > 1e-6 { Issue.record("point \(i): y \(sample.y[i]), expected \(expected)"); break }
        }
    }

    @Test func heteroscedasticNoiseHasTheStatedStandardDeviation() throws {
        let curve = ToyCurve.heteroscedastic
        let sample = curve.sample(count: Self.count, seed: 4)
        let standardized = (0..<Self.count).map { i in
            (Double(sample.y[i]) - curve.mean(Double(sample.x[i]))) / curve.noiseStandardDeviation(Double(sample.x[i]))!
        }
        let (mean, variance) = Self.moments(standardized)
        #expect(abs(variance - 1) <= 0.05, "variance of (y - f(x)) / sigma(x): \(variance)")
        #expect(abs(mean) <= 0.035, "mean \(mean)")
        #expect(curve.noiseStandardDeviation(0) == 0.05 && abs(curve.noiseStandardDeviation(0.5)! - 0.2) < 1e-12)
        #expect(ToyCurve.blundell.noiseStandardDeviation(0.25) == nil)
    }

    @Test func aSeedGivesTheSamePoints() {
        for curve in ToyCurve.allCases {
            let first = curve.sample(count: 50, seed: 9), again = curve.sample(count: 50, seed: 9), other = curve.sample(count: 50, seed: 10)
            #expect(first.x == again.x && first.y == again.y)
            #expect(first.x != other.x)
        }
        #expect(ToyCurve.blundell.sample(count: 50, seed: 9).x != ToyCurve.heteroscedastic.sample(count: 50, seed: 9).x, "each curve draws its own inputs")
    }
}
