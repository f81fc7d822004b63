import DeepBayesCore
import Foundation

/// `RandomKernels`: Philox4x32-10 words turned into floats exactly as every backend does
/// (see `Philox` and DESIGN.md), so the CPU and OpenCL draw the same numbers.
extension CPUBackend {
    /// `u[i] = Philox.uniform(word i % 4 of block random.block(of: i))`, in (0, 1].
    public func randomUniform(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        fillBlocks(shape, random, costPerBlock: 60) { words in
            SIMD4(Philox.uniform(words[0]), Philox.uniform(words[1]), Philox.uniform(words[2]), Philox.uniform(words[3]))
        }
    }

    /// Box–Muller in `Float` on lane pairs (0, 1) and (2, 3) of each block (`Philox.normals`).
    public func randomNormal(_ shape: Shape, _ random: RandomStream) throws -> Tensor {
        fillBlocks(shape, random, costPerBlock: 140, Philox.normals)
    }

    /// `m[i] = u[i] > p ? 1 / (1 - p) : 0` with `u` as in `randomUniform`.
    public func dropoutMask(_ shape: Shape, dropProbability p: Float, _ random: RandomStream) throws -> Tensor {
        let keep = 1 / (1 - p)
        return fillBlocks(shape, random, costPerBlock: 64) { words in
            var mask = SIMD4<Float>()
            for lane in 0..<4 { mask[lane] = Philox.uniform(words[lane]) > p ? keep : 0 }
            return mask
        }
    }

    /// A tensor whose elements `4b ..< 4b + 4` are `transform(Philox.words(seed, stream, firstBlock + b))`
    /// (the last block cut to the element count), blocks filled in parallel.
    private func fillBlocks(_ shape: Shape, _ random: RandomStream, costPerBlock: Int,
                            _ transform: (SIMD4<UInt32>) -> SIMD4<Float>) -> Tensor {
        let count = shape.count
        let (result, out) = makeTensor(shape)
        Parallel.forEachChunk((count + 3) / 4, costPerItem: costPerBlock) { blocks in
            for block in blocks {
                let lanes = transform(Philox.words(seed: random.seed, stream: random.stream, block: random.block(of: 4 * block)))
                for lane in 0..<min(4, count - 4 * block) { out[4 * block + lane] = lanes[lane] }
            }
        }
        return result
    }
}
