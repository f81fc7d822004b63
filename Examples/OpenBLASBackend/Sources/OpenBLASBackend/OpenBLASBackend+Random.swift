import DeepBayesCore

extension OpenBLASBackend {
    /// `u[i] = uniform(word i % 4 of Philox block random.block(of: i))`, in (0, 1]: the same
    /// numbers as every other backend for the same stream.
    public func _randomUniform(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        tensor(shape, Self.draw(shape.count, random) { words in
            SIMD4(Philox.uniform(words[0]), Philox.uniform(words[1]), Philox.uniform(words[2]), Philox.uniform(words[3]))
        })
    }

    /// Standard normals by Box–Muller on lanes (0, 1) and (2, 3) of Philox block
    /// `random.block(of: i)`: `r = √(-2 ln u₀)`, `(r cos 2πu₁, r sin 2πu₁)` (`Philox.normals`).
    public func _randomNormal(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        tensor(shape, Self.draw(shape.count, random, Philox.normals))
    }

    /// `count` values, four per Philox block: elements `4b ..< 4b + 4` are the lanes of
    /// `lanes(words of block random.block(of: 4b))`; the last block may be cut short.
    private static func draw(_ count: Int, _ random: RandomStream,
                             _ lanes: (SIMD4<UInt32>) -> SIMD4<Float>) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        for first in stride(from: 0, to: count, by: 4) {
            let block = lanes(Philox.words(seed: random.seed, stream: random.stream, block: random.block(of: first)))
            for lane in 0..<min(4, count - first) { values[first + lane] = block[lane] }
        }
        return values
    }
}
