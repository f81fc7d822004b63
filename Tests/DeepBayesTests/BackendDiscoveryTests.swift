@testable import DeepBayesBackends
import DeepBayesReferenceBackend
import Foundation
import Testing

/// How the registry picks one factory per name from built-ins and plugins (variants by score,
/// conflicts refused), and which files the search path takes for plugins. The loading itself
/// is tested on real plugins in Distribution/Tests.
@Suite struct BackendDiscoveryTests {
    static func factory(_ name: String, variant: BackendVariant? = nil, origin: String) -> BackendFactory {
        var factory = BackendFactory(name: name, summary: "test", variant: variant,
                                     make: { _ in ReferenceBackend() }, devices: { [] })
        factory.origin = origin
        return factory
    }

    @Test func theUsableVariantWithTheHighestScoreIsChosen() throws {
        let registry = BackendRegistry.resolve([
            Self.factory("cpu", variant: BackendVariant(label: "portable", score: 1), origin: "built in"),
            Self.factory("cpu", variant: BackendVariant(label: "v4", score: 0, requirement: "AVX-512"), origin: "v4.so"),
            Self.factory("cpu", variant: BackendVariant(label: "v3", score: 3), origin: "v3.so"),
        ], skipped: [])
        #expect(registry.names == ["cpu"])
        #expect(registry.factories.first?.origin == "v3.so")
        let reasons = registry.skipped.map { "\($0.origin): \($0.reason)" }
        #expect(reasons.contains("built in: variant portable (score 1) not used: v3 scores 3"))
        #expect(reasons.contains("v4.so: variant v4 cannot run on this machine: it needs AVX-512"))
    }

    @Test func aNameWhoseOnlyVariantCannotRunSaysWhy() throws {
        let registry = BackendRegistry.resolve([
            Self.factory("fast", variant: BackendVariant(label: "v4", score: 0, requirement: "AVX-512"), origin: "fast.so"),
        ], skipped: [])
        #expect(registry.names.isEmpty)
        #expect(throws: DeepBayesError.backendUnavailable(name: "fast", reason: "fast.so: variant v4 cannot run on this machine: it needs AVX-512", hint: nil)) {
            try registry.makeBackend("fast")
        }
    }

    @Test func twoBackendsWithOneNameAreBothRefused() throws {
        let registry = BackendRegistry.resolve([
            Self.factory("reference", origin: "built in"),
            Self.factory("twin", origin: "a.so"), Self.factory("twin", origin: "b.so"),
        ], skipped: [])
        #expect(registry.names == ["reference"])
        #expect(registry.skipped.count == 2)
        #expect(throws: DeepBayesError.self) { try registry.makeBackend("twin") }
        do {
            _ = try registry.makeBackend("twin")
        } catch {
            #expect("\(error)".contains("2 backends are named 'twin' (a.so, b.so); none is used"), "\(error)")
        }
        #expect(throws: DeepBayesError.unknownBackend(name: "nothing", available: ["reference"])) { try registry.makeBackend("nothing") }
    }

    @Test func pluginFilesAreNamedForTheirBackend() {
        #expect(PluginSearchPath.backendName(ofFile: "libdeepbayes-backend-opencl.so") == "opencl")
        #expect(PluginSearchPath.backendName(ofFile: "libdeepbayes-backend-cpu_x86-64-v3.so") == "cpu")
        #expect(PluginSearchPath.backendName(ofFile: "libdeepbayes-backend-.so") == nil)
        #expect(PluginSearchPath.backendName(ofFile: "libDeepBayes.so") == nil)
        #expect(PluginSearchPath.backendName(ofFile: "libdeepbayes-backend-opencl.so.1") == nil)
    }

    @Test func onlyFoldersTheUserNamedAreReportedMissing() {
        let missing = URL(fileURLWithPath: "/nonexistent/plugins"), quiet = URL(fileURLWithPath: "/nonexistent/backends")
        let path = PluginSearchPath(userDirectories: [missing], programDirectories: [quiet])
        #expect(path.directories.isEmpty)
        #expect(path.missingDirectories == [missing])
        let registry = BackendRegistry.discover(builtIn: [], searchPath: path)
        #expect(registry.skipped.map(\.reason) == ["the folder /nonexistent/plugins does not exist"])
    }
}
