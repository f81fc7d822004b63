import Foundation
import Testing

/// The `deepbayes` executable end to end: device listing, device checks from another working
/// directory (kernel sources are found from the executable, not the current directory), and
/// the one-line errors for devices that do not exist or cannot start.
@Suite struct CommandLineTests {
    /// The executable SwiftPM built beside the test bundle (run without the device cache:
    /// `TestBackends.deviceCacheOff`).
    static let executable: URL = {
        TestBackends.deviceCacheOff
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("deepbayes").path),
              directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("deepbayes")
    }()

    struct Result {
        let status: Int32
        let output: String
        let error: String
    }

    /// Runs `deepbayes arguments` (or another copy of it) in a temporary directory with
    /// `environment` added.
    static func run(_ arguments: [String], environment: [String: String] = [:], executable: URL = executable) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), error: String(decoding: err, as: UTF8.self))
    }

    @Test func devicesListsEveryBackend() throws {
        let result = try Self.run(["devices"])
        #expect(result.status == 0)
        #expect(result.output.contains("--device cpu"))
        #expect(result.output.contains("opencl"))
    }

    @Test(arguments: TestBackends.names)
    func checkPassesOnEveryStartedBackendFromAnotherDirectory(backendName: String) throws {
        let result = try Self.run(["check", "--device", backendName])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output.components(separatedBy: ": ok").count == 3, "\(result.output)")
    }

    @Test func unknownDeviceExitsWithTheAvailableOnes() throws {
        let result = try Self.run(["check", "--device", "bogus"])
        #expect(result.status == 1)
        #expect(result.error.hasPrefix("error: unknown device 'bogus'; available: cpu, reference, opencl"))
        #expect(result.error.contains("--device reference"), "the listing shows every backend")
        #expect(!result.error.contains("apt-get"), "an unknown name is not an OpenCL problem: no install hint")
        #expect(!result.error.contains("Fatal error"))
    }

    @Test func openCLWithoutPlatformExitsWithInstallHint() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-no-icd-\(getpid())")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let result = try Self.run(["check", "--device", "opencl"], environment: ["OCL_ICD_VENDORS": empty.path])
        #expect(result.status == 1)
        #expect(result.error.hasPrefix("error: device 'opencl' is unavailable"), "\(result.error)")
        #expect(result.error.contains("pocl-opencl-icd"))
    }

    /// A kernel that does not compile surfaces as a typed error carrying the compiler's log.
    @Test(.enabled(if: TestBackends.available["opencl"] != nil, "no OpenCL device here"))
    func brokenKernelSourceReportsTheBuildLog() throws {
        let kernels = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Kernels").standardized
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-broken-kernels-\(getpid())")
        try? FileManager.default.removeItem(at: broken)
        try FileManager.default.copyItem(at: kernels, to: broken)
        defer { try? FileManager.default.removeItem(at: broken) }
        try "__kernel void gemm_panels(this is not C) {}\n".write(to: broken.appendingPathComponent("matmul.cl"), atomically: true, encoding: .utf8)
        let result = try Self.run(["check", "--device", "opencl"], environment: ["DEEPBAYES_KERNELS": broken.path])
        #expect(result.status == 1)
        #expect(result.error.contains("building kernel program matmul.cl failed"), "\(result.error)")
        #expect(result.error.contains("error"), "the build log is missing: \(result.error)")
    }
}
