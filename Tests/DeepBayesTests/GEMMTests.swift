@testable import DeepBayesCPU
import Foundation
import Testing

/// The CPU backend's packed `sgemm` against a plain triple loop in `Double`, at the sizes where
/// this build's micro-tile (`gemmMR × gemmNR`) and block sizes have their edges, and the block
/// sizes `GEMMBlocking` derives from a machine's caches.
@Suite struct GEMMTests {
    /// One product `C (= or +=) op(A)·op(B)` with its inputs, stored with leading dimensions
    /// wider than the matrices so that writes outside `C` would show.
    struct Product {
        let m: Int, n: Int, k: Int, transA: Bool, transB: Bool, accumulate: Bool
        /// Extra elements at the end of every stored row of `A`, `B` and `C`.
        static let rowPadding = 3
        var lda: Int { (transA ? m : k) + Self.rowPadding }
        var ldb: Int { (transB ? k : n) + Self.rowPadding }
        var ldc: Int { n + Self.rowPadding }

        /// `op(A)[i, p]` in storage `a`.
        func opA(_ a: [Float], _ i: Int, _ p: Int) -> Float { transA ? a[p * lda + i] : a[i * lda + p] }
        /// `op(B)[p, j]` in storage `b`.
        func opB(_ b: [Float], _ p: Int, _ j: Int) -> Float { transB ? b[j * ldb + p] : b[p * ldb + j] }
    }

    /// Values in `[-1, 1)` from a 64-bit linear congruential generator with `seed`.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) * 0x1p-23 - 1
        }
    }

    /// Runs `product` through `sgemm` with `blocking` and checks every element of `C` against
    /// the `Double` triple loop within `2·k·ε·(Σ_p |op(A)[i,p]·op(B)[p,j]| + |C₀[i,j]|)` (the
    /// bound of a blocked float sum, twice over for the rounding of the inputs to the sum),
    /// and that the padding after each row of `C` is untouched.
    static func check(_ product: Product, blocking: GEMMBlocking = .host, parallel: Bool = false) {
        let g = product
        let a = values((g.transA ? g.k : g.m) * g.lda, seed: 1), b = values((g.transB ? g.n : g.k) * g.ldb, seed: 2)
        let initial = values(g.m * g.ldc, seed: 3)
        var c = initial
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    sgemm(m: g.m, n: g.n, k: g.k, a: pa.baseAddress!, lda: g.lda, transA: g.transA,
                          b: pb.baseAddress!, ldb: g.ldb, transB: g.transB, c: pc.baseAddress!, ldc: g.ldc,
                          accumulate: g.accumulate, parallel: parallel, blocking: blocking)
                }
            }
        }
        var worst = 0.0, paddingChanged = 0
        for i in 0..<g.m {
            for j in 0..<g.n {
                var sum = 0.0, magnitude = 0.0
                for p in 0..<g.k {
                    let term = Double(g.opA(a, i, p)) * Double(g.opB(b, p, j))
                    sum += term
                    magnitude += abs(term)
                }
                let start = g.accumulate ? Double(initial[i * g.ldc + j]) : 0
                let bound = 2 * Double(g.k + 1) * Double(Float.ulpOfOne) * (magnitude + abs(start)) + Double(Float.leastNormalMagnitude)
                worst = max(worst, abs(Double(c[i * g.ldc + j]) - (sum + start)) / bound)
            }
            for j in g.n..<g.ldc where c[i * g.ldc + j] != initial[i * g.ldc + j] { paddingChanged += 1 }
        }
        #expect(worst <= 1, "\(g): error \(worst) of the bound")
        #expect(paddingChanged == 0, "\(g): \(paddingChanged) elements outside C changed")
    }

    /// Sizes at the edges of a micro-tile of `unit` elements: 1, one less, one more, and two
    /// tiles and one more.
    static func edges(_ unit: Int) -> [Int] { Array(Set([1, max(1, unit - 1), unit + 1, 2 * unit + 1])).sorted() }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func oddSizesAroundTheMicroTileMatchTheTripleLoop(transA: Bool, transB: Bool) {
        let depths = [1, 7, GEMMBlocking.host.maxDepth + 1]
        for m in Self.edges(gemmMR) {
            for n in Self.edges(gemmNR) {
                for k in depths {
                    for accumulate in [false, true] {
                        Self.check(Product(m: m, n: n, k: k, transA: transA, transB: transB, accumulate: accumulate))
                    }
                }
            }
        }
    }

    /// Blocks of one micro-tile and depth 8 (the formula's floor on caches of a few bytes),
    /// so that small products cross every row, depth and column block boundary.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func productsSpanningManyBlocksMatchTheTripleLoop(transA: Bool, transB: Bool) {
        let tiny = GEMMBlocking(cacheSizes: CacheSizes(l1: 1, l2: 1, l3: 1), microTile: (gemmMR, gemmNR))
        #expect(tiny.maxDepth == 8 && tiny.columns == gemmNR && tiny.rows == gemmMR)
        for accumulate in [false, true] {
            Self.check(Product(m: 3 * gemmMR + 1, n: 2 * gemmNR + 3, k: 29, transA: transA, transB: transB, accumulate: accumulate),
                       blocking: tiny)
        }
    }

    @Test func theParallelSplitMatchesTheTripleLoop() {
        // Above the parallel threshold, once tall (split over rows) and once wide (over columns).
        for (m, n, transposed) in [(16 * gemmMR + 1, 40, false), (5, 16 * gemmNR + 3, true)] {
            let k = GEMMBlocking.minimumParallelWork / (m * n) + 1
            Self.check(Product(m: m, n: n, k: k, transA: transposed, transB: transposed, accumulate: transposed), parallel: true)
        }
    }

    /// L1d, L2, L3 of a few machines: Zen 5, a Skylake-SP server core, an Apple M1 performance
    /// core (no L3 reported), a core reporting nothing.
    static let machines = [
        CacheSizes(l1: 48 << 10, l2: 1 << 20, l3: 32 << 20),
        CacheSizes(l1: 32 << 10, l2: 1 << 20, l3: 11 << 20),
        CacheSizes(l1: 128 << 10, l2: 12 << 20, l3: 0),
        CacheSizes(l1: 0, l2: 0, l3: 0),
    ]
    /// The micro-tiles of the AVX-512, AVX2 and portable builds.
    static let microTiles = [(8, 32), (6, 16), (4, 8)]

    @Test(arguments: machines)
    func blocksAreWholeTilesThatFitTheCaches(caches: CacheSizes) {
        let used = caches.reportedOrConservative
        for (mr, nr) in Self.microTiles {
            let blocking = GEMMBlocking(cacheSizes: caches, microTile: (mr, nr))
            let floats = MemoryLayout<Float>.stride
            #expect(blocking.maxDepth % 8 == 0 && blocking.columns % nr == 0 && blocking.rows % mr == 0, "\(blocking)")
            #expect(2 * blocking.maxDepth * (mr + nr) * floats <= used.l1, "micro-panels \(blocking) within half of L1 \(used.l1)")
            #expect(2 * blocking.maxDepth * blocking.columns * floats <= used.l2, "B block \(blocking) within half of L2 \(used.l2)")
            #expect(2 * blocking.maxDepth * blocking.rows * floats <= used.l3, "A block \(blocking) within half of L3 \(used.l3)")
            // The largest such sizes: one more unit would not fit.
            #expect(2 * (blocking.maxDepth + 8) * (mr + nr) * floats > used.l1)
            #expect(2 * blocking.maxDepth * (blocking.columns + nr) * floats > used.l2)
            #expect(2 * blocking.maxDepth * (blocking.rows + mr) * floats > used.l3)
        }
    }

    @Test func unreportedCachesTakeTheConservativeSizes() {
        let none = CacheSizes(l1: 0, l2: 0, l3: 0)
        #expect(none.reportedOrConservative == CacheSizes.conservative)
        #expect(CacheSizes(l1: 64 << 10, l2: 0, l3: 0).reportedOrConservative
            == CacheSizes(l1: 64 << 10, l2: CacheSizes.conservative.l2, l3: CacheSizes.conservative.l3))
        #expect(GEMMBlocking(cacheSizes: none, microTile: (8, 32)) == GEMMBlocking(cacheSizes: .conservative, microTile: (8, 32)))
        #expect(none.summary == "L1d not reported (32.0 KiB assumed), L2 not reported (256.0 KiB assumed), L3 not reported (2.0 MiB assumed)")
    }

    @Test func zen5CachesGiveTheDocumentedBlocks() {
        // kc = ⌊49152 / (2·4·40)⌋ = 153 → 152; nc = ⌊1048576 / (2·4·152)⌋ = 862 → 832;
        // mc = ⌊33554432 / (2·4·152)⌋ = 27594 → 27592.
        let blocking = GEMMBlocking(cacheSizes: Self.machines[0], microTile: (8, 32))
        #expect(blocking.maxDepth == 152 && blocking.columns == 832 && blocking.rows == 27592, "\(blocking)")
        #expect(blocking.depth(for: 153) == 77 && blocking.depth(for: 152) == 152 && blocking.depth(for: 1) == 1)
    }

    @Test func theHostCachesAreReadWhereLinuxListsThem() {
        let listed = FileManager.default.fileExists(atPath: "/sys/devices/system/cpu/cpu0/cache/index0/size")
        let host = CacheSizes.host
        #expect(!listed || host.l1 >= 1 << 10, "sysfs lists caches, L1d read as \(host.l1)")
        #expect(host.l1 >= 0 && host.l2 >= 0 && host.l3 >= 0)
    }
}
