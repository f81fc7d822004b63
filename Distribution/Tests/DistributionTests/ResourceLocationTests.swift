import Foundation
import Testing

/// Where `deepbayes` takes OpenCL code and data from: `$DEEPBAYES_KERNELS` / `$DEEPBAYES_DATA`
/// alone when set (a missing folder is an error), else beside the executable, its install
/// prefix and the source tree it was built from; never a folder planted higher up, and not one
/// another user owns or every user can write.
@Suite(.serialized) struct ResourceLocationTests {
    static let repositoryKernels = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../Kernels").standardized

    /// An installed tree `root/a/b/{bin/deepbayes, bin/libDeepBayes.so, bin/backends/<opencl plugin>}`.
    static func installedTree() throws -> (root: URL, prefix: URL, executable: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-tree-\(UUID().uuidString)")
        let prefix = root.appendingPathComponent("a/b"), bin = prefix.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin.appendingPathComponent("backends"), withIntermediateDirectories: true)
        for name in ["deepbayes", "libDeepBayes.so"] {
            try FileManager.default.copyItem(at: PluginTests.built(name), to: bin.appendingPathComponent(name))
        }
        try FileManager.default.copyItem(at: PluginTests.built("libdeepbayes-backend-opencl.so"),
                                         to: bin.appendingPathComponent("backends/libdeepbayes-backend-opencl.so"))
        return (root, prefix, bin.appendingPathComponent("deepbayes"))
    }

    /// A copy of the kernels whose `matmul.cl` does not compile, at `folder/Kernels`.
    static func plantBrokenKernels(in folder: URL) throws -> URL {
        let kernels = folder.appendingPathComponent("Kernels")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryKernels, to: kernels)
        try "__kernel void gemm_panels(this is not C) {}\n".write(to: kernels.appendingPathComponent("matmul.cl"), atomically: true, encoding: .utf8)
        return kernels
    }

    @Test(.enabled(if: TestBackends.available["opencl"] != nil, "no OpenCL device here"))
    func kernelsPlantedAboveTheExecutableAreNotUsed() throws {
        let tree = try Self.installedTree()
        defer { try? FileManager.default.removeItem(at: tree.root) }
        _ = try Self.plantBrokenKernels(in: tree.root)
        _ = try Self.plantBrokenKernels(in: tree.root.appendingPathComponent("a"))
        let planted = try CommandLineTests.run(["check", "--device", "opencl"], executable: tree.executable)
        #expect(planted.status == 0, "a Kernels folder above the install prefix was used:\n\(planted.error)")

        // The control: the same broken copy at the install prefix is used, so the test can tell.
        let atPrefix = try Self.plantBrokenKernels(in: tree.prefix)
        let used = try CommandLineTests.run(["check", "--device", "opencl"], executable: tree.executable)
        #expect(used.status == 1)
        #expect(used.error.contains("building kernel program matmul.cl failed"), "\(used.error)")

        // Every user may write to it: skipped.
        #expect(chmod(atPrefix.path, 0o777) == 0)
        let worldWritable = try CommandLineTests.run(["check", "--device", "opencl"], executable: tree.executable)
        #expect(worldWritable.status == 0, "a world-writable Kernels folder was used:\n\(worldWritable.error)")

        // Another user owns it (only root can arrange this): skipped.
        if getuid() == 0 {
            #expect(chmod(atPrefix.path, 0o755) == 0)
            #expect(chown(atPrefix.path, 65534, 65534) == 0)
            let foreign = try CommandLineTests.run(["check", "--device", "opencl"], executable: tree.executable)
            #expect(foreign.status == 0, "a Kernels folder owned by another user was used:\n\(foreign.error)")
        }
    }

    @Test func aMissingKernelsOrDataFolderInTheEnvironmentIsAnError() throws {
        let kernels = try CommandLineTests.run(["check", "--device", "opencl"], environment: ["DEEPBAYES_KERNELS": "/nonexistent/kernels"])
        #expect(kernels.status == 1)
        if TestBackends.available["opencl"] != nil {
            #expect(kernels.error.hasPrefix("error: /nonexistent/kernels: $DEEPBAYES_KERNELS must name a readable folder holding Kernels/'s files, and this is none"),
                    "\(kernels.error)")
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-nodata-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let data = try CommandLineTests.run(["train", "bnn", "--epochs", "1", "--out", out.path], environment: ["DEEPBAYES_DATA": "/nonexistent/data"])
        #expect(data.status == 1)
        #expect(data.error.hasPrefix("error: /nonexistent/data: $DEEPBAYES_DATA must name a readable folder holding Data/'s files, and this is none"),
                "\(data.error)")
    }
}
