/// Single-precision matrix multiplication on the host, in the style of Goto and van de Geijn
/// (BLIS): cache blocks of `A` and `B` are packed into contiguous micro-panels, and a
/// register-blocked `MR × NR` micro-kernel of vector multiply-adds, one per instruction-set level
/// (`GEMMMicroKernel+<ISA>.swift`), computes each tile of `C`. The block sizes come from the
/// machine's caches (`GEMMBlocking.host`, or `blocking`).
///
/// `C[i, j] = Σ_{p < k} op(A)[i, p] · op(B)[p, j]` for `i < m`, `j < n`, stored into `C`, or
/// added to it when `accumulate`. The matrices are row-major with leading dimensions `lda`,
/// `ldb`, `ldc` (elements between consecutive stored rows): `op(A)[i, p]` is `a[i·lda + p]`, or
/// `a[p·lda + i]` when `transA` (A stored `[k, m]`); `op(B)[p, j]` is `b[p·ldb + j]`, or
/// `b[j·ldb + p]` when `transB` (B stored `[n, k]`). `C` must not overlap `A` or `B`.
///
/// Sums run in `Float` with multiply-adds (fused where the level has FMA), in blocks of at most
/// `blocking.maxDepth` terms; the error is that of a blocked float sum, about `k·ε·Σ|a·b|` at
/// worst. With `parallel`, products
/// large enough to pay for the hand-off are split over the rows or columns of `C` across
/// `Parallel.threadCount` threads; pass `false` when the caller already runs one product per thread.
func sgemm(m: Int, n: Int, k: Int,
           a: UnsafePointer<Float>, lda: Int, transA: Bool,
           b: UnsafePointer<Float>, ldb: Int, transB: Bool,
           c: UnsafeMutablePointer<Float>, ldc: Int,
           accumulate: Bool, parallel: Bool = true, blocking: GEMMBlocking = .host) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if !accumulate {
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
        }
        return
    }
    let opA = GEMMOperand(base: a, ld: lda, transposed: transA)
    let opB = GEMMOperand(base: b, ld: ldb, transposed: transB)
    let rowPanels = (m + gemmMR - 1) / gemmMR
    let columnPanels = (n + gemmNR - 1) / gemmNR
    let multiplyAdds = m * n * k
    guard parallel, Parallel.threadCount > 1, multiplyAdds >= GEMMBlocking.minimumParallelWork,
          max(rowPanels, columnPanels) > 1 else {
        sgemmSerial(m: m, n: n, k: k, a: opA, b: opB, c: c, ldc: ldc, accumulate: accumulate, blocking: blocking)
        return
    }
    // Each thread owns whole micro-panels of rows (or columns) of C and packs its own blocks.
    if rowPanels >= columnPanels {
        Parallel.forEachChunk(rowPanels, costPerItem: 2 * gemmMR * n * k) { panels in
            let i0 = panels.lowerBound * gemmMR, i1 = min(m, panels.upperBound * gemmMR)
            sgemmSerial(m: i1 - i0, n: n, k: k, a: opA.offset(row: i0, column: 0), b: opB,
                        c: c + i0 * ldc, ldc: ldc, accumulate: accumulate, blocking: blocking)
        }
    } else {
        Parallel.forEachChunk(columnPanels, costPerItem: 2 * m * gemmNR * k) { panels in
            let j0 = panels.lowerBound * gemmNR, j1 = min(n, panels.upperBound * gemmNR)
            sgemmSerial(m: m, n: j1 - j0, k: k, a: opA, b: opB.offset(row: 0, column: j0),
                        c: c + j0, ldc: ldc, accumulate: accumulate, blocking: blocking)
        }
    }
}

/// One thread's `sgemm` over the whole of its `m × n` part of `C`: picks the depth of the
/// blocks and takes packing space for one block of `A` and one of `B`.
private func sgemmSerial(m: Int, n: Int, k: Int, a: GEMMOperand, b: GEMMOperand,
                         c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, blocking: GEMMBlocking) {
    let depth = blocking.depth(for: k)
    let maxRows = (min(m, blocking.rows) + gemmMR - 1) / gemmMR * gemmMR
    let maxColumns = (min(n, blocking.columns) + gemmNR - 1) / gemmNR * gemmNR
    // The A block rounded to whole cache lines keeps the B block 64-byte aligned too.
    let sizeA = (depth * maxRows + 15) / 16 * 16
    HostMemoryPool.shared.withScratch(floats: sizeA + depth * maxColumns) { packedA in
        sgemmBlocks(m: m, n: n, k: k, depthBlock: depth, rowBlock: blocking.rows, columnBlock: blocking.columns,
                    a: a, b: b, c: c, ldc: ldc, accumulate: accumulate, packedA: packedA, packedB: packedA + sizeA)
    }
}

/// The loops over row, depth and column blocks (of at most `rowBlock`, `depthBlock` and
/// `columnBlock`): packs each block of `A` and `B` into the given space and runs the
/// micro-kernel over every tile of the block of `C`.
private func sgemmBlocks(m: Int, n: Int, k: Int, depthBlock: Int, rowBlock: Int, columnBlock: Int,
                         a: GEMMOperand, b: GEMMOperand, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                         packedA: UnsafeMutablePointer<Float>, packedB: UnsafeMutablePointer<Float>) {
    for i0 in stride(from: 0, to: m, by: rowBlock) {
        let rows = min(rowBlock, m - i0)
        for p0 in stride(from: 0, to: k, by: depthBlock) {
            let depth = min(depthBlock, k - p0)
            let overwrite = !accumulate && p0 == 0
            gemmPackA(a.offset(row: i0, column: p0), rows: rows, depth: depth, into: packedA)
            for j0 in stride(from: 0, to: n, by: columnBlock) {
                let columns = min(columnBlock, n - j0)
                gemmPackB(b.offset(row: p0, column: j0), depth: depth, columns: columns, into: packedB)
                gemmMacroKernel(rows: rows, columns: columns, depth: depth, packedA: packedA, packedB: packedB,
                                c: c + i0 * ldc + j0, ldc: ldc, overwrite: overwrite)
            }
        }
    }
}

/// Every `MR × NR` tile of a `rows × columns` block of `C` from packed blocks of depth `depth`;
/// the `A` micro-panel is the outer loop so it stays in L1 while the `B` block streams from L2.
private func gemmMacroKernel(rows: Int, columns: Int, depth: Int,
                             packedA: UnsafePointer<Float>, packedB: UnsafePointer<Float>,
                             c: UnsafeMutablePointer<Float>, ldc: Int, overwrite: Bool) {
    for i in stride(from: 0, to: rows, by: gemmMR) {
        let height = min(gemmMR, rows - i)
        let panelA = packedA + i * depth
        for j in stride(from: 0, to: columns, by: gemmNR) {
            let width = min(gemmNR, columns - j)
            let panelB = packedB + j * depth
            let tile = c + i * ldc + j
            if height == gemmMR && width == gemmNR {
                gemmMicroKernel(kc: depth, a: panelA, b: panelB, c: tile, ldc: ldc, overwrite: overwrite)
            } else {
                gemmEdgeKernel(kc: depth, a: panelA, b: panelB, c: tile, ldc: ldc,
                               rows: height, columns: width, overwrite: overwrite)
            }
        }
    }
}
