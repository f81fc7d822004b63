/// The OpenCL programs, one per kernel family, each built from `Kernels/<files>.cl`
/// concatenated in order: `common.cl` (pragmas, stable helpers) first, then `philox.cl` for
/// the programs that draw random numbers, `elementwise.cl` for the layer kernels (which use its
/// activations), then the family's own file.
enum KernelProgram: String {
    case matmul, conv, elementwise, reduction, loss, random, bayes, optimizer, recurrent, layers
    /// The register-blocked GEMM for GPUs (`gemm_blocked.cl`).
    case gemmBlocked = "gemm_blocked"

    /// The source files of the program, without the `.cl` extension.
    var files: [String] {
        switch self {
        case .random, .bayes: return ["common", "philox", rawValue]
        case .layers: return ["common", "elementwise", rawValue]
        default: return ["common", rawValue]
        }
    }
}
