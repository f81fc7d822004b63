#if DEEPBAYES_X86_64_V4
/// Rows of a micro-tile of `C`: each is one broadcast element of packed `A` per step.
let gemmMR = 8
/// Columns of a micro-tile of `C`: two `SIMD16<Float>` vectors of packed `B` per step.
let gemmNR = 32

/// The register-blocked kernel of the AVX-512 build (x86-64-v4: 32 `zmm` registers of 16
/// floats): for an `8 × 32` tile `T` of `C`, `T[r, j] (= or +=) Σ_{p < kc} Â[p, r] · B̂[p, j]`,
/// where `Â` is an `MR`-row micro-panel of packed `A` (`kc × 8`, one column of `op(A)` per step)
/// and `B̂` an `NR`-column micro-panel of packed `B` (`kc × 32`), both contiguous.
///
/// Registers: 16 accumulators (8 rows × 2 vectors), 2 for the row of `B̂` and 1 broadcast, 19
/// of 32. Each step is two vector loads, eight broadcasts and sixteen fused multiply-adds: 16
/// independent sums cover two FMA pipes of 4 cycles' latency, and the 10 loads fit two load
/// ports in the 8 cycles the FMAs take.
/// `overwrite` stores the sum into `c`, otherwise it is added to what `c` holds.
@inline(__always)
func gemmMicroKernel(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     c: UnsafeMutablePointer<Float>, ldc: Int, overwrite: Bool) {
    var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
    var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
    var c40 = SIMD16<Float>(), c41 = SIMD16<Float>(), c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
    var c60 = SIMD16<Float>(), c61 = SIMD16<Float>(), c70 = SIMD16<Float>(), c71 = SIMD16<Float>()
    var pa = a
    var pb = UnsafeRawPointer(b)
    for _ in 0..<kc {
        let b0 = pb.loadUnaligned(as: SIMD16<Float>.self)
        let b1 = pb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
        var s = SIMD16<Float>(repeating: pa[0])
        c00.addProduct(s, b0); c01.addProduct(s, b1)
        s = SIMD16<Float>(repeating: pa[1])
        c10.addProduct(s, b0); c11.addProduct(s, b1)
        s = SIMD16<Float>(repeating: pa[2])
        c20.addProduct(s, b0); c21.addProduct(s, b1)
        s = SIMD16<Float>(repeating: pa[3])
        c30.addProduct(s, b0); c31.addProduct(s, b1)
        s = SIMD16<Float>(repeating: pa[4])
        c40.addProduct(s, b0); c41.addProduct(s, b1)
        s = SIMD16<Float>(repeating: pa[5])
        c50.addProduct(s, b0); c51.addProduct(s, b1)
        s = SIMD16<Float>(repeating: pa[6])
        c60.addProduct(s, b0); c61.addProduct(s, b1)
        s = SIMD16<Float>(repeating: pa[7])
        c70.addProduct(s, b0); c71.addProduct(s, b1)
        pa += gemmMR
        pb += gemmNR * MemoryLayout<Float>.stride
    }
    gemmStoreRow(c00, c01, c, overwrite)
    gemmStoreRow(c10, c11, c + ldc, overwrite)
    gemmStoreRow(c20, c21, c + 2 * ldc, overwrite)
    gemmStoreRow(c30, c31, c + 3 * ldc, overwrite)
    gemmStoreRow(c40, c41, c + 4 * ldc, overwrite)
    gemmStoreRow(c50, c51, c + 5 * ldc, overwrite)
    gemmStoreRow(c60, c61, c + 6 * ldc, overwrite)
    gemmStoreRow(c70, c71, c + 7 * ldc, overwrite)
}

/// `row[0..<32] = (v0, v1)` when `overwrite`, else `row[0..<32] += (v0, v1)`; `row` may be unaligned.
@inline(__always)
private func gemmStoreRow(_ v0: SIMD16<Float>, _ v1: SIMD16<Float>, _ row: UnsafeMutablePointer<Float>, _ overwrite: Bool) {
    let raw = UnsafeMutableRawPointer(row)
    if overwrite {
        raw.storeBytes(of: v0, as: SIMD16<Float>.self)
        raw.storeBytes(of: v1, toByteOffset: 64, as: SIMD16<Float>.self)
    } else {
        raw.storeBytes(of: raw.loadUnaligned(as: SIMD16<Float>.self) + v0, as: SIMD16<Float>.self)
        raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) + v1, toByteOffset: 64, as: SIMD16<Float>.self)
    }
}
#endif
