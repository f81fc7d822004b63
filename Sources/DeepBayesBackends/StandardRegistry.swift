@_exported import DeepBayesCore
import DeepBayesCPU
import DeepBayesOpenCL
import DeepBayesReferenceBackend

/// Every backend DeepBayes ships, in the order `deepbayes devices` lists them: the CPU and
/// OpenCL backends, and the primitives-only reference backend (slow; it proves the fused
/// kernels' defaults on any model).
public let standardRegistry = BackendRegistry([
    CPUBackend.factory,
    OpenCLBackend.factory,
    ReferenceBackend.factory,
])
