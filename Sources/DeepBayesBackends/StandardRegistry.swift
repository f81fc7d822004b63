@_exported import DeepBayesCore
import DeepBayesCPU
import DeepBayesReferenceBackend

/// The backends compiled into DeepBayes: the portable CPU backend and the primitives-only
/// reference backend (slow; it proves the fused kernels' defaults on any model). Faster CPU
/// builds and OpenCL come as plugins.
public let builtInBackends: [BackendFactory] = [CPUBackend.factory, ReferenceBackend.factory]

/// The built-in backends and every plugin found on the standard search path, discovered once
/// per process on first use: what `deepbayes` lists and runs on.
public let standardRegistry = BackendRegistry.discover(builtIn: builtInBackends)
