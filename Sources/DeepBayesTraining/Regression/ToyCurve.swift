import DeepBayesCore
import Foundation

/// The one-dimensional regression problems of `deepbayes regression`: noisy samples of a
/// curve on the training range `[0, 0.5]`, predicted over `[−0.2, 1.2]` so that the pictures
/// show what a model says where it has seen no data.
///
/// The samples are drawn from Philox under the run's seed (`RandomPass(.syntheticData, index:
/// curve)`): draw 0 gives the inputs `xᵢ = 0.5 uᵢ` from uniforms `uᵢ ∈ (0, 1]`, draw 1 the
/// standard normals `zᵢ` of the noise, so a seed gives the same points on every machine.
public enum ToyCurve: String, CaseIterable, Sendable {
    /// Blundell et al. 2015 (section 5.2, Figure 5):
    /// `y = x + 0.3 sin(2π(x + ε)) + 0.3 sin(4π(x + ε)) + ε` with one `ε ~ N(0, 0.02²)` per
    /// point. The paper writes `N(0, 0.02)`; we read 0.02 as the standard deviation. Its figure
    /// shows the two bumps of the curve through the noise; with a variance of 0.02 (σ ≈ 0.14)
    /// the phase of the second sine would move by 4π · 0.14 ≈ 1.8 rad and wash it out. The ε
    /// inside the sines makes the noise on `y` change with `x` (its standard deviation is about
    /// `0.02 |1 + 0.6π cos 2π(x+ε) + 1.2π cos 4π(x+ε)|`).
    case blundell
    /// `y = sin(πx) / 2 + σ(x) z` with `z ~ N(0, 1)` and a noise that grows linearly,
    /// `σ(x) = 0.05 + 0.3 x` (0.05 at x = 0, 0.2 at x = 0.5): a model's learned noise can be
    /// compared to the true one.
    case heteroscedastic

    /// Where the training inputs lie.
    public static let trainingRange: ClosedRange<Double> = 0...0.5
    /// Where the predictions are drawn.
    public static let predictionRange: ClosedRange<Double> = -0.2...1.2
    /// The standard deviation of Blundell et al.'s ε.
    public static let blundellNoise = 0.02

    /// The curve without noise (ε = 0).
    public func mean(_ x: Double) -> Double {
        switch self {
        case .blundell: return Self.blundell(x, noise: 0)
        case .heteroscedastic: return sin(Double.pi * x) / 2
        }
    }

    /// The standard deviation of the additive noise at `x`: `σ(x)` of the heteroscedastic
    /// curve; nil for Blundell et al.'s, whose noise is not additive.
    public func noiseStandardDeviation(_ x: Double) -> Double? {
        switch self {
        case .blundell: return nil
        case .heteroscedastic: return 0.05 + 0.3 * x
        }
    }

    /// `count` points `(xᵢ, yᵢ)` with the noise each received (`ε` of Blundell's curve,
    /// `σ(xᵢ) zᵢ` of the heteroscedastic one, so `yᵢ − mean(xᵢ)` for the latter).
    public func sample(count: Int, seed: UInt64) -> (x: [Float], y: [Float], noise: [Double]) {
        let pass = RandomPass(.syntheticData, index: UInt64(Self.allCases.firstIndex(of: self)!))
        let inputs = pass.randomStream(seed: seed, draw: 0), normals = pass.randomStream(seed: seed, draw: 1)
        var x: [Float] = [], y: [Float] = [], noise: [Double] = []
        for i in 0..<count {
            let u = Double(Philox.uniform(Philox.words(seed: seed, stream: inputs.stream, block: inputs.block(of: i))[i % 4]))
            let z = Double(Philox.normals(Philox.words(seed: seed, stream: normals.stream, block: normals.block(of: i)))[i % 4])
            let input = Self.trainingRange.lowerBound + (Self.trainingRange.upperBound - Self.trainingRange.lowerBound) * u
            let value: Double, added: Double
            switch self {
            case .blundell:
                added = Self.blundellNoise * z
                value = Self.blundell(input, noise: added)
            case .heteroscedastic:
                added = noiseStandardDeviation(input)! * z
                value = mean(input) + added
            }
            x.append(Float(input)); y.append(Float(value)); noise.append(added)
        }
        return (x, y, noise)
    }

    /// `x + 0.3 sin(2π(x + ε)) + 0.3 sin(4π(x + ε)) + ε`.
    static func blundell(_ x: Double, noise: Double) -> Double {
        x + 0.3 * sin(2 * Double.pi * (x + noise)) + 0.3 * sin(4 * Double.pi * (x + noise)) + noise
    }
}
