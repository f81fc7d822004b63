/// The kernel for a tile cut by the edge of `C` (`rows ≤ MR`, `columns ≤ NR`): computes the full
/// tile from the zero-padded panels into a scratch tile and stores or adds only the part inside `C`.
func gemmEdgeKernel(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                    c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int, overwrite: Bool) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: gemmMR * gemmNR) { tile in
        let t = tile.baseAddress!
        gemmMicroKernel(kc: kc, a: a, b: b, c: t, ldc: gemmNR, overwrite: true)
        for r in 0..<rows {
            let src = t + r * gemmNR, dst = c + r * ldc
            if overwrite {
                dst.update(from: src, count: columns)
            } else {
                for j in 0..<columns { dst[j] += src[j] }
            }
        }
    }
}
