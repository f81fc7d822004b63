import COpenBLAS
import DeepBayesBackends
import Foundation

/// The yardsticks measured in the same process as the kernels.
enum References {
    /// OpenBLAS `cblas_sgemm` on host arrays for `geometry` (batch 1), with the same transposes.
    /// Returns the median seconds and the product.
    static func sgemm(_ g: MatmulGeometry, a: [Float], b: [Float], runs: Int) -> (Double, [Float]) {
        var c = [Float](repeating: 0, count: g.m * g.n)
        let lda = Int32(g.transposeA ? g.m : g.k), ldb = Int32(g.transposeB ? g.k : g.n)
        let run = {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        cblas_sgemm(CblasRowMajor, g.transposeA ? CblasTrans : CblasNoTrans, g.transposeB ? CblasTrans : CblasNoTrans,
                                    Int32(g.m), Int32(g.n), Int32(g.k), 1, pa.baseAddress, lda, pb.baseAddress, ldb,
                                    0, pc.baseAddress, Int32(g.n))
                    }
                }
            }
        }
        let seconds = Timing.median(runs: runs, run)
        return (seconds, c)
    }

    /// The sgemm yardstick's name with the kernel OpenBLAS chose for this machine
    /// (`openblas_get_corename`, which `OPENBLAS_CORETYPE` overrides): `openblas sgemm (SkylakeX)`.
    static let sgemmName = "openblas sgemm (\(String(cString: openblas_get_corename())))"

    /// The median seconds of copying `bytes` bytes with `memcpy` (one read and one write per
    /// byte, so the bandwidth counts `2 · bytes`).
    static func copySeconds(bytes: Int, runs: Int) -> Double {
        let source = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        let destination = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer {
            source.deallocate()
            destination.deallocate()
        }
        memset(source, 1, bytes)
        memset(destination, 0, bytes)
        return Timing.median(runs: runs) { memcpy(destination, source, bytes) }
    }
}
