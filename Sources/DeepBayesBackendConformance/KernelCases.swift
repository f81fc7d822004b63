import DeepBayesCore

/// Every kernel case the conformance and parity suites run; one family per file.
public enum KernelCases {
    public static let all: [KernelCase] = matmul + convolution + elementwise + reductions + losses + random + bayesian + sampleWithKL + optimizers + primitives + recurrent + layers

    /// Uploads host arrays to `backend` with the given shapes.
    public static func upload(_ backend: any Backend, _ values: [Float], _ shape: Shape) throws -> Tensor {
        try backend.tensor(values, shape: shape)
    }
}
