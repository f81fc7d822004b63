import DeepBayesCore
import Foundation

extension ReferenceBackend {
    /// `u[i] = Philox.uniform(word i % 4 of block random.block(of: i))`.
    public func _randomUniform(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        tensor(shape, (0..<shape.count).map { i in
            Philox.uniform(Philox.words(seed: random.seed, stream: random.stream, block: random.block(of: i))[i % 4])
        })
    }

    /// Box–Muller on lanes (0, 1) and (2, 3) of each block: `r = √(-2 ln u₀)`, `(r cos 2πu₁, r sin 2πu₁)`.
    public func _randomNormal(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        tensor(shape, (0..<shape.count).map { i in
            let words = Philox.words(seed: random.seed, stream: random.stream, block: random.block(of: i))
            let lane = i % 4, pair = lane / 2 * 2
            let radius = (-2 * Foundation.log(Philox.uniform(words[pair]))).squareRoot()
            let angle = 2 * Float.pi * Philox.uniform(words[pair + 1])
            return lane % 2 == 0 ? radius * Foundation.cos(angle) : radius * Foundation.sin(angle)
        })
    }
}
