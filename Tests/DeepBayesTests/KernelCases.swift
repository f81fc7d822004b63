import DeepBayesCore

/// Every kernel case the conformance and parity suites run; one family per file.
enum KernelCases {
    static let all: [KernelCase] = matmul + convolution + elementwise + reductions + losses + random + bayesian + optimizers

    /// Uploads host arrays to `backend` with the given shapes.
    static func upload(_ backend: any Backend, _ values: [Float], _ shape: Shape) throws -> Tensor {
        try backend.tensor(values, shape: shape)
    }
}
