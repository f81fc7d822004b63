import CBLASLibrary
import DeepBayesCore

/// One row-major single-precision matrix product through OpenBLAS:
/// `C = op(A) · op(B) + β·C` with `C` `[m, n]`, `op(A)` `[m, k]`, `op(B)` `[k, n]`, where
/// `op` is the identity or, when `transposeA` / `transposeB` is set, the transpose of an `A`
/// stored `[k, m]` / a `B` stored `[n, k]`. Every matrix is dense, so its leading dimension
/// is its stored row length. `β` is 0 (overwrite `C`) or 1 (`accumulate` into `C`).
enum SGEMM {
    static func multiply(m: Int, n: Int, k: Int,
                         _ a: UnsafePointer<Float>, transposeA: Bool,
                         _ b: UnsafePointer<Float>, transposeB: Bool,
                         into c: UnsafeMutablePointer<Float>, accumulate: Bool = false) throws {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    try blasInt(m), try blasInt(n), try blasInt(k),
                    1, a, try blasInt(transposeA ? m : k),
                    b, try blasInt(transposeB ? k : n),
                    accumulate ? 1 : 0, c, try blasInt(n))
    }

    /// `size` as BLAS's integer type (32 bits in the usual OpenBLAS build), or an error for a
    /// dimension that does not fit.
    private static func blasInt(_ size: Int) throws -> blasint {
        guard let value = blasint(exactly: size) else {
            throw DeepBayesError.invalidArgument(operation: "cblas_sgemm", reason: "dimension \(size) exceeds BLAS's \(blasint.bitWidth)-bit integers")
        }
        return value
    }
}
