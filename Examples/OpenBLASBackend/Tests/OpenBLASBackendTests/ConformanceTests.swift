import DeepBayesBackendConformance
import OpenBLASBackend
import Testing

/// The whole conformance kit on the `openblas` backend: every kernel case, the defaults
/// composed of its primitives, the gradients and the training parity with the reference.
/// Prints the report's summary line (and every failure, if any).
@Test func openBLASBackendConforms() throws {
    let report = try BackendConformance { OpenBLASBackend() }.run()
    print(report)
    #expect(report.passed, "\(report)")
    #expect(report.checks > 0)
}
