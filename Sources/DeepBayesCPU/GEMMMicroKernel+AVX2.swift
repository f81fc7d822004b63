#if DEEPBAYES_X86_64_V3 && !DEEPBAYES_X86_64_V4
/// Rows of a micro-tile of `C`: each is one broadcast element of packed `A` per step.
let gemmMR = 6
/// Columns of a micro-tile of `C`: two `SIMD8<Float>` vectors of packed `B` per step.
let gemmNR = 16

/// The register-blocked kernel of the AVX2 build (x86-64-v3: 16 `ymm` registers of 8 floats,
/// FMA): for a `6 × 16` tile `T` of `C`, `T[r, j] (= or +=) Σ_{p < kc} Â[p, r] · B̂[p, j]`,
/// where `Â` is an `MR`-row micro-panel of packed `A` (`kc × 6`, one column of `op(A)` per step)
/// and `B̂` an `NR`-column micro-panel of packed `B` (`kc × 16`), both contiguous.
///
/// Registers: 12 accumulators (6 rows × 2 vectors), 2 for the row of `B̂` and 1 broadcast, 15
/// of 16 (the `8 × 32` tile of the AVX-512 build would need 32 here and spill). Each step is two
/// vector loads, six broadcasts and twelve fused multiply-adds: 12 independent sums cover two
/// FMA pipes of 4 cycles' latency, and the 8 loads fit two load ports in the 6 cycles the FMAs take.
/// `overwrite` stores the sum into `c`, otherwise it is added to what `c` holds.
@inline(__always)
func gemmMicroKernel(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     c: UnsafeMutablePointer<Float>, ldc: Int, overwrite: Bool) {
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    var c40 = SIMD8<Float>(), c41 = SIMD8<Float>(), c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
    var pa = a
    var pb = UnsafeRawPointer(b)
    for _ in 0..<kc {
        let b0 = pb.loadUnaligned(as: SIMD8<Float>.self)
        let b1 = pb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
        var s = SIMD8<Float>(repeating: pa[0])
        c00.addProduct(s, b0); c01.addProduct(s, b1)
        s = SIMD8<Float>(repeating: pa[1])
        c10.addProduct(s, b0); c11.addProduct(s, b1)
        s = SIMD8<Float>(repeating: pa[2])
        c20.addProduct(s, b0); c21.addProduct(s, b1)
        s = SIMD8<Float>(repeating: pa[3])
        c30.addProduct(s, b0); c31.addProduct(s, b1)
        s = SIMD8<Float>(repeating: pa[4])
        c40.addProduct(s, b0); c41.addProduct(s, b1)
        s = SIMD8<Float>(repeating: pa[5])
        c50.addProduct(s, b0); c51.addProduct(s, b1)
        pa += gemmMR
        pb += gemmNR * MemoryLayout<Float>.stride
    }
    gemmStoreRow(c00, c01, c, overwrite)
    gemmStoreRow(c10, c11, c + ldc, overwrite)
    gemmStoreRow(c20, c21, c + 2 * ldc, overwrite)
    gemmStoreRow(c30, c31, c + 3 * ldc, overwrite)
    gemmStoreRow(c40, c41, c + 4 * ldc, overwrite)
    gemmStoreRow(c50, c51, c + 5 * ldc, overwrite)
}

/// `row[0..<16] = (v0, v1)` when `overwrite`, else `row[0..<16] += (v0, v1)`; `row` may be unaligned.
@inline(__always)
private func gemmStoreRow(_ v0: SIMD8<Float>, _ v1: SIMD8<Float>, _ row: UnsafeMutablePointer<Float>, _ overwrite: Bool) {
    let raw = UnsafeMutableRawPointer(row)
    if overwrite {
        raw.storeBytes(of: v0, as: SIMD8<Float>.self)
        raw.storeBytes(of: v1, toByteOffset: 32, as: SIMD8<Float>.self)
    } else {
        raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + v0, as: SIMD8<Float>.self)
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) + v1, toByteOffset: 32, as: SIMD8<Float>.self)
    }
}
#endif
