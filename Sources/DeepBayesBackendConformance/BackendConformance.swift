import DeepBayesCore
import DeepBayesReferenceBackend

/// The backend conformance kit: everything a backend must pass, runnable from any package's
/// tests with one call.
///
///     @Test func myBackendConforms() throws {
///         let report = try BackendConformance { try MyBackend() }.run()
///         #expect(report.passed, "\(report)")
///     }
///
/// The checks, each with the tolerance its case states (see `Tolerance`):
/// - **kernels**: every case of `KernelCases.all` (every primitive and fused kernel on odd
///   and large shapes) against a scalar `Double` evaluation of the kernel's formula;
/// - **defaults**: the same cases on `DefaultsOnlyBackend(backend)`, the backend's primitives
///   with every fused kernel composed by `FusedDefaults`, against the `Double` reference and
///   against the backend's own native kernels (within twice the case's tolerance);
/// - **gradients**: every backward kernel against central finite differences;
/// - **training**: a Bayesian MLP (three estimators, scale-mixture prior) and a Bayesian conv
///   net trained for `trainingSteps` Adam steps on the backend and on the oracle, losses and
///   parameters within `trainingTolerance`.
public struct BackendConformance {
    /// The parts of a run.
    public enum Part: String, CaseIterable, Sendable {
        case kernels, defaults, gradients, training
    }

    public let makeBackend: () throws -> any Backend
    /// The backend training is compared with: the primitives-only reference backend.
    public var oracle: any Backend = ReferenceBackend()
    public var trainingSteps = 10
    /// Relative loss difference and scaled parameter difference allowed after `trainingSteps`.
    public var trainingTolerance = 1e-4

    /// A kit for the backends `makeBackend` creates (called once per run).
    public init(_ makeBackend: @escaping () throws -> any Backend) {
        self.makeBackend = makeBackend
    }

    /// Runs `parts` and reports every check; a check that throws is a failure, not an abort.
    public func run(_ parts: Set<Part> = Set(Part.allCases)) throws -> ConformanceReport {
        let backend = try makeBackend()
        var report = ConformanceReport(backend: backend.name)
        if parts.contains(.kernels) || parts.contains(.defaults) {
            let defaults = DefaultsOnlyBackend(backend)
            for kernel in KernelCases.all {
                let want = kernel.reference()
                var native: [Float]?
                if parts.contains(.kernels) {
                    native = attempt("kernel \(kernel.name)", &report) { try kernel.run(backend) }
                    if let native { report.record("kernel \(kernel.name)", error: normalizedError(native, want), tolerance: kernel.tolerance) }
                }
                if parts.contains(.defaults), let composed = attempt("default \(kernel.name)", &report, { try kernel.run(defaults) }) {
                    report.record("default \(kernel.name)", error: normalizedError(composed, want), tolerance: kernel.tolerance)
                    if let native {
                        report.record("default \(kernel.name) against native", error: normalizedError(composed, native.map(Double.init)),
                                      tolerance: 2 * kernel.tolerance)
                    }
                }
            }
        }
        if parts.contains(.gradients) {
            for (name, check) in GradientChecks.all {
                do { try check(backend, &report) } catch { report.fail("gradient \(name)", "threw \(error)") }
            }
        }
        if parts.contains(.training) {
            do {
                try TrainingParity.check(backend, oracle: oracle, steps: trainingSteps, tolerance: trainingTolerance, &report)
            } catch {
                report.fail("training", "threw \(error)")
            }
        }
        return report
    }

    private func attempt(_ check: String, _ report: inout ConformanceReport, _ body: () throws -> [Float]) -> [Float]? {
        do {
            return try body()
        } catch {
            report.fail(check, "threw \(error)")
            return nil
        }
    }
}
