import DeepBayesBackends
import Foundation
import Testing

/// The backends the suites run on: every backend in `standardRegistry` that starts here.
///
/// A backend that cannot start (OpenCL without a platform) is left out with a loud warning;
/// with `CI=true` that is a failure instead (see `OpenCLAvailabilityTests`), because CI
/// installs PoCL and must really run the OpenCL kernels.
enum TestBackends {
    /// Backends by registry name, created once per test process.
    static let available: [String: any Backend] = {
        var backends: [String: any Backend] = [:]
        for factory in standardRegistry.factories {
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
    static let names: [String] = standardRegistry.names.filter { available[$0] != nil }

    /// The started backends other than the reference (the first), each compared with it in the parity suite.
    static let othersThanReference: [String] = Array(names.dropFirst())

    static func backend(_ name: String) -> any Backend { available[name]! }

    /// The reference backend for parity (the CPU backend).
    static var reference: any Backend { backend(names[0]) }

    /// True when running under CI (`CI=true`), where every backend must start.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
}

@Suite struct OpenCLAvailabilityTests {
    @Test func everyRegisteredBackendStartsUnderCI() throws {
        let missing = standardRegistry.names.filter { TestBackends.available[$0] == nil }
        if TestBackends.isCI {
            #expect(missing.isEmpty, "CI=true but these backends could not start: \(missing)")
        } else if !missing.isEmpty {
            print("WARNING: skipped backends \(missing): their kernels were not tested on this machine")
        }
        #expect(TestBackends.names.contains("cpu"))
    }
}
