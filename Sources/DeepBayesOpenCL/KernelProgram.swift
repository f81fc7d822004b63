/// The OpenCL programs, one per kernel family, each built from `Kernels/<files>.cl`
/// concatenated in order: `common.cl` (pragmas, stable helpers) first, then `philox.cl` for
/// the programs that draw random numbers, then the family's own file.
enum KernelProgram: String {
    case matmul, conv, elementwise, reduction, loss, random, bayes, optimizer, recurrent
    /// The register-blocked GEMM for GPUs (`gemm_blocked.cl`).
    case gemmBlocked = "gemm_blocked"

    /// The source files of the program, without the `.cl` extension.
    var files: [String] {
        switch self {
        case .random, .bayes: return ["common", "philox", rawValue]
        default: return ["common", rawValue]
        }
    }
}
