import DeepBayesCore
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import Foundation

/// Pictures from generative models: sample grids and the VAE's 2-D latent manifold.
public enum Sampling {
    /// The most images one grid holds (64x64 images, a PNG of 1922x1922 pixels).
    public static let maximumCount = 4096

    /// `count` images in [0, 1], `[count·784]` row-major: the VAE decodes `z ~ N(0, I)`, the GAN
    /// generates from its noise, `Evaluation.chunkSize` images at a time (chunk `k` from seed
    /// `seed + k`, as the evaluation does). Classifiers cannot sample (typed error); `count`
    /// must lie in 1...`maximumCount`.
    public static func images(_ model: TrainableModel, count: Int, seed: UInt64, on backend: any Backend) throws -> [Float] {
        guard count >= 1, count <= maximumCount else {
            throw DeepBayesError.invalidArgument(operation: "sample", reason: "count \(count) must lie in 1...\(maximumCount)")
        }
        switch model {
        case .classifier:
            throw DeepBayesError.invalidArgument(operation: "sample", reason: "only generative models (vae, gan) can sample")
        case let .vae(vae):
            let codes = try backend.randomNormal([count, vae.latent], RandomPass(.sampling, index: 0).randomStream(seed: seed, draw: 0))
            return try decode(vae, codes, on: backend)
        case let .gan(gan):
            return try Evaluation.chunks(count).enumerated().flatMap { index, range in
                try gan.sample(count: range.count, seed: seed &+ UInt64(index), on: backend).toArray()
            }
        }
    }

    /// The decoded means of a `side`×`side` grid of latent codes at the normal quantiles
    /// `Φ⁻¹((i + ½)/side)` (Kingma & Welling's figure 4); needs a 2-D latent space.
    public static func manifold(_ vae: VAEModel, side: Int = 20, on backend: any Backend) throws -> [Float] {
        guard vae.latent == 2 else {
            throw DeepBayesError.invalidArgument(operation: "manifold", reason: "needs a 2-D latent space, the model has \(vae.latent)")
        }
        let quantiles = (0..<side).map { normalQuantile((Double($0) + 0.5) / Double(side)) }
        var codes: [Float] = []
        for row in 0..<side {
            for column in 0..<side { codes += [Float(quantiles[column]), Float(quantiles[side - 1 - row])] }
        }
        return try decode(vae, backend.tensor(codes, shape: [side * side, 2]), on: backend)
    }

    /// Writes `images` (`[count·784]`) as a grid PNG with `columns` columns.
    public static func writeGrid(_ images: [Float], count: Int, columns: Int, to url: URL) throws {
        try ImageGrid(imageHeight: 28, imageWidth: 28, columns: columns, padding: 2, paddingValue: 1).write(images, count: count, to: url)
    }

    static func decode(_ vae: VAEModel, _ codes: Tensor, on backend: any Backend) throws -> [Float] {
        let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .inference, seed: 0, pass: RandomPass(.sampling, index: 1))
        return try vae.decode(codes, context).toArray()
    }

    /// `Φ⁻¹(p)` by bisection on `erf` (to 1e-12; p in (0, 1)).
    static func normalQuantile(_ p: Double) -> Double {
        var (low, high) = (-10.0, 10.0)
        while high - low > 1e-12 {
            let middle = (low + high) / 2
            if 0.5 * (1 + erf(middle / 2.0.squareRoot())) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
