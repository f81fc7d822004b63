import DeepBayesBackends
import DeepBayesCPU
import DeepBayesNN
import DeepBayesOpenCL
import DeepBayesReferenceBackend
import Foundation
import Testing

/// The backends the suites run on: every backend of `registry` that starts here,
/// except the reference backend (scalar and slow: the conformance kit and the training-step
/// parity test run it explicitly).
///
/// A backend that cannot start (OpenCL without a platform) is left out with a loud warning;
/// with `CI=true` that is a failure instead (see `OpenCLAvailabilityTests`), because CI
/// installs PoCL and must really run the OpenCL kernels.
enum TestBackends {
    /// This package's backends, linked in (the plugin builds are tested in Distribution/).
    /// Made first of all, it turns the OpenCL backend's on-disk device cache off
    /// (`DEEPBAYES_CACHE` empty) before any backend starts, so the tests never read or write
    /// the user's cache folder; the cache's own tests give it a temporary folder.
    static let registry: BackendRegistry = {
        setenv("DEEPBAYES_CACHE", "", 1)
        return BackendRegistry([CPUBackend.factory, OpenCLBackend.factory, ReferenceBackend.factory])
    }()

    /// Backends by registry name, created once per test process.
    static let available: [String: any Backend] = {
        var backends: [String: any Backend] = [:]
        for factory in registry.factories where factory.name != ReferenceBackend.factory.name {
            do {
                backends[factory.name] = try factory.make(nil)
            } catch {
                let banner = String(repeating: "!", count: 78)
                FileHandle.standardError.write(Data("\n\(banner)\nWARNING: backend '\(factory.name)' is NOT TESTED: \(error)\n\(banner)\n\n".utf8))
            }
        }
        return backends
    }()

    /// Registry names of the backends that started, in registry order.
    static let names: [String] = registry.names.filter { available[$0] != nil }

    /// The started backends other than the CPU backend, each compared with it in the parity suites.
    static let othersThanCPU: [String] = names.filter { $0 != "cpu" }

    static func backend(_ name: String) -> any Backend { available[name]! }

    /// The CPU backend: the fast baseline the other shipped backends are compared with.
    static var cpu: any Backend { backend("cpu") }

    /// True when running under CI (`CI=true`), where every backend must start.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
}

@Suite struct OpenCLAvailabilityTests {
    @Test func everyRegisteredBackendStartsUnderCI() throws {
        let missing = TestBackends.registry.names.filter { TestBackends.available[$0] == nil && $0 != ReferenceBackend.factory.name }
        if TestBackends.isCI {
            #expect(missing.isEmpty, "CI=true but these backends could not start: \(missing)")
        } else if !missing.isEmpty {
            print("WARNING: skipped backends \(missing): their kernels were not tested on this machine")
        }
        #expect(TestBackends.names.contains("cpu"))
    }
}

/// Test shorthands: a pass of training step `pass`, and draws from a numbered stream.
extension ForwardContext {
    convenience init(tape: Tape, mode: ForwardMode, seed: UInt64, pass: UInt64) {
        self.init(tape: tape, mode: mode, seed: seed, pass: RandomPass(.training, index: pass))
    }
}

extension Backend {
    func sampleGaussian(mu: Tensor, rho: Tensor, seed: UInt64, stream: UInt64) throws -> (sample: Tensor, noise: Tensor) {
        try sampleGaussian(mu: mu, rho: rho, random: RandomStream(seed: seed, stream: stream))
    }

    func dropoutMask(_ shape: Shape, dropProbability p: Float, seed: UInt64, stream: UInt64) throws -> Tensor {
        try dropoutMask(shape, dropProbability: p, RandomStream(seed: seed, stream: stream))
    }
}
