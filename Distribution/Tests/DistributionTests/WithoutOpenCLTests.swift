import Foundation
import Testing

/// The CPU path on a machine whose OpenCL loader cannot be loaded: `deepbayes` and
/// `libDeepBayes.so` do not link libOpenCL, so the program starts, trains on the CPU, and
/// `devices` says why OpenCL is missing and how to install it.
///
/// "Cannot be loaded" is made real with a private mount namespace (`unshare`) in which the
/// loader's file reads as empty, so `dlopen` of the OpenCL plugin fails exactly as it does
/// where the library is absent or broken. Where namespaces are not allowed the test says so
/// and, under `CI=true`, fails.
@Suite struct WithoutOpenCLTests {
    /// The OpenCL loader the plugin resolves to, from `ldd`.
    static func openCLLoaderPath() throws -> String? {
        let plugin = PluginTests.built("libdeepbayes-backend-opencl.so").path
        return try Self.shell("ldd", [plugin]).output.split(separator: "\n")
            .first { $0.contains("libOpenCL.so") }?
            .components(separatedBy: "=> ").last?.components(separatedBy: " (").first
    }

    static func shell(_ command: String, _ arguments: [String]) throws -> CommandLineTests.Result {
        try CommandLineTests.run([command] + arguments, executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    /// Runs `deepbayes arguments` with `loader` reading as an empty file.
    static func runHiding(_ loader: String, _ arguments: [String]) throws -> CommandLineTests.Result {
        let script = "mount --bind /dev/null \"$0\" && exec \"$@\""
        return try shell("unshare", ["--map-root-user", "--mount", "sh", "-c", script, loader, CommandLineTests.executable.path] + arguments)
    }

    @Test func theExecutableDoesNotLinkOpenCL() throws {
        for binary in ["deepbayes", "libDeepBayes.so"] {
            let ldd = try Self.shell("ldd", [PluginTests.built(binary).path])
            #expect(ldd.status == 0)
            #expect(!ldd.output.contains("libOpenCL"), "\(binary) links OpenCL:\n\(ldd.output)")
        }
    }

    @Test func theCPUPathRunsWhereTheOpenCLLoaderCannotBeLoaded() throws {
        guard let loader = try Self.openCLLoaderPath() else {
            Issue.record("the OpenCL plugin does not resolve libOpenCL here; nothing to hide")
            return
        }
        let probe = try Self.shell("unshare", ["--map-root-user", "--mount", "true"])
        guard probe.status == 0 else {
            let message = "WARNING: mount namespaces are not allowed here (\(probe.error)); the no-OpenCL run is NOT TESTED"
            if TestBackends.isCI { Issue.record(Comment(rawValue: message)) } else { print(message) }
            return
        }
        let devices = try Self.runHiding(loader, ["devices"])
        #expect(devices.status == 0, "\(devices.error)")
        let openCLLine = devices.output.split(separator: "\n").first { $0.contains("libdeepbayes-backend-opencl.so") } ?? ""
        #expect(openCLLine.contains("opencl: ") && openCLLine.contains("cannot be opened") && openCLLine.contains("libOpenCL.so.1"),
                "\(devices.output)")
        #expect(devices.output.contains("hint: install an OpenCL loader and a driver: apt-get install ocl-icd-libopencl1"), "\(devices.output)")
        #expect(devices.output.contains("--device cpu"))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-no-opencl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let train = try Self.runHiding(loader, ["train", "bnn", "--device", "cpu", "--epochs", "1", "--batch-size", "64",
                                                "--train-limit", "192", "--test-limit", "100", "--samples", "2", "--hidden", "32",
                                                "--out", directory.path])
        #expect(train.status == 0, "\(train.error)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.safetensors").path))

        let openCL = try Self.runHiding(loader, ["check", "--device", "opencl"])
        #expect(openCL.status == 1)
        #expect(openCL.error.hasPrefix("error: device 'opencl' is unavailable: "), "\(openCL.error)")
        #expect(openCL.error.contains("libOpenCL.so.1"), "\(openCL.error)")
    }
}
