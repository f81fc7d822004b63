import DeepBayesBackends
import Foundation
import Testing

/// The backends the shipped `deepbayes` finds here (built in and plugins beside the test
/// bundle, which SwiftPM builds into the same folder), except the slow reference backend.
///
/// A backend that cannot start is left out with a loud warning; with `CI=true` OpenCL and the
/// CPU must start (CI installs PoCL), see `ShippedBackendAvailabilityTests`.
enum TestBackends {
    /// Turns the OpenCL backend's on-disk device cache off (`DEEPBAYES_CACHE` empty) for this
    /// process and every command it runs, so no test reads or writes the user's cache folder.
    /// Evaluated before any backend starts (`available`) or command runs (`CommandLineTests.executable`).
    static let deviceCacheOff: Void = { setenv("DEEPBAYES_CACHE", "", 1) }()

    /// Backends by registry name, created once per test process.
    static let available: [String: any Backend] = {
        TestBackends.deviceCacheOff
        var backends: [String: any Backend] = [:]
        for factory in standardRegistry.factories where factory.name != "reference" {
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

    /// True when running under CI (`CI=true`), where every shipped backend must start.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
}

@Suite struct ShippedBackendAvailabilityTests {
    @Test func theShippedPluginsLoadAndStartUnderCI() throws {
        let expected = ["cpu", "opencl"]
        let missing = expected.filter { TestBackends.available[$0] == nil }
        if TestBackends.isCI {
            #expect(missing.isEmpty, "CI=true but these backends could not start: \(missing); skipped: \(standardRegistry.skipped)")
        } else if !missing.isEmpty {
            print("WARNING: skipped backends \(missing): \(standardRegistry.skipped)")
        }
        #expect(TestBackends.names.contains("cpu"))
    }
}
