import DeepBayesBackendConformance
import DeepBayesCore
@testable import DeepBayesOpenCL
import Testing

/// The split of backward-filter's reduction on the GPU path (`FilterReductionSplit`): its
/// chunks cover the reduction exactly once, and the convolution conformance cases, which
/// `TiledMatmulTests` runs on PoCL's 2 compute units, do run split, with a ragged last chunk.
@Suite struct FilterReductionSplitTests {
    @Test(arguments: [1, 2, 8, 132], [1, 27, 255, 256, 257, 578, 3136, 50176])
    func theChunksCoverTheReductionOnce(computeUnits: Int, k: Int) {
        for (m, n) in [(1, 1), (5, 27), (16, 27), (64, 288), (512, 4608)] {
            let split = FilterReductionSplit(m: m, n: n, k: k, tile: (16, 16), computeUnits: computeUnits)
            #expect(split.chunks >= 1 && split.chunk * split.chunks >= k && split.chunk * (split.chunks - 1) < k)
            if split.chunks > 1 {
                #expect(split.chunk % FilterReductionSplit.chunkMultiple == 0 && split.chunk >= FilterReductionSplit.minimumChunk)
            } else {
                #expect(split.chunk == k)
            }
        }
    }

    @Test func theSplitFollowsItsFormula() {
        // 2 groups of 16x16 on 2 units want 4 chunks: 3136 / 4 = 784 each.
        #expect(FilterReductionSplit(m: 16, n: 27, k: 3136, tile: (16, 16), computeUnits: 2).chunks == 4)
        // 578 / 4 rounds below the minimum chunk: 256, 256 and a ragged 66.
        let ragged = FilterReductionSplit(m: 5, n: 27, k: 578, tile: (16, 16), computeUnits: 2)
        #expect(ragged.chunk == 256 && ragged.chunks == 3)
        // 64x288 outputs are 72 groups; 132 units want 528, so 8 chunks of 6272 (64x32x28x28, 3x3).
        let large = FilterReductionSplit(m: 64, n: 288, k: 50176, tile: (16, 16), computeUnits: 132)
        #expect(large.chunk == 6272 && large.chunks == 8)
        // In the blocked GEMM's 128x128 tiles the same product is 3 groups: 175 chunks of 288, the last ragged.
        let blocked = FilterReductionSplit(m: 64, n: 288, k: 50176, tile: (128, 128), computeUnits: 132)
        #expect(blocked.chunk == 288 && blocked.chunks == 175)
        // A product with groups enough for the device stays whole.
        #expect(FilterReductionSplit(m: 512, n: 4608, k: 50176, tile: (16, 16), computeUnits: 132).chunks == 1)
        #expect(FilterReductionSplit(m: 1, n: 1, k: 256, tile: (16, 16), computeUnits: 132).chunks == 1)
    }

    @Test func theConformanceCasesSplitOnATwoUnitDevice() throws {
        let splits = try KernelCases.convolutionGeometries.map { input, filter, stride, padding in
            let g = try Conv2DGeometry(input: input, filter: filter, stride: stride, padding: padding)
            let k = g.batch * g.outHeight * g.outWidth
            return (FilterReductionSplit(m: g.outChannels, n: g.inChannels * g.kernelHeight * g.kernelWidth, k: k, tile: (16, 16), computeUnits: 2), k)
        }
        #expect(splits.contains { $0.0.chunks > 2 && $0.0.chunk * $0.0.chunks > $0.1 }, "no case with several chunks and a ragged last one")
        #expect(splits.contains { $0.0.chunks > 1 && $0.0.chunk * $0.0.chunks == $0.1 }, "no case with even chunks")
        #expect(splits.contains { $0.0.chunks == 1 }, "no unsplit case")
    }
}
