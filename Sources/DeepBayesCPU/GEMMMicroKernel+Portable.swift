#if !DEEPBAYES_X86_64_V3 && !DEEPBAYES_X86_64_V4
/// Rows of a micro-tile of `C`: each is one broadcast element of packed `A` per step.
let gemmMR = 4
/// Columns of a micro-tile of `C`: two `SIMD4<Float>` vectors of packed `B` per step.
let gemmNR = 8

/// The register-blocked kernel of the portable build (baseline x86-64 or x86-64-v2: 16 `xmm`
/// registers of 4 floats, no FMA; other architectures): for a `4 × 8` tile `T` of `C`,
/// `T[r, j] (= or +=) Σ_{p < kc} Â[p, r] · B̂[p, j]`, where `Â` is an `MR`-row micro-panel of
/// packed `A` (`kc × 4`, one column of `op(A)` per step) and `B̂` an `NR`-column micro-panel of
/// packed `B` (`kc × 8`), both contiguous.
///
/// Registers: 8 accumulators (4 rows × 2 vectors), 2 for the row of `B̂`, 1 broadcast and 1
/// product, 12 of 16. Each step is two vector loads, four broadcasts and eight multiply-adds,
/// each a rounded multiply then a rounded add (`gemmMultiplyAdd`).
/// `overwrite` stores the sum into `c`, otherwise it is added to what `c` holds.
@inline(__always)
func gemmMicroKernel(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     c: UnsafeMutablePointer<Float>, ldc: Int, overwrite: Bool) {
    var c00 = SIMD4<Float>(), c01 = SIMD4<Float>(), c10 = SIMD4<Float>(), c11 = SIMD4<Float>()
    var c20 = SIMD4<Float>(), c21 = SIMD4<Float>(), c30 = SIMD4<Float>(), c31 = SIMD4<Float>()
    var pa = a
    var pb = UnsafeRawPointer(b)
    for _ in 0..<kc {
        let b0 = pb.loadUnaligned(as: SIMD4<Float>.self)
        let b1 = pb.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self)
        var s = SIMD4<Float>(repeating: pa[0])
        gemmMultiplyAdd(&c00, s, b0); gemmMultiplyAdd(&c01, s, b1)
        s = SIMD4<Float>(repeating: pa[1])
        gemmMultiplyAdd(&c10, s, b0); gemmMultiplyAdd(&c11, s, b1)
        s = SIMD4<Float>(repeating: pa[2])
        gemmMultiplyAdd(&c20, s, b0); gemmMultiplyAdd(&c21, s, b1)
        s = SIMD4<Float>(repeating: pa[3])
        gemmMultiplyAdd(&c30, s, b0); gemmMultiplyAdd(&c31, s, b1)
        pa += gemmMR
        pb += gemmNR * MemoryLayout<Float>.stride
    }
    gemmStoreRow(c00, c01, c, overwrite)
    gemmStoreRow(c10, c11, c + ldc, overwrite)
    gemmStoreRow(c20, c21, c + 2 * ldc, overwrite)
    gemmStoreRow(c30, c31, c + 3 * ldc, overwrite)
}

/// `sum += x · y`. On x86-64 below v3 a fused `addProduct` is one `fmaf` call per lane (no FMA
/// instruction may be assumed), so it is a vector multiply and then a vector add; elsewhere
/// (arm64 always has FMA) it is the fused multiply-add.
@inline(__always)
private func gemmMultiplyAdd(_ sum: inout SIMD4<Float>, _ x: SIMD4<Float>, _ y: SIMD4<Float>) {
    #if arch(x86_64)
    sum += x * y
    #else
    sum.addProduct(x, y)
    #endif
}

/// `row[0..<8] = (v0, v1)` when `overwrite`, else `row[0..<8] += (v0, v1)`; `row` may be unaligned.
@inline(__always)
private func gemmStoreRow(_ v0: SIMD4<Float>, _ v1: SIMD4<Float>, _ row: UnsafeMutablePointer<Float>, _ overwrite: Bool) {
    let raw = UnsafeMutableRawPointer(row)
    if overwrite {
        raw.storeBytes(of: v0, as: SIMD4<Float>.self)
        raw.storeBytes(of: v1, toByteOffset: 16, as: SIMD4<Float>.self)
    } else {
        raw.storeBytes(of: raw.loadUnaligned(as: SIMD4<Float>.self) + v0, as: SIMD4<Float>.self)
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self) + v1, toByteOffset: 16, as: SIMD4<Float>.self)
    }
}
#endif
