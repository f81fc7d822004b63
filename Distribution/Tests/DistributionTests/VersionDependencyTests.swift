import Foundation
import Testing

/// A package that depends on DeepBayes by version, as a user's would: this checkout copied
/// into a new git repository tagged `1.0.0`, a consumer package that requires `from: "1.0.0"`
/// and whose `main.swift` is README's first library snippet followed by one short epoch of
/// Bayes by Backprop through `DeepBayesCLI`, built in release and run. SwiftPM refuses a
/// version dependency with unsafe build flags, so the build proves the library targets have
/// none; the run proves the portable CPU backend computes and trains.
@Suite struct VersionDependencyTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../..").standardized

    /// README's first ```swift block under "## Using the library".
    static func librarySnippet() throws -> String {
        let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Using the library").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```swift\n").dropFirst().first)
        return try #require(block.components(separatedBy: "```").first)
    }

    static func run(_ command: [String], in directory: URL) throws -> CommandLineTests.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["DEEPBAYES_TARGET_CPU"] = nil
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.currentDirectoryURL = directory
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandLineTests.Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self), error: "")
    }

    @Test(.timeLimit(.minutes(20)))
    func aPackageDependingOnATaggedVersionBuildsAndRunsTheReadmeSnippet() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-version-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let library = work.appendingPathComponent("deepbayes"), consumer = work.appendingPathComponent("consumer")

        // The checkout as git sees it (tracked and new files, nothing ignored), as version 1.0.0.
        let files = try Self.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], in: Self.repository)
        #expect(files.status == 0, "\(files.output)")
        for path in files.output.split(separator: "\n").map(String.init) {
            let source = Self.repository.appendingPathComponent(path), target = library.appendingPathComponent(path)
            guard (try? source.checkResourceIsReachable()) == true || (try? FileManager.default.destinationOfSymbolicLink(atPath: source.path)) != nil else { continue }
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: source, to: target)
        }
        for command in [["git", "init", "-q"], ["git", "add", "-A"],
                        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-qm", "snapshot"],
                        ["git", "tag", "1.0.0"]] {
            let result = try Self.run(command, in: library)
            try #require(result.status == 0, "\(command): \(result.output)")
        }

        try FileManager.default.createDirectory(at: consumer.appendingPathComponent("Sources/consumer"), withIntermediateDirectories: true)
        try """
        // swift-tools-version:6.0
        import PackageDescription

        let package = Package(
            name: "consumer",
            dependencies: [.package(url: "\(library.absoluteString)", from: "1.0.0")],
            targets: [.executableTarget(name: "consumer", dependencies: [
                .product(name: "DeepBayesBackends", package: "deepbayes"), .product(name: "DeepBayesCLI", package: "deepbayes"),
            ])],
            swiftLanguageModes: [.v5]
        )
        """.write(to: consumer.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let out = work.appendingPathComponent("run")
        let training = """
            DeepBayesCLI.main(registry: standardRegistry, arguments: ["train", "bnn", "--device", "cpu", "--epochs", "1", "--batch-size", "64",
                "--train-limit", "192", "--test-limit", "100", "--samples", "2", "--hidden", "32", "--out", "\(out.path)"])
            """
        try ("import DeepBayesCLI\n" + Self.librarySnippet() + training + "\n")
            .write(to: consumer.appendingPathComponent("Sources/consumer/main.swift"), atomically: true, encoding: .utf8)

        let build = try Self.run(["swift", "build", "-c", "release"], in: consumer)
        #expect(build.status == 0, "\(build.output)")
        let run = try Self.run(["DEEPBAYES_DATA=" + Self.repository.appendingPathComponent("Data").path,
                                consumer.appendingPathComponent(".build/release/consumer").path], in: consumer)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("[14.0, 32.0, 32.0, 77.0]"), "\(run.output)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("model.safetensors").path), "\(run.output)")
    }
}
