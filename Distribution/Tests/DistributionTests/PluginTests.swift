import DeepBayesBackends
import Foundation
import Testing

/// Backend plugins as the shipped `deepbayes` meets them: found beside the executable, in a
/// `backends/` folder beside it and on `$DEEPBAYES_BACKEND_PATH`; and every way a plugin can
/// fail, each reported by `devices` in one line with its path while the other backends go
/// on, and `--device NAME` for it exiting 1 with that reason.
@Suite struct PluginTests {
    /// The folder SwiftPM built the executable, the plugins and the fixtures into.
    static let buildFolder = CommandLineTests.executable.deletingLastPathComponent()

    /// A plugin or fixture library SwiftPM built.
    static func built(_ fileName: String) -> URL { buildFolder.appendingPathComponent(fileName) }

    /// A new folder holding copies of `files` (new name → source).
    static func folder(_ files: [String: URL]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-plugins-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, source) in files {
            try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent(name))
        }
        return folder
    }

    @Test func theShippedPluginsAreFoundBesideTheExecutable() throws {
        let result = try CommandLineTests.run(["devices"])
        #expect(result.status == 0)
        #expect(result.output.contains("from: \(Self.built("libdeepbayes-backend-opencl.so").path)"), "\(result.output)")
        #if arch(x86_64)
        #expect(result.output.contains("libdeepbayes-backend-cpu_x86-64-v3.so"), "\(result.output)")
        #endif
    }

    /// An installed layout: the executable and `libDeepBayes.so` in `bin/`, the plugin in
    /// `bin/backends/`.
    @Test func pluginsInABackendsFolderBesideTheExecutable() throws {
        let root = try Self.folder([:])
        defer { try? FileManager.default.removeItem(at: root) }
        let bin = root.appendingPathComponent("bin"), backends = bin.appendingPathComponent("backends")
        try FileManager.default.createDirectory(at: backends, withIntermediateDirectories: true)
        for name in ["deepbayes", "libDeepBayes.so"] {
            try FileManager.default.copyItem(at: Self.built(name), to: bin.appendingPathComponent(name))
        }
        try FileManager.default.copyItem(at: Self.built("libfixture-TwinPlugin.so"), to: backends.appendingPathComponent("libdeepbayes-backend-twin.so"))
        let devices = try CommandLineTests.run(["devices"], executable: bin.appendingPathComponent("deepbayes"))
        #expect(devices.status == 0, "\(devices.error)")
        #expect(devices.output.contains("from: \(backends.appendingPathComponent("libdeepbayes-backend-twin.so").path)"), "\(devices.output)")
        let check = try CommandLineTests.run(["check", "--device", "twin"], executable: bin.appendingPathComponent("deepbayes"))
        #expect(check.status == 0, "\(check.output)\(check.error)")
    }

    @Test func pluginsOnTheSearchPath() throws {
        let first = try Self.folder([:])
        let second = try Self.folder(["libdeepbayes-backend-twin.so": Self.built("libfixture-TwinPlugin.so")])
        defer { for folder in [first, second] { try? FileManager.default.removeItem(at: folder) } }
        let environment = ["DEEPBAYES_BACKEND_PATH": first.path + ":" + second.path]
        let devices = try CommandLineTests.run(["devices"], environment: environment)
        #expect(devices.status == 0)
        #expect(devices.output.contains("twin — test fixture"), "\(devices.output)")
        #expect(devices.output.contains("from: \(second.appendingPathComponent("libdeepbayes-backend-twin.so").path)"))
        let check = try CommandLineTests.run(["check", "--device", "twin"], environment: environment)
        #expect(check.status == 0, "\(check.output)\(check.error)")
    }

    @Test func aMissingSearchPathFolderIsReported() throws {
        let devices = try CommandLineTests.run(["devices"], environment: ["DEEPBAYES_BACKEND_PATH": "/nonexistent/deepbayes-plugins"])
        #expect(devices.status == 0)
        #expect(devices.output.contains("the folder /nonexistent/deepbayes-plugins does not exist"), "\(devices.output)")
    }

    /// One way a plugin can fail: the files to put on the search path, the backend name to ask
    /// for, and what its one-line reason must say.
    struct Failure: CustomTestStringConvertible, Sendable {
        let label: String
        let files: @Sendable () throws -> [String: URL]
        let name: String
        let reason: String
        var testDescription: String { label }
    }

    static let failures: [Failure] = [
        Failure(label: "not a shared library", files: {
            let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-garbage-\(UUID().uuidString)")
            try Data("not an ELF file".utf8).write(to: garbage)
            return ["libdeepbayes-backend-garbage.so": garbage]
        }, name: "garbage", reason: "cannot be opened"),
        Failure(label: "no entry point", files: {
            ["libdeepbayes-backend-noentry.so": built("libfixture-NoEntryPlugin.so")]
        }, name: "noentry", reason: "exports no `deepbayes_backend_plugin` entry point"),
        Failure(label: "another SDK version", files: {
            ["libdeepbayes-backend-stale.so": built("libfixture-StalePlugin.so")]
        }, name: "stale", reason: "was built for SDK \(BackendPluginABI.sdkVersion + 1)"),
        Failure(label: "its own copy of the SDK", files: {
            ["libdeepbayes-backend-foreign.so": built("libfixture-ForeignPlugin.so")]
        }, name: "foreign", reason: "carries its own copy of the DeepBayes SDK"),
        Failure(label: "a factory that throws", files: {
            ["libdeepbayes-backend-throwing.so": built("libfixture-ThrowingPlugin.so")]
        }, name: "throwing", reason: "the fixture's driver is not installed"),
        Failure(label: "two plugins with one name", files: {
            ["libdeepbayes-backend-twin.so": built("libfixture-TwinPlugin.so"), "libdeepbayes-backend-twin_copy.so": built("libfixture-TwinPlugin.so")]
        }, name: "twin", reason: "2 backends are named 'twin'"),
        Failure(label: "a file named for another backend", files: {
            ["libdeepbayes-backend-other.so": built("libfixture-TwinPlugin.so")]
        }, name: "other", reason: "declares the backend 'twin', but its file is named for 'other'"),
    ]

    @Test(arguments: failures)
    func aFailingPluginIsReportedAndNeverStopsTheOthers(failure: Failure) throws {
        let folder = try Self.folder(try failure.files())
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["DEEPBAYES_BACKEND_PATH": folder.path]

        let devices = try CommandLineTests.run(["devices"], environment: environment)
        #expect(devices.status == 0, "\(devices.error)")
        let reasonLines = devices.output.split(separator: "\n").filter { $0.contains(failure.reason) }
        #expect(!reasonLines.isEmpty, "devices does not say '\(failure.reason)':\n\(devices.output)")
        #expect(devices.output.contains("--device cpu"), "the other backends go on")
        if TestBackends.available["opencl"] != nil { #expect(devices.output.contains("--device opencl:0")) }

        let check = try CommandLineTests.run(["check", "--device", failure.name], environment: environment)
        #expect(check.status == 1, "\(check.output)\(check.error)")
        let firstLine = check.error.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasPrefix("error: device '\(failure.name)' is unavailable: "), "\(check.error)")
        #expect(firstLine.contains(failure.reason), "\(check.error)")
        #expect(firstLine.contains(folder.path), "the reason names the plugin's path: \(firstLine)")
        #expect(!check.error.contains("Fatal error"))
    }

    /// In this process (which links the shared `libDeepBayes.so`, as plugins do): a plugin's
    /// factory, tensors and errors are this process's own types.
    @Test func aLoadedPluginSharesThisProcesssSDK() throws {
        let folder = try Self.folder(["libdeepbayes-backend-twin.so": Self.built("libfixture-TwinPlugin.so")])
        defer { try? FileManager.default.removeItem(at: folder) }
        guard case .loaded(let factory) = PluginLoader.load(folder.appendingPathComponent("libdeepbayes-backend-twin.so")) else {
            Issue.record("the twin fixture did not load")
            return
        }
        #expect(factory.name == "twin")
        let backend = try factory.make(nil)
        let tensor = try backend.tensor([1, 2, 3, 4], shape: [2, 2])
        #expect(try backend.download(backend.matmul(tensor, tensor)) == [7, 10, 15, 22])
        #expect(throws: DeepBayesError.self) { try backend.tensor([1, 2, 3], shape: [2, 2]) }
    }
}
