@_exported import DeepBayesCore
import DeepBayesCPU
import DeepBayesOpenCL

/// Every backend DeepBayes ships, in the order `deepbayes devices` lists them. A new backend
/// is one more factory in this list (and one more line in the conformance suite's coverage,
/// which reads this same list).
public let standardRegistry = BackendRegistry([
    CPUBackend.factory,
    OpenCLBackend.factory,
])
